"""The command line: thin click commands over the library. Nothing imports this package."""
