"""``screenplay tune FILE FEEDBACK.jsonl``: which variant the audience prefers; what to test next.

Reads the viewers' feedback (:mod:`screenplay.variants.feedback`), fits the
model (:mod:`screenplay.variants.model`) and prints every variant's expected
rating with a 95 % credible interval, the best one and the next ones worth
showing (Thompson sampling).  ``--write-lock`` records the best variant (or
``--choose ID``) in the film's lock file, so a plain ``screenplay build``
makes it.  Bad feedback lines are warnings and are skipped, never fatal.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from screenplay.commands import _args

NAME = "tune"
HELP = "learn from viewers' feedback which variant to build (and which to test next)"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=_args.input_path, metavar="FILE")
    p.add_argument("feedback", type=_args.input_path, metavar="FEEDBACK.jsonl")
    p.add_argument("--format", choices=("human", "json"), default="human")
    p.add_argument(
        "--write-lock",
        action="store_true",
        help="write the best variant into FILE.lock: a plain build then makes it",
    )
    p.add_argument("--choose", metavar="ID", help="with --write-lock: lock this variant instead")
    _args.allow_outside_assets(p)


def _duration(path: Path) -> float | None:
    """A built variant's length in seconds (the container's duration), or None."""
    if not path.is_file():
        return None
    try:
        import av

        with av.open(str(path)) as c:
            return float(c.duration) / 1_000_000 if c.duration else None
    except Exception:  # not a film after all: the line's watch time is left out
        return None


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from screenplay.commands._common import report
    from screenplay.commands._variants_build import load_axes
    from screenplay.syntax.source import Span
    from screenplay.variants import errors
    from screenplay.variants.axes import MAX_VARIANTS
    from screenplay.variants.batch import variant_output
    from screenplay.variants.feedback import read_feedback
    from screenplay.variants.model import fit, summarize
    from screenplay.variants.select import parse_choice

    console = Console(stderr=True, highlight=False)
    loaded = load_axes(args.file, args.allow_outside_assets, console, "there is nothing to tune")
    if loaded is None:
        return 1
    film, analysis, diags = loaded
    if analysis.count > MAX_VARIANTS:
        diags.error(
            errors.TOO_MANY_VARIANTS,
            Span(str(args.file), 0, 0, 0, 0),
            f"{analysis.count} variants; tune models at most {MAX_VARIANTS}",
        )
        report(diags.items, film, console=console)
        return 1
    variants = list(analysis.variants())
    fb = read_feedback(
        args.feedback,
        {v.id for v in variants},
        diags,
        duration_of=lambda vid: _duration(variant_output(args.file, vid)),
    )
    if diags.has_errors:
        report(diags.items, film, console=console)
        return 1
    summary = summarize(fit(analysis, variants, fb.records), analysis)
    summary["file"] = str(args.file)
    summary["records"] = len(fb.records)
    summary["skipped"] = dict(fb.skipped)

    locked = None
    if args.write_lock:
        choice = summary["best"]["choice"] if summary["best"] else None
        if args.choose:
            choice = parse_choice(args.choose, analysis, diags, Span(str(args.file), 0, 0, 0, 0))
        if choice is None:
            report(diags.items, film, console=console)
            return 1
        locked = _write_lock(args.file, analysis, choice)
        summary["locked"] = locked
    report(diags.items, film, console=console)
    if fb.total_skipped:
        parts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(fb.skipped.items()))
        console.print(f"[yellow]skipped {fb.total_skipped} feedback lines[/] ({parts})")

    if args.format == "json":
        json.dump(summary, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    _print_human(summary, analysis)
    if locked:
        console.print(f"[bold green]locked[/] variant {locked} in {args.file}.lock")
    return 0


def _write_lock(path: Path, analysis: object, choice: dict[str, str]) -> str:
    from screenplay.dialogue.lock import LockFile
    from screenplay.variants.axes import Analysis

    assert isinstance(analysis, Analysis)
    variant = analysis.variant(choice)
    lock_path = path.with_name(path.name + ".lock")
    lock = LockFile.load(lock_path)
    lock.variant = dict(variant.choice)
    lock.variant_id = variant.id
    lock.save(lock_path)
    return variant.id


def _print_human(summary: dict[str, object], analysis: object) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Console(highlight=False)
    n = summary["ratings"]
    table = Table(title=f"{summary['file']}: {n} ratings, {summary['records']} feedback lines")
    table.add_column("variant", style="bold cyan", no_wrap=True, min_width=8)
    from screenplay.variants.axes import Analysis

    assert isinstance(analysis, Analysis)
    for a in analysis.axes:
        table.add_column(a.name)
    table.add_column("rating", justify="right")
    table.add_column("95% interval", justify="right")
    table.add_column("ratings", justify="right")
    table.add_column("P(best)", justify="right")
    table.add_column("watched", justify="right")
    rows = summary["variants"]
    assert isinstance(rows, list)
    for r in rows:
        lo, hi = r["ci95"]
        table.add_row(
            r["id"],
            *(r["choice"][a.name] for a in analysis.axes),
            f"{r['expected_rating']:.2f}",
            f"{lo:.2f}–{hi:.2f}",
            str(r["ratings"]),
            f"{r['p_best']:.0%}",
            f"{r['completion']['mean']:.0%}",
        )
    out.print(table)
    axes = Table(title="effect of each value (vs. the axis's first value)")
    axes.add_column("axis", style="bold")
    axes.add_column("value")
    axes.add_column("effect", justify="right")
    axes.add_column("95% interval", justify="right")
    axes.add_column("watched", justify="right")
    axis_rows = summary["axes"]
    assert isinstance(axis_rows, list)
    for a in axis_rows:
        for v in a["values"]:
            lo, hi = v["ci95"]
            axes.add_row(
                a["name"],
                v["value"] + (" ★" if v["value"] == a["best"] else ""),
                f"{v['effect']:+.2f}",
                f"{lo:+.2f}…{hi:+.2f}",
                f"{v['completion']['mean']:.0%}",
            )
    out.print(axes)
    best = summary["best"]
    if isinstance(best, dict):
        out.print(
            f"[bold]best[/]: {best['id']} (expected {best['expected_rating']:.2f}, "
            f"P(best) {best['p_best']:.0%})"
        )
    nxt = summary["next"]
    if isinstance(nxt, list) and nxt:
        out.print(
            "[bold]show next[/] (Thompson sampling): "
            + ", ".join(f"{x['id']} ({x['p_best']:.0%})" for x in nxt)
        )
