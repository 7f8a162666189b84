"""Helpers shared by the subcommands: printing diagnostics, exit codes."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from screenplay.diagnostics import Diagnostic, Diagnostics, Severity
from screenplay.diagnostics.render import print_diagnostics
from screenplay.film import Film


def report(
    diags: Iterable[Diagnostic],
    film: Film | None,
    *,
    machine: bool = False,
    notes: bool = False,
    console: Console | None = None,
) -> bool:
    """Print diagnostics (notes only if asked); return True if any is an error."""
    items = [d for d in diags if notes or d.severity is not Severity.NOTE]
    items.sort(key=lambda d: (d.span.file, d.span.line, d.span.col))
    sources = film.sources if film else {}

    def line_of(file: str, n: int) -> str:
        src = sources.get(file)
        if src is None:
            try:
                from screenplay.syntax.source import Source

                src = Source.read(Path(file))
                sources[file] = src
            except OSError:
                return ""
        return src.line_text(n)

    print_diagnostics(items, line_of, console=console, machine=machine)
    return any(d.severity is Severity.ERROR for d in items)


def outputs_ok(
    outputs: list[Path], film: Film | None, diags: Diagnostics, extra_inputs: Iterable[Path] = ()
) -> bool:
    """Check a command's outputs before its work (see :func:`screenplay.outputs.check_outputs`).

    A refusal (a folder, an unwritable place, an input of the film) is added
    to ``diags`` as an error naming the output; returns False then.
    """
    from screenplay.backends.protocols import BackendError
    from screenplay.outputs import check_outputs, film_inputs
    from screenplay.syntax.source import Span

    inputs = [*(film_inputs(film) if film is not None else []), *extra_inputs]
    try:
        check_outputs(outputs, inputs)
    except BackendError as e:
        diags.error(e.code, Span(str(outputs[0]), 0, 0, 0, 0), e.message, e.help)
        return False
    return True


def progress_bar(console: Console, *, transient: bool) -> Progress:
    """The commands' progress display: stage, bar, done/total, elapsed; silent off a terminal."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=transient,
        disable=not console.is_terminal,
    )
