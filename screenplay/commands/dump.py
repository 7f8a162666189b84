"""``screenplay dump FILE --format json|timeline``: the compiler's view of a film, as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from screenplay.api import load_film
from screenplay.commands import _args
from screenplay.commands._common import report
from screenplay.film import Film
from screenplay.syntax.ast import flatten
from screenplay.timeline import to_json

NAME = "dump"
HELP = "print the parsed and resolved film (or its timeline) as JSON"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=_args.input_path, metavar="FILE")
    p.add_argument("--format", choices=("json", "timeline"), default="json")
    _args.allow_outside_assets(p)


def film_json(film: Film) -> dict[str, Any]:
    def spec(s: Any) -> Any:
        return to_json(s) if s is not None else None

    return {
        "file": film.source.name,
        "title": film.title,
        "settings": to_json(film.settings),
        "elements": flatten(film.script),
        "cast": {
            n: {
                "label": m.label,
                "declared": m.declared,
                "speaks": m.speaks,
                "face": spec(m.face),
                "voice": spec(m.voice),
            }
            for n, m in film.cast.items()
        },
        "sets": {
            n: {"declared": s.declared, "scene": to_json(s.scene), "image": spec(s.spec)}
            for n, s in film.sets.items()
        },
        "cues": {
            n: {"music": spec(c.spec), "volume_db": c.volume_db, "duck": c.duck}
            for n, c in film.cues.items()
        },
    }


def run(args: argparse.Namespace) -> int:
    film, diags = load_film(args.file)
    if film is None or any(d.severity.value == "error" for d in diags):
        report(diags, film)
        return 1
    if args.format == "json":
        data = film_json(film)
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
