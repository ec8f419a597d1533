"""Reading a config directory into a validated `Config`, with every error located (DESIGN §2)."""
