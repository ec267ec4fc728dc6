"""The local stack: every component as a real server process on 127.0.0.1."""
