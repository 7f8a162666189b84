"""``screenplay fmt FILE…``: rewrite films in the canonical layout (``--check``: only report).

See :mod:`screenplay.document.fmt` for the rules.  Every file is verified the
way Black's safe mode does it: the formatted text must parse to the same
elements, or the file is left alone and SP1003 is reported.  Files are
rewritten atomically and only when they change.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from rich.console import Console

from screenplay.commands._common import report
from screenplay.diagnostics import Diagnostic, Diagnostics, Severity
from screenplay.syntax.source import Span

NAME = "fmt"
HELP = "format .film files canonically (--check: exit 1 if a file would change)"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if any file would change"
    )
    p.add_argument("--diff", action="store_true", help="print a unified diff instead of writing")


def run(args: argparse.Namespace) -> int:
    from screenplay.api import read_source
    from screenplay.cache import atomic_write_bytes
    from screenplay.document import errors
    from screenplay.document.fmt import UnsafeFormat, format_film

    console = Console(stderr=True, highlight=False)
    problems: list[Diagnostic] = []
    changed: list[Path] = []
    failed = False
    for path in args.files:
        diags = Diagnostics()
        source = read_source(path, diags)
        if source is None:
            problems.extend(diags)
            failed = True
            continue
        try:
            result = format_film(source.text, str(path))
        except UnsafeFormat as exc:
            problems.append(
                Diagnostic(
                    errors.FMT_UNSAFE,
                    Severity.ERROR,
                    f"not formatted: the result would not be the same film ({exc})",
                    Span(str(path), 1, 1, 1, 1),
                    "the file was left unchanged; please report this with the file",
                )
            )
            failed = True
            continue
        # A BOM or CRLF line ends are changes too, even when the text is equal.
        if not result.changed and path.read_bytes() == result.text.encode("utf-8"):
            continue
        changed.append(path)
        if args.diff:
            sys.stdout.writelines(
                difflib.unified_diff(
                    source.text.splitlines(keepends=True),
                    result.text.splitlines(keepends=True),
                    f"{path} (original)",
                    f"{path} (formatted)",
                )
            )
        elif args.check:
            problems.append(
                Diagnostic(
                    errors.FMT_WOULD_CHANGE,
                    Severity.ERROR,
                    f"{path} would be reformatted",
                    Span(str(path), 1, 1, 1, 1),
                    f"run `screenplay fmt {path}`",
                )
            )
        else:
            atomic_write_bytes(path, result.text.encode("utf-8"))
    if problems:
        report(problems, None, console=console, machine=True)
    verb = "would reformat" if (args.check or args.diff) else "reformatted"
    n = len(args.files)
    console.print(
        f"{len(changed)} of {n} file{'s' if n != 1 else ''} {verb}"
        + (
            f"; {sum(1 for d in problems if d.code != errors.FMT_WOULD_CHANGE)} failed"
            if failed
            else ""
        )
    )
    if failed:
        return 1
    return 1 if (args.check and changed) else 0
