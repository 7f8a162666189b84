"""Property tests: random and mutated scripts never crash the front end.

Whatever the input, parse → resolve → check returns (no exception escapes) and
every diagnostic's span lies inside the file it names, with a line and column
that exist, so the renderer can always draw its caret.
"""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screenplay.api import compile_source
from screenplay.diagnostics import Diagnostics
from screenplay.syntax.source import Source

CASES = Path(__file__).resolve().parents[1] / "cases"
SEED_TEXTS = [
    p.read_text(encoding="utf-8", errors="replace") for p in sorted(CASES.rglob("*.film"))
]

FRAGMENTS = [
    "INT. ROOM - DAY",
    "EXT. STREET - NIGHT",
    ".FORCED",
    "MAN",
    "WOMAN ^",
    "@McCLANE",
    "(beat)",
    "Hello.",
    "  ",
    "",
    "CUT TO:",
    "> THE END <",
    ">FADE OUT",
    "~la la",
    "# Act",
    "= syn",
    "===",
    "[[music THEME fade-in 2s]]",
    "[[generate 3 lines]]",
    "[[hold 2s]]",
    "[[",
    "]]",
    "/*",
    "*/",
    "use voices",
    "cast MAN",
    "    voice: carlos",
    "    face: portrait(seed=",
    "set ROOM",
    "cue THEME",
    '    music: drone(key="D minor")',
    'voice x "y": espeak(',
    "Title: T",
    "Format: 10x10, 0 fps",
    "\t",
    "**bold** *it* _u_",
    "\\*",
    "...",
    "MAN (V.O.)",
    "ü 日本 🎬",
]


def _check(text: str) -> None:
    src = Source("fuzz.film", text)
    diags = Diagnostics()
    compile_source(src, None, diags)
    n_lines = src.line_count
    for d in diags:
        if d.span.file != "fuzz.film":
            continue
        assert 1 <= d.span.line <= n_lines, d
        assert d.span.col >= 1, d
        assert d.span.end_line >= d.span.line, d
        line_len = len(src.line_text(d.span.line))
        assert d.span.col <= line_len + 2, (d, line_len)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40))
def test_random_fragment_scripts(parts: list[str]) -> None:
    _check("\n".join(parts))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    _check(text)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=1, max_value=12))
def test_mutated_cases(seed: int, n_mutations: int) -> None:
    rng = random.Random(seed)
    text = rng.choice(SEED_TEXTS)
    chars = list(text)
    for _ in range(n_mutations):
        op = rng.randrange(3)
        pos = rng.randrange(len(chars) + 1)
        if op == 0 and chars:
            del chars[min(pos, len(chars) - 1)]
        elif op == 1:
            chars.insert(pos, rng.choice('()[]*/_#=~!@.^:"\n  ,'))
        else:
            frag = rng.choice(FRAGMENTS)
            chars[pos:pos] = list("\n" + frag + "\n")
    _check("".join(chars))
