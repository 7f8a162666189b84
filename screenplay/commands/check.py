"""``screenplay check FILE…``: parse, resolve and check; print every diagnostic."""

from __future__ import annotations

import argparse
from typing import Any

from screenplay.api import load_film
from screenplay.commands import _args
from screenplay.commands._common import report

NAME = "check"
HELP = "check films for errors without building them (exit 1 if any)"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=_args.input_path, metavar="FILE")
    p.add_argument(
        "--format",
        choices=("human", "short", "json"),
        default="human",
        help="human (default), short (one line each) or json",
    )
    p.add_argument("--notes", action="store_true", help="also show notes (e.g. auto-casting)")
    _args.allow_outside_assets(p)


def run(args: argparse.Namespace) -> int:
    failed = False
    all_json: list[dict[str, Any]] = []
    for path in args.files:
        film, diags = load_film(path)
        if args.format == "json":
            all_json.extend(d.as_dict() for d in diags)
            failed |= any(d.severity.value == "error" for d in diags)
            continue
        failed |= report(diags, film, machine=args.format == "short", notes=args.notes)
    if args.format == "json":
        import json
        import sys

        json.dump({"diagnostics": all_json}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    return 1 if failed else 0
