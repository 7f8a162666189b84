"""``screenplay print FILE -o script.pdf``: the screenplay as a document (PDF, FDX, HTML).

The script is printed as written, in industry format (see
:mod:`screenplay.document.layout`).  Errors in the film's production do not
stop printing — they are shown, followed by a warning (SP1000) — because they
do not change the page; an unreadable file does.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from screenplay.commands._common import report
from screenplay.diagnostics import Diagnostic, Severity
from screenplay.syntax.source import Span

NAME = "print"
HELP = "print the screenplay in industry format (PDF, Final Draft FDX or HTML)"

FORMATS = ("pdf", "fdx", "html")


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("-o", "--output", type=Path, help="output file (default: FILE with .pdf/.fdx/…)")
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="pdf (default), fdx (Final Draft) or html; also inferred from the -o suffix",
    )
    p.add_argument("--paper", choices=("letter", "a4"), default="letter", help="paper size")
    p.add_argument(
        "--production",
        action="store_true",
        help="append a production sheet (cast, voices, faces, sets, cues)",
    )


def run(args: argparse.Namespace) -> int:
    from screenplay.api import load_film
    from screenplay.document import errors
    from screenplay.document.layout import PAPERS, layout

    console = Console(stderr=True, highlight=False)
    fmt = args.format
    if fmt is None:
        suffix = args.output.suffix.lower().lstrip(".") if args.output else ""
        fmt = suffix if suffix in FORMATS else "pdf"
    out: Path = args.output or args.file.with_suffix("." + fmt)

    film, diags = load_film(args.file)
    if film is None:
        report(diags, None, console=console)
        return 1
    extra: list[Diagnostic] = []
    n_errors = sum(d.severity is Severity.ERROR for d in diags)
    if n_errors:
        extra.append(
            Diagnostic(
                errors.PRINTED_WITH_ERRORS,
                Severity.WARNING,
                f"the film has {n_errors} error{'s' if n_errors != 1 else ''}; "
                "the screenplay was printed anyway",
                Span(film.source.name, 1, 1, 1, 1),
                "errors about production do not change the printed page; "
                "`screenplay check` lists them",
            )
        )
    script = film.script
    title = film.title.get("title", "") if film.title else ""
    author = film.title.get("author", "") if film.title else ""
    try:
        if fmt == "pdf":
            from screenplay.document.fonts import courier_prime_dir
            from screenplay.document.pdf import write_pdf

            doc = layout(script, PAPERS[args.paper])
            appendix = []
            if args.production:
                from screenplay.document.sheet import sheet_pages

                appendix = sheet_pages(film, doc.paper.lines)
            if courier_prime_dir() is None:
                extra.append(
                    Diagnostic(
                        errors.NO_COURIER_PRIME,
                        Severity.WARNING,
                        "Courier Prime is not installed; the PDF uses the core font Courier",
                        Span(film.source.name, 1, 1, 1, 1),
                        "apt-get install fonts-courier-prime",
                    )
                )
            write_pdf(doc, out, title=title, author=author, appendix=appendix)
            pages = len(doc.pages)
        else:
            from screenplay.cache import atomic_write_bytes

            if fmt == "fdx":
                from screenplay.document.fdx import to_fdx

                text = to_fdx(script, film if args.production else None)
            else:
                from screenplay.document.html import to_html

                text = to_html(script, film=film if args.production else None)
            atomic_write_bytes(out, text.encode("utf-8"))
            pages = len(layout(script, PAPERS[args.paper]).pages)
    except OSError as exc:
        extra.append(
            Diagnostic(
                errors.CANNOT_WRITE,
                Severity.ERROR,
                f"cannot write {out}: {exc.strerror or exc}",
                Span(str(out), 1, 1, 1, 1),
                "check that the folder exists and is writable",
            )
        )
        report([*diags, *extra], film, console=console)
        return 1
    report([*diags, *extra], film, console=console)
    console.print(f"[bold green]printed[/] {out}  ({pages} page{'s' if pages != 1 else ''}, {fmt})")
    return 0
