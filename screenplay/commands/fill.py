"""``screenplay fill FILE``: generate the dialogue the film leaves open and lock it.

``--write`` freezes the generated text into the source (the directive becomes
the text); ``--regenerate`` redraws every hole.
"""

from __future__ import annotations

import argparse

from rich.console import Console

from screenplay.api import load_film
from screenplay.cache import atomic_write_bytes
from screenplay.commands import _args
from screenplay.commands._common import report
from screenplay.diagnostics import Diagnostics

NAME = "fill"
HELP = "generate missing dialogue ([[generate …]] and `...` lines) and lock it in FILE.lock"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=_args.input_path, metavar="FILE")
    p.add_argument("--write", action="store_true", help="write the generated text into FILE")
    p.add_argument("--regenerate", action="store_true", help="redraw holes that are already locked")
    _args.allow_outside_assets(p)


def run(args: argparse.Namespace) -> int:
    from screenplay.passes.fill import fill, freeze, lock_path

    console = Console(stderr=True, highlight=False)
    film, items = load_film(args.file)
    diags = Diagnostics(list(items))
    if film is None or diags.has_errors:
        report(diags, film, console=console)
        return 1
    with console.status("generating…") as status:

        def on_token(done: int, total: int) -> None:
            status.update(f"generating… {done}/{total} tokens")

        outcome = fill(film, diags, regenerate=args.regenerate, on_token=on_token, prune=True)
    if report(diags, outcome.film, console=console):
        return 1
    n = len(outcome.filled)
    console.print(
        f"{n} hole{'s' if n != 1 else ''}: {outcome.generated} generated, "
        f"{n - outcome.generated} from the lock ({lock_path(film)})"
    )
    if args.write and outcome.filled:
        text = freeze(film, outcome.filled)
        atomic_write_bytes(args.file, text.encode("utf-8"))
        console.print(f"wrote the generated text into {args.file}")
    return 0
