"""Filling the four holes of a 150-line film with the embedded default (issue #13).

Target on 2 cores: ≤ 20 s warm (the converted model in the cache), ≤ 40 s
cold (GGUF conversion included).  Run it alone with
``python -m pytest tests/benchmarks/test_dialogue_fill_bench.py --benchmark-enable -s``;
without ``--benchmark-enable`` it runs once, as a test.
``SCREENPLAY_BENCH_MODEL=gemma3`` times another model on the same film.

Two measurements:

* in-process: cold (empty cache: GGUF conversion) once, then warm rounds;
  each round loads the model anew (the per-process memo is cleared), so
  "load" is really measured; tokens/s counts every sampled token (all
  candidates);
* ``screenplay fill`` as a user runs it: a fresh ``python -m screenplay
  fill`` process on the warm cache, imports included (wall and CPU seconds).

Every figure has its CPU seconds and the load average beside it: the machine
may be shared, and wall time then says more about the neighbours than about
this code (see docs/dialogue.md).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch")
pytest.importorskip("gguf")

_LINES = [
    ("ANNA", "Did you lock the back door before we left?"),
    ("BORIS", "I always lock it. You know I always lock it."),
    ("ANNA", "Then why was it open when we came home?"),
    ("BORIS", "Maybe the wind. The latch has been loose for weeks."),
    ("ANNA", "The wind does not open a door and close the curtains."),
    ("BORIS", "Then somebody has a key. Who did you give a key to?"),
    ("ANNA", "Nobody. My sister, once, years ago."),
    ("BORIS", "Your sister lives four hundred miles away."),
    ("ANNA", "She could have given it to someone else."),
    ("BORIS", "Who would want to get into this house?"),
    ("ANNA", "Someone who knows we go out on Thursdays."),
    ("BORIS", "Everybody on this street knows that."),
    ("ANNA", "Then everybody on this street is a suspect."),
]


def film_text(lines: int = 150) -> str:
    """A four-scene film of about ``lines`` lines with four holes (two of each kind)."""
    out = [
        "Title: The Back Door",
        "Logline: A couple come home to find their back door open.",
        "",
        'cast ANNA "A careful woman in her forties"',
        'cast BORIS "Her husband, who forgets things"',
        "",
    ]
    scenes = [
        "INT. KITCHEN - NIGHT",
        "INT. HALLWAY - NIGHT",
        "EXT. GARDEN - NIGHT",
        "INT. BEDROOM - DAWN",
    ]
    per_scene = (lines - len(out)) // 4
    for i, heading in enumerate(scenes):
        out += [heading, "", "The house is quiet. Somewhere a clock ticks.", ""]
        j = 0
        block: list[str] = []
        while len(block) < per_scene - 8:
            who, what = _LINES[j % len(_LINES)]
            block += [who, what, ""]
            j += 1
        out += block
        out += ["[[generate 2 lines]]", ""] if i % 2 == 0 else ["ANNA", "...", ""]
    return "\n".join(out) + "\n"


def _model_ref() -> str | None:
    return os.environ.get("SCREENPLAY_BENCH_MODEL") or None


def _fill_once(path: Path) -> dict[str, float]:
    from screenplay.api import load_film
    from screenplay.diagnostics import Diagnostics
    from screenplay.dialogue import model as model_mod
    from screenplay.passes.fill import fill

    model_mod._LOADED.clear()  # measure the load, not the memo
    lock = path.with_name(path.name + ".lock")
    lock.unlink(missing_ok=True)
    film, _ = load_film(path)
    assert film is not None
    t0, c0 = time.perf_counter(), time.process_time()
    model = model_mod.load_model(_model_ref())
    load_s, load_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    before = model.tokens_generated
    diags = Diagnostics()
    t1 = time.perf_counter()
    c1 = time.process_time()
    out = fill(film, diags, get_model=lambda ref: model)
    gen_s = time.perf_counter() - t1
    # CPU seconds: what the fill costs on a core of its own, whatever else runs.
    cpu_s = time.process_time() - c1
    assert out.generated == 4 and not diags.has_errors, [d.one_line() for d in diags]
    tokens = model.tokens_generated - before
    dec = getattr(model, "decoder", None)
    return {
        "load_s": round(load_s, 2),
        "load_cpu_s": round(load_cpu_s, 2),
        "fill_s": round(gen_s, 2),
        "fill_cpu_s": round(cpu_s, 2),
        "total_s": round(load_s + gen_s, 2),
        "tokens": tokens,
        "tokens_per_s": round(tokens / gen_s, 1),
        "prompt_tokens_reused": getattr(dec, "reused_tokens", 0),
        "tokens_forwarded": getattr(dec, "forwarded_tokens", 0),
        "threads": model.threads,
        "loadavg": round(os.getloadavg()[0], 1),
    }


def _fill_cli(path: Path) -> dict[str, float]:
    """``python -m screenplay fill`` in a fresh process: what a user waits for."""
    path.with_name(path.name + ".lock").unlink(missing_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    la = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "screenplay", "fill", str(path)],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "4 holes: 4 generated" in proc.stderr, proc.stderr[-2000:]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "loadavg_before": round(la, 1),
        "loadavg_after": round(os.getloadavg()[0], 1),
    }


@pytest.mark.slow
@pytest.mark.benchmark(group="dialogue")
def test_fill_four_holes_of_a_150_line_film(
    benchmark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "back_door.film"
    src.write_text(film_text(), encoding="utf-8")
    assert 140 <= src.read_text().count("\n") <= 160
    cold = _fill_once(src)  # converts the GGUF into the (empty) cache
    runs: list[dict[str, float]] = []

    def warm() -> None:
        runs.append(_fill_once(src))

    benchmark.pedantic(warm, rounds=3 if benchmark.enabled else 1, iterations=1)
    cli = _fill_cli(src)
    benchmark.extra_info.update(model=_model_ref() or "default", cold=cold, warm=runs, cli=cli)
    print(
        f"\nmodel {_model_ref() or 'default'}\ncold {cold}\nwarm {runs}\ncli (fresh process) {cli}"
    )
    assert all(r["tokens"] > 0 for r in [cold, *runs])
