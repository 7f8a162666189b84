"""Render diagnostics for people (rich, rustc/Elm style) and for machines (one line each).

::

    error[SP0202]: unknown voice preset `carlo`
      --> the_empty_room.film:12:12
       |
    12 |     voice: carlo
       |            ^^^^^ not defined
       |
       = help: did you mean `carlos`?
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.console import Console
from rich.text import Text

from screenplay.diagnostics.core import Diagnostic, Severity
from screenplay.syntax.source import Span

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.NOTE: "bold cyan"}


def render_text(diag: Diagnostic, line_of: Callable[[str, int], str]) -> Text:
    """A rich Text block for one diagnostic; ``line_of(file, n)`` returns source line n."""
    style = STYLE[diag.severity]
    out = Text()
    out.append(f"{diag.severity.value}[{diag.code}]", style=style)
    out.append(f": {diag.message}\n", style="bold")
    width = len(str(max([diag.span.line] + [lab.span.line for lab in diag.labels])))
    pad = " " * width
    out.append(f"{pad}--> ", style="blue")
    if diag.span.line < 1:
        # A whole file (an output, an unreadable input): nothing to quote.
        out.append(f"{diag.span.file}\n")
    else:
        out.append(f"{diag.span.file}:{diag.span.line}:{diag.span.col}\n")
        out.append(f"{pad} |\n", style="blue")
        _snippet(out, diag.span, diag.label, style, line_of, width)
    for lab in diag.labels:
        if lab.span.file != diag.span.file:
            out.append(f"{pad}--> ", style="blue")
            out.append(f"{lab.span.file}:{lab.span.line}:{lab.span.col}\n")
        _snippet(out, lab.span, lab.message, "bold blue", line_of, width, caret="-")
    if diag.help:
        out.append(f"{pad} |\n", style="blue")
        for i, line in enumerate(diag.help.splitlines()):
            out.append(f"{pad} = ", style="blue")
            if i == 0:
                out.append("help", style="bold")
                out.append(": ")
            else:
                out.append("      ")
            out.append(line + "\n")
    return out


def _snippet(
    out: Text,
    span: Span,
    message: str,
    style: str,
    line_of: Callable[[str, int], str],
    width: int,
    caret: str = "^",
) -> None:
    text = line_of(span.file, span.line).replace("\t", "    ")
    out.append(f"{span.line:>{width}} | ", style="blue")
    out.append(text + "\n")
    start = max(span.col, 1)
    if span.end_line == span.line:
        length = max(span.end_col - span.col, 1)
    else:
        length = max(len(text) - start + 1, 1)
    out.append(f"{' ' * width} | ", style="blue")
    out.append(" " * (start - 1) + caret * length, style=style)
    if message:
        out.append(" " + message, style=style)
    out.append("\n")


def print_diagnostics(
    diags: Iterable[Diagnostic],
    line_of: Callable[[str, int], str],
    console: Console | None = None,
    machine: bool = False,
) -> None:
    console = console or Console(stderr=True, highlight=False)
    diags = list(diags)
    for d in diags:
        if machine:
            console.print(Text(d.one_line()), soft_wrap=True)
        else:
            console.print(render_text(d, line_of), soft_wrap=True)
    if not machine and diags:
        errors = sum(1 for d in diags if d.severity is Severity.ERROR)
        warnings = sum(1 for d in diags if d.severity is Severity.WARNING)
        parts = []
        if errors:
            parts.append(f"{errors} error{'s' if errors != 1 else ''}")
        if warnings:
            parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
        if parts:
            console.print(Text(", ".join(parts), style="bold red" if errors else "bold yellow"))
