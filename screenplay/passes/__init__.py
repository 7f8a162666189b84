"""Compiler passes, one module each, named for what they produce (see docs/ARCHITECTURE.md)."""
