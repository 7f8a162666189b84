"""``screenplay review FILE``: write the page where viewers rate the built variants.

The page (:mod:`screenplay.variants.review`) plays ``FILE.ID.mp4`` for every
variant built so far (``screenplay build FILE --all-variants``) and lets each
viewer download their ratings as JSONL for ``screenplay tune``.  Default
output: ``FILE.review.html`` beside the film.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from screenplay.commands import _args

NAME = "review"
HELP = "write a review page (HTML) where viewers watch the built variants and rate them"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=_args.input_path, metavar="FILE")
    p.add_argument(
        "-o", "--output", type=_args.output_path, help="the page (default: FILE.review.html)"
    )
    p.add_argument(
        "--show-choices",
        action="store_true",
        help="say what each variant chose (default: blind, labelled Film A, B, …)",
    )
    _args.allow_outside_assets(p)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from screenplay.cache import atomic_write_bytes
    from screenplay.commands._common import outputs_ok, report
    from screenplay.commands._variants_build import load_axes
    from screenplay.syntax.source import Span
    from screenplay.variants import errors
    from screenplay.variants.axes import MAX_VARIANTS, Variant
    from screenplay.variants.batch import variant_output
    from screenplay.variants.review import relative_src, review_html

    console = Console(stderr=True, highlight=False)
    loaded = load_axes(args.file, args.allow_outside_assets, console, "no variants to review")
    if loaded is None:
        return 1
    film, analysis, diags = loaded
    page = args.output or args.file.with_name(args.file.stem + ".review.html")
    built: list[tuple[Variant, Path]] = []
    missing: list[tuple[Variant, Path]] = []
    for n, v in enumerate(analysis.variants()):
        if n >= MAX_VARIANTS:
            break
        video = variant_output(args.file, v.id)
        (built if video.is_file() else missing).append((v, video))
    if not built:
        diags.error(
            errors.NO_VARIANTS,
            Span(str(args.file), 0, 0, 0, 0),
            "no variant of this film is built yet",
            f"build them first: `screenplay build {args.file} --all-variants --preview`",
        )
        report(diags.items, film, console=console)
        return 1
    if not outputs_ok([page], film, diags):
        report(diags.items, film, console=console)
        return 1
    report(diags.items, film, console=console)
    title = next((v for k, v in film.title.items() if k.lower() == "title"), "") or args.file.stem
    text = review_html(
        str(title),
        [(v, relative_src(video, page)) for v, video in built],
        show_choices=args.show_choices,
        feedback_name=f"{args.file.stem}.feedback.jsonl",
    )
    atomic_write_bytes(page, text.encode("utf-8"))
    console.print(f"[bold green]wrote[/] {page}  ({len(built)} variants)")
    if missing:
        console.print(
            f"  {len(missing)} variants not built yet: "
            f"`screenplay build {args.file} --all-variants` adds them"
        )
    return 0
