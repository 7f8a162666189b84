"""``screenplay fill FILE``: generate the dialogue the film leaves open and lock it.

``--write`` freezes the generated text into the source (the directive becomes
the text); ``--regenerate`` redraws every hole.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

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


class HoleProgress:
    """``hole 2/4 (line 57) 31/80 tokens, ETA 4 s`` — the fill's status line."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.number = self.of = self.line = 0
        self.done = self.total = 0
        self.t0 = clock()

    def start(self, number: int, of: int, line: int) -> None:
        self.number, self.of, self.line = number, of, line
        self.done = self.total = 0
        self.t0 = self.clock()

    def tokens(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def message(self) -> str:
        if not self.number:
            return "loading the dialogue model…"
        text = f"hole {self.number}/{self.of} (line {self.line})"
        if not self.total:
            return text + " loading the model…" if self.number == 1 else text
        text += f" {self.done}/{self.total} tokens"
        elapsed = self.clock() - self.t0
        if self.done and elapsed > 0:
            eta = (self.total - self.done) * elapsed / self.done
            text += f", ETA {eta:.0f} s"
        return text


def run(args: argparse.Namespace) -> int:
    from screenplay.passes.fill import fill, freeze, lock_path

    console = Console(stderr=True, highlight=False)
    film, items = load_film(args.file)
    diags = Diagnostics(list(items))
    if film is None or diags.has_errors:
        report(diags, film, console=console)
        return 1
    progress = HoleProgress()
    with console.status("reading the lock…") as status:

        def on_hole(number: int, of: int, line: int) -> None:
            progress.start(number, of, line)
            status.update(progress.message())

        def on_token(done: int, total: int) -> None:
            progress.tokens(done, total)
            status.update(progress.message())

        outcome = fill(
            film,
            diags,
            regenerate=args.regenerate,
            on_token=on_token,
            on_hole=on_hole,
            prune=True,
        )
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
