"""The platforms' wire protocols as pure functions: signing, timestamps, paths, error tables.

Nothing here does I/O. The connectors (clients) and the emulators (servers) both build on these
modules, so a request the connector signs is checked by the very same rules the emulator applies;
the tests check the rules themselves against independently computed vectors.
"""
