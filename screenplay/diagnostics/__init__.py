"""Diagnostics: one record type, one registry of codes, one renderer.

Passes collect :class:`Diagnostic` s in a list and never print or raise for a
user error; the CLI renders them all at the end of a run.
"""

from screenplay.diagnostics.core import Code, Diagnostic, Diagnostics, Label, Severity

__all__ = ["Code", "Diagnostic", "Diagnostics", "Label", "Severity"]
