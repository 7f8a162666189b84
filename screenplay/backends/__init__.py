"""Backend protocols and the registry that finds engines (see protocols.py)."""
