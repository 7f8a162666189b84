"""``screenplay fill FILE``: generate the dialogue the film leaves open and lock it.

``--write`` freezes the generated text into the source (the directive becomes
the text); ``--regenerate`` redraws every hole.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from rich.console import Console
from rich.progress import Progress, TaskID

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
    """``hole 2/4 (line 57) 31/80 tokens, ETA 4 s`` — the text of the fill's progress line.

    The ETA is the hole's remaining tokens at the rate since its first
    token, so the model's load (during hole 1) does not inflate it.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.number = self.of = self.line = 0
        self.done = self.total = 0
        self.t0 = clock()
        self._first: tuple[float, int] | None = None  # (time, tokens) at the first report

    def start(self, number: int, of: int, line: int) -> None:
        self.number, self.of, self.line = number, of, line
        self.done = self.total = 0
        self.t0 = self.clock()
        self._first = None

    def tokens(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        if self._first is None and done > 0:
            self._first = (self.clock(), done)

    def message(self) -> str:
        if not self.number:
            return "loading the dialogue model…"
        text = f"hole {self.number}/{self.of} (line {self.line})"
        if not self.total:
            return text + " loading the model…" if self.number == 1 else text
        text += f" {self.done}/{self.total} tokens"
        if self._first is not None:
            t_first, d_first = self._first
            elapsed = self.clock() - t_first
            made = self.done - d_first
            if made > 0 and elapsed > 0:
                eta = max(0, self.total - self.done) * elapsed / made
                text += f", ETA {eta:.0f} s"
        return text


class FillDisplay:
    """The fill's line in the shared progress display (``commands._common.progress_bar``).

    ``screenplay fill`` and ``screenplay build`` both show it: the label is
    :class:`HoleProgress`'s message, the bar the hole's tokens.
    """

    def __init__(
        self, bar: Progress, idle: str, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.bar = bar
        self.idle = idle
        self.holes = HoleProgress(clock)
        self.task: TaskID | None = None

    def on_hole(self, number: int, of: int, line: int) -> None:
        self.holes.start(number, of, line)
        self.show()

    def on_token(self, done: int, total: int) -> None:
        self.holes.tokens(done, total)
        self.show()

    def label(self) -> str:
        return self.holes.message() if self.holes.number else self.idle

    def show(self) -> None:
        total = self.holes.total or None
        if self.task is None:
            self.task = self.bar.add_task(self.label(), total=total)
        self.bar.update(self.task, description=self.label(), completed=self.holes.done, total=total)


def run(args: argparse.Namespace) -> int:
    from screenplay.passes.fill import fill, freeze, lock_path

    console = Console(stderr=True, highlight=False)
    film, items = load_film(args.file)
    diags = Diagnostics(list(items))
    if film is None or diags.has_errors:
        report(diags, film, console=console)
        return 1
    from screenplay.commands._common import progress_bar

    with progress_bar(console, transient=True) as bar:
        display = FillDisplay(bar, "reading the lock…")
        display.show()
        outcome = fill(
            film,
            diags,
            regenerate=args.regenerate,
            on_token=display.on_token,
            on_hole=display.on_hole,
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
