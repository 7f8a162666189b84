"""``screenplay variants FILE``: the axes a film leaves open and every variant's id.

JSON (``--format json``)::

    {"file": "…", "axes": [{"name": "MAN.voice", "kind": "value", "values": ["carlos", "joe"]}],
     "variants": [{"id": "4f53cda1", "choice": {"MAN.voice": "carlos"}}],
     "default": "4f53cda1", "built": "4f53cda1"}

``default`` is the variant of first alternatives; ``built`` the one a plain
``screenplay build`` makes (the lock's, after ``tune --write-lock``).
``--check`` also runs the front end on every variant, so an error that only
one alternative has (``voice: carlos | jeo``) is found before any build.
"""

from __future__ import annotations

import argparse
import json
import sys

from screenplay.commands import _args

NAME = "variants"
HELP = "list a film's axes of alternatives and its variants (ids for build --variant)"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=_args.input_path, metavar="FILE")
    p.add_argument("--format", choices=("human", "json"), default="human")
    p.add_argument(
        "--check", action="store_true", help="check every variant (front end only, no build)"
    )
    _args.allow_outside_assets(p)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from screenplay.api import load_film
    from screenplay.backends.protocols import outside_assets
    from screenplay.commands._common import report
    from screenplay.variants.axes import MAX_VARIANTS, Analysis
    from screenplay.variants.select import Chosen

    console = Console(stderr=True, highlight=False)
    with outside_assets(args.allow_outside_assets):
        film, diags = load_film(args.file)
    errors_found = report(diags, film, console=console)
    if film is None:
        return 1
    analysis = film.script.extra.get("axes")
    chosen = film.script.extra.get("variant")
    if not isinstance(analysis, Analysis) or not isinstance(chosen, Chosen):
        analysis = Analysis([])
    variants = []
    for v in analysis.variants():
        variants.append(v)
        if len(variants) >= MAX_VARIANTS:
            break
    default = analysis.variant({}).id if analysis.axes else None
    built = chosen.variant.id if isinstance(chosen, Chosen) else None

    if args.check and analysis.axes:
        # Each problem once, with the first variant that has it.
        seen = {(d.code, str(d.span), d.message) for d in diags}
        for v in variants:
            with outside_assets(args.allow_outside_assets):
                _, vdiags = load_film(args.file, v.choice)
            fresh = [d for d in vdiags if (d.code, str(d.span), d.message) not in seen]
            seen.update((d.code, str(d.span), d.message) for d in fresh)
            if fresh:
                console.print(f"[bold]in variant {v.id}[/] ({_choice(v.choice)}):")
                errors_found |= report(fresh, film, console=console)

    if args.format == "json":
        json.dump(
            {
                "file": str(args.file),
                "axes": [a.as_dict() for a in analysis.axes],
                "variants": [v.as_dict() for v in variants],
                "count": analysis.count,
                "default": default,
                "built": built,
            },
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        sys.stdout.write("\n")
        return 1 if errors_found else 0

    from rich.table import Table

    out = Console(highlight=False)
    if not analysis.axes:
        out.print(f"{args.file}: no alternatives, one film")
        return 1 if errors_found else 0
    axes = Table(title=f"{args.file}: {len(analysis.axes)} axes, {analysis.count} variants")
    axes.add_column("axis", style="bold")
    axes.add_column("kind")
    axes.add_column("values (first is the default)")
    for a in analysis.axes:
        axes.add_row(a.name, a.kind, " | ".join(a.values))
    out.print(axes)
    table = Table()
    table.add_column("id", style="bold cyan", no_wrap=True, min_width=8)
    for a in analysis.axes:
        table.add_column(a.name)
    table.add_column("")
    for v in variants:
        mark = []
        if v.id == default:
            mark.append("default")
        if v.id == built and built != default:
            mark.append("locked")
        table.add_row(v.id, *(v.choice[a.name] for a in analysis.axes), ", ".join(mark))
    out.print(table)
    if analysis.count > len(variants):
        out.print(f"(first {len(variants)} of {analysis.count} shown)")
    return 1 if errors_found else 0


def _choice(choice: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in choice.items())
