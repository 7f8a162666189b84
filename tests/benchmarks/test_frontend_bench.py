"""Benchmark: parse + resolve + check a 5,000-, 20,000- and 50,000-line screenplay.

The three sizes show that ``check`` is linear in the input (docs/robustness.md records
the numbers; docs/language.md the 5,000-line one).  Run with
``python -m pytest tests/benchmarks/test_frontend_bench.py --benchmark-enable``.
"""

from __future__ import annotations

import pytest

from screenplay.api import compile_source
from screenplay.diagnostics import Diagnostics
from screenplay.syntax.source import Source


def long_script(lines: int = 5000) -> str:
    out = [
        "Title: The Long Film",
        "Author: A benchmark",
        "",
        "use voices",
        "",
        "cast MAN",
        "    voice: carlos",
        "",
        "cue THEME",
        '    music: drone(key="D minor")',
        "",
    ]
    scene = 0
    while len(out) < lines:
        scene += 1
        out += [
            f"INT. ROOM {scene} - {'DAY' if scene % 2 else 'NIGHT'}",
            "",
            "A man enters the room. *Dust* hangs in the light [[a note]].",
            "",
            "[[music THEME fade-in 2s]]",
            "",
            "MAN",
            "(quietly)",
            "It still hasn't begun.",
            "",
            f"WOMAN{scene % 7}",
            "Nothing **ever** begins.",
            "Not here.",
            "",
            "BOB ^",
            "Never.",
            "",
            "CUT TO:",
            "",
        ]
    return "\n".join(out[:lines]) + "\n"


@pytest.mark.parametrize("lines", [5000, 20000, 50000])
def test_check_lines(benchmark, lines: int) -> None:
    text = long_script(lines)
    assert text.count("\n") == lines

    def run() -> Diagnostics:
        diags = Diagnostics()
        compile_source(Source("long.film", text), None, diags)
        return diags

    diags = benchmark(run)
    assert not diags.has_errors
