"""Users, password hashing, tokens, roles and business scoping."""
