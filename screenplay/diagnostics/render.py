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

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from screenplay.diagnostics.core import Diagnostic, Severity, escape_char, printable
from screenplay.syntax.source import Span

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.NOTE: "bold cyan"}


def render_text(diag: Diagnostic, line_of: Callable[[str, int], str]) -> Text:
    """A rich Text block for one diagnostic; ``line_of(file, n)`` returns source line n."""
    style = STYLE[diag.severity]
    out = Text()
    out.append(f"{diag.severity.value}[{diag.code}]", style=style)
    out.append(f": {printable(diag.message)}\n", style="bold")
    width = len(str(max([diag.span.line] + [lab.span.line for lab in diag.labels])))
    pad = " " * width
    out.append(f"{pad}--> ", style="blue")
    if diag.span.line < 1:
        # A whole file (an output, an unreadable input): nothing to quote.
        out.append(f"{printable(diag.span.file)}\n")
    else:
        out.append(f"{printable(diag.span.file)}:{diag.span.line}:{diag.span.col}\n")
        out.append(f"{pad} |\n", style="blue")
        _snippet(out, diag.span, diag.label, style, line_of, width)
    for lab in diag.labels:
        if lab.span.file != diag.span.file:
            out.append(f"{pad}--> ", style="blue")
            out.append(f"{printable(lab.span.file)}:{lab.span.line}:{lab.span.col}\n")
        _snippet(out, lab.span, lab.message, "bold blue", line_of, width, caret="-")
    if diag.help:
        out.append(f"{pad} |\n", style="blue")
        for i, line in enumerate(printable(diag.help, keep="\n").split("\n")):
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
    shown, cols = display_line(line_of(span.file, span.line))
    out.append(f"{span.line:>{width}} | ", style="blue")
    out.append(shown + "\n")
    # Columns are characters of the source; the caret is drawn in terminal cells of the
    # line as shown (tabs expanded, control characters escaped, wide characters).
    first = min(max(span.col, 1), len(cols))
    if span.end_line == span.line:
        last = min(max(span.end_col, first + 1), len(cols))
    else:
        last = len(cols) - 1  # to the end of the line
    start = cols[first - 1]
    length = max(cols[last - 1] - start, 1)
    out.append(f"{' ' * width} | ", style="blue")
    out.append(" " * start + caret * length, style=style)
    if message:
        out.append(" " + printable(message), style=style)
    out.append("\n")


def display_line(text: str) -> tuple[str, list[int]]:
    """A source line as shown, and the display cell where each character (and the end) starts."""
    parts: list[str] = []
    cols = [0]
    for ch in text:
        shown = "    " if ch == "\t" else escape_char(ch)
        if shown is None:
            parts.append(ch)
            cols.append(cols[-1] + cell_len(ch))
        else:
            parts.append(shown)
            cols.append(cols[-1] + len(shown))
    cols.append(cols[-1] + 1)  # one past the end: a caret for "missing here"
    return "".join(parts), cols


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
            console.print(Text(d.one_line()), soft_wrap=True)  # one_line escapes
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
