"""``screenplay dump FILE --format json|timeline``: the compiler's view of a film, as JSON.

The JSON shows the film *as it will be built*: holes whose text is in the
lock (``[[generate …]]``, ``...`` lines) appear as the elements they become,
each marked ``"generated": true`` with the ``hole_line`` it fills.  A hole
with no locked text stays a hole (and is listed under ``"unfilled"``);
dump never runs a model.
"""

from __future__ import annotations

import argparse
import json
import sys

from screenplay.api import load_film
from screenplay.commands import _args
from screenplay.commands._common import report
from screenplay.film import Film, film_json
from screenplay.timeline import to_json

NAME = "dump"
HELP = "print the parsed and resolved film (or its timeline) as JSON"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=_args.input_path, metavar="FILE")
    p.add_argument("--format", choices=("json", "timeline"), default="json")
    _args.allow_outside_assets(p)


def _with_locked_text(film: Film) -> tuple[Film, dict[tuple[int, int], int], list[int]]:
    """The film with every locked hole filled (never loading a model)."""
    from screenplay.diagnostics import Diagnostics
    from screenplay.passes.fill import fill, find_holes

    holes = find_holes(film)
    if not holes:
        return film, {}, []
    out = fill(film, Diagnostics(), locked=True, save_lock=False)
    fills = {(h.span.line, h.span.col): h.span.line for h, _ in out.filled if h.mode == "line_for"}
    done = {(h.span.line, h.span.col) for h, _ in out.filled}
    return out.film, fills, [h.span.line for h in holes if (h.span.line, h.span.col) not in done]


def run(args: argparse.Namespace) -> int:
    film, diags = load_film(args.file)
    if film is None or any(d.severity.value == "error" for d in diags):
        report(diags, film)
        return 1
    if args.format == "json":
        film, fills, unfilled = _with_locked_text(film)
        data = film_json(film, fills)
        if unfilled:
            data["unfilled"] = unfilled
    else:
        from screenplay.build import plan_timeline

        timeline, tdiags = plan_timeline(film)
        if timeline is None:
            report(tdiags, film)
            return 1
        data = to_json(timeline)
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
    return 0
