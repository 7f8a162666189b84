"""The fuzz corpus and its mutator: real films, bent in the ways that broke the front end.

Seeds are every film the repository ships (examples, golden cases, the stdlib).
A mutation is a short list of operations, each ``(op, a, b)`` with small integers,
so that Hypothesis can draw and shrink them and a long run can replay input *i*
from ``random.Random(seed, i)`` alone.  The operations mix blind edits (delete,
insert a character, splice a line from another film) with the shapes behind every
front-end bug found so far: long runs of one character (regex backtracking), deep
nesting (recursion), huge numbers, long and NUL-containing paths, control
characters, unterminated notes and boneyards.
"""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

#: Characters with a meaning somewhere in the language, plus controls and wide text.
ALPHABET = (
    "()[]*/_#=~!@.^:\"',\\\n\n   \t-<>|\x00\x1b\x07\x08\x0c\x7f\u202e\u2028\u00a0\ufeff日本🎬éX9"
)

FRAGMENTS = (
    "INT. ROOM - DAY",
    "EXT. STREET - NIGHT #12A#",
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
    "[[music THEME stop fade-out 30s]]",
    "[[music THEME offset 5s]]",
    "[[generate 3 lines]]",
    "[[hold 2s]]",
    "[[hold 99999999s]]",
    "[[transition dissolve 1.5s]]",
    "[[camera push-in amount=0.2]]",
    "[[narration off]]",
    "[[",
    "]]",
    "/*",
    "*/",
    "use voices",
    "use voices faces",
    "use ../../etc/passwd",
    "cast MAN",
    "cats ODILE",
    "    voice: carlos",
    "    face: portrait(seed=",
    '    face: "faces/none.png"',
    '    face: file(path="x.png")',
    "set ROOM",
    "cue THEME",
    '    music: drone(key="D minor")',
    'voice x "y": espeak(',
    "Title: T",
    "Format: 10x10, 0 fps",
    "Format: 640x360, 1/0 fps",
    "Format: 1280x720, 30000/1001 fps",
    "\t",
    "**bold** *it* _u_",
    "\\*",
    "...",
    "MAN (V.O.)",
    "ü 日本 🎬",
)


@cache
def seeds() -> tuple[str, ...]:
    """Every film in the repository, as text."""
    paths = sorted((REPO / "examples").glob("*.f*"))
    paths += sorted((REPO / "tests" / "cases").rglob("*.film"))
    paths += sorted((REPO / "tests" / "cases").rglob("*.fountain"))
    paths += sorted((REPO / "stdlib").glob("*.film"))
    out = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in paths
        if p.suffix in (".film", ".fountain")
    ]
    return tuple(out) or ("INT. ROOM - DAY\n\nMAN\nHello.\n",)


def _pathological(kind: int, n: int) -> str:
    """A shape that once made the front end hang or crash, at size ``n``."""
    shapes = (
        lambda: "A" + " " * n + "x(",  # character-cue regex
        lambda: "He waits" + " " * n + "(a long time.",
        lambda: "Format: 640x360" + " " * n + "y",
        lambda: "[[hold " + "f(" * n + ")" * n + "]]",  # recursion
        lambda: '    face: "' + "a" * n + '"',  # ENAMETOOLONG
        lambda: '    face: file(path="' + "a" * n + '")',
        lambda: "use " + "x" * n,
        lambda: '    face: "a\x00b"',
        lambda: "9" * n,
        lambda: "[[" * n,
        lambda: "/*" * n,
        lambda: "INT. ROOM" + " " * n + "x",
        lambda: "cast A" + " " * n + 'x"',
        lambda: "voice a" + " " * n + '"x" y',
        lambda: "\\*" * n,
        lambda: "(" * n,
        lambda: "\x1b[2J" * (1 + n // 8),
        lambda: "[[hold " + "9" * n + "s]]",
        lambda: "MAN\nhi\n\n" * (1 + n // 10),
    )
    return shapes[kind % len(shapes)]()


OPS = 10


def apply(text: str, ops: list[tuple[int, int, int]], others: tuple[str, ...] = ()) -> str:
    """Apply mutation ops ``(op, a, b)`` to ``text``; every op is total (never fails)."""
    others = others or seeds()
    for op, a, b in ops:
        n = len(text)
        pos = a % (n + 1)
        lines = text.split("\n")
        op %= OPS
        if op == 0 and n:  # delete a range
            text = text[:pos] + text[pos + 1 + b % 40 :]
        elif op == 1:  # insert a character
            text = text[:pos] + ALPHABET[b % len(ALPHABET)] + text[pos:]
        elif op == 2:  # insert a fragment as a paragraph
            text = text[:pos] + "\n" + FRAGMENTS[b % len(FRAGMENTS)] + "\n" + text[pos:]
        elif op == 3:  # splice a line from another film
            other = others[b % len(others)].split("\n")
            line = other[a % len(other)]
            k = b % (len(lines) + 1)
            text = "\n".join(lines[:k] + [line] + lines[k:])
        elif op == 4 and len(lines) > 1:  # duplicate or swap lines
            i, j = a % len(lines), b % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines + ([lines[i]] if b % 2 else []))
        elif op == 5 and n:  # amplify a character into a long run
            ch = text[min(pos, n - 1)]
            text = text[:pos] + ch * (1 + b % 3000) + text[pos:]
        elif op == 6:  # a pathological shape
            size = 50 + (b * 7919) % 3000
            text = text[:pos] + "\n" + _pathological(a + b, size) + "\n" + text[pos:]
        elif op == 7:  # bend a number
            digits = [i for i, c in enumerate(text) if c.isdigit()]
            if digits:
                i = digits[a % len(digits)]
                repl = ("0", "-1", "1e999", "9" * 400, "1/0", "00000000000000000001", ".5")
                text = text[:i] + repl[b % len(repl)] + text[i + 1 :]
        elif op == 8:  # truncate
            text = text[: pos + b % 200]
        elif op == 9:  # indent or dedent a line
            i = a % len(lines)
            lines[i] = ("    " + lines[i]) if b % 2 else lines[i].lstrip()
            text = "\n".join(lines)
    return text


def draw(rng: random.Random) -> str:
    """One fuzz input: a seed film with 1–12 random mutations."""
    corpus = seeds()
    text = corpus[rng.randrange(len(corpus))]
    ops = [
        (rng.randrange(OPS), rng.randrange(1 << 20), rng.randrange(1 << 20))
        for _ in range(rng.randint(1, 12))
    ]
    return apply(text, ops, corpus)
