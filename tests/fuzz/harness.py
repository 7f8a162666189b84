"""Run one fuzz input through the front end exactly as ``screenplay check`` does, and judge it.

An input *passes* when, written to a film file in a scratch folder (beside a module
and an asset it may name), ``load_film`` (read → parse → resolve → check) returns
without raising, within the time bound, every diagnostic's span lies inside the
file it names, and the diagnostics render in every output form (human, short,
JSON) with no raw control character reaching the terminal.

Anything else is a *failure*: ``escape`` (an exception got out), ``hang`` (more
CPU time than the bound; a hard CPU timer stops runaway inputs at 10× the bound),
``span`` (a caret that points nowhere), ``render`` (the renderer raised),
``control`` (a raw control character in the printed output).

Time is the process's CPU time, not the wall clock: on a shared machine a
descheduled process is not a hang, while backtracking or quadratic work is CPU.
"""

from __future__ import annotations

import io
import json
import signal
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from screenplay.api import load_film
from screenplay.commands._common import report

#: CPU seconds one input may take (typical inputs take ~10 ms, the slowest ~0.2 s).
DEFAULT_BOUND_S = 2.0


class Hang(BaseException):
    """Raised by the hard timer; a BaseException so no ``except Exception`` can swallow it."""


@dataclass(frozen=True)
class Outcome:
    kind: str  # "ok", "escape", "hang", "span", "render", "control"
    seconds: float
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


def prepare_workdir(root: Path) -> Path:
    """A scratch project: a local module and an asset file a mutated film may name."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "mymod.film").write_text('voice local "Local": espeak(variant="m3")\n')
    (root / "faces").mkdir(exist_ok=True)
    (root / "x.png").write_bytes(b"")
    return root


def _on_alarm(signum: int, frame: object) -> None:
    raise Hang()


def check_one(text: str, workdir: Path, bound: float = DEFAULT_BOUND_S) -> Outcome:
    path = workdir / "fuzz.film"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    old = signal.signal(signal.SIGPROF, _on_alarm)
    signal.setitimer(signal.ITIMER_PROF, bound * 10)  # CPU time of this process
    t0 = time.process_time()
    try:
        try:
            film, diags = load_film(path)
        except Hang:
            return Outcome("hang", time.process_time() - t0, f"stopped after {bound * 10:g}s CPU")
        except BaseException as exc:  # noqa: BLE001 - this is what the fuzzer looks for
            return Outcome("escape", time.process_time() - t0, _trace(exc))
        seconds = time.process_time() - t0
        source = film.sources.get(str(path)) if film is not None else None
        for d in diags:
            if source is None or d.span.file != str(path):
                continue
            if not (1 <= d.span.line <= source.line_count) or d.span.col < 1:
                return Outcome("span", seconds, d.one_line())
            width = len(source.line_text(d.span.line))
            if d.span.col > width + 2 or d.span.end_line < d.span.line:
                return Outcome("span", seconds, d.one_line())
        try:
            printed = []
            for machine in (False, True):
                buf = io.StringIO()
                console = Console(file=buf, force_terminal=False, color_system=None, width=100)
                report(diags, film, machine=machine, notes=True, console=console)
                printed.append(buf.getvalue())
            json.dumps([d.as_dict() for d in diags])
        except Hang:
            return Outcome("hang", time.process_time() - t0, "while rendering")
        except BaseException as exc:  # noqa: BLE001
            return Outcome("render", seconds, _trace(exc))
        for out in printed:
            bad = [c for c in out if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0]
            if bad:
                return Outcome("control", seconds, f"raw {bad[0]!r} in output")
        total = time.process_time() - t0
        if total > bound:
            return Outcome("hang", total, f"took {total:.2f}s of CPU > {bound:g}s")
        return Outcome("ok", total)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)


def _trace(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-8))
