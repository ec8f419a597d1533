"""Platform connectors: the only code that talks to a platform (DESIGN §4)."""
