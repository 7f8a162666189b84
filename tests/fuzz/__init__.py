"""Fuzzing the front end: a corpus mutator, a harness, and the long run (docs/robustness.md)."""
