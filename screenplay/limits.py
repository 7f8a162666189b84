"""The bounds of what a build accepts: frame size, frame rate, worker count, paths.

One module, so the command line (:mod:`screenplay.commands._args`), the
library entry point (:func:`screenplay.build.build`) and the title page's
``Format:`` agree on what is valid.  Each ``parse_*``/``check_*`` function
raises :class:`ValueError` with a message written for the filmmaker; callers
turn it into their own kind of error (an argparse diagnostic, a build
diagnostic).
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

#: Frame sizes: even (yuv420p halves the chroma planes) and within H.264 level limits.
MIN_SIDE = 16
MAX_WIDTH, MAX_HEIGHT = 7680, 4320
#: Frame rates: a slide show at 1 fps up to high-frame-rate video.
MIN_FPS, MAX_FPS = Fraction(1), Fraction(120)
#: A denominator beyond this is not a frame rate anyone means (30000/1001 is the usual worst).
MAX_FPS_DENOMINATOR = 1001
#: Worker processes: each holds decoded faces and sets in memory.
MAX_JOBS = 64
#: The longest path the operating system takes (bytes), and one name within it.
PATH_MAX = 4096
NAME_MAX = 255


def parse_fps(text: str) -> Fraction:
    """``24``, ``23.976`` or ``30000/1001`` → a Fraction within the supported range."""
    raw = text.strip()
    try:
        if "/" in raw:
            num, _, den = raw.partition("/")
            fps = Fraction(int(num), int(den))
        else:
            fps = Fraction(raw).limit_denominator(MAX_FPS_DENOMINATOR)
    except ZeroDivisionError:
        raise ValueError(
            f"`{text}` divides by zero; write a rate such as 24 or 30000/1001"
        ) from None
    except (ValueError, OverflowError):
        raise ValueError(
            f"`{text}` is not a frame rate; write a number such as 24, 12.5 or 30000/1001"
        ) from None
    return check_fps(fps, text)


def check_fps(fps: Fraction, shown: str | None = None) -> Fraction:
    shown = shown if shown is not None else str(fps)
    if not (MIN_FPS <= fps <= MAX_FPS):
        raise ValueError(f"{shown} fps is out of range; use {MIN_FPS}–{MAX_FPS} fps")
    if fps.denominator > MAX_FPS_DENOMINATOR:
        raise ValueError(
            f"{shown} fps has a denominator above {MAX_FPS_DENOMINATOR}; "
            "use a rate such as 24 or 30000/1001"
        )
    return fps


def parse_size(text: str) -> tuple[int, int]:
    """``640x360`` → (640, 360), even and within the supported range."""
    w, sep, h = text.strip().lower().replace("×", "x").partition("x")
    if not sep or not w.isdigit() or not h.isdigit() or len(w) > 6 or len(h) > 6:
        raise ValueError(f"`{text}` is not a frame size; write WIDTHxHEIGHT such as 640x360")
    return check_size((int(w), int(h)))


def check_size(size: tuple[int, int]) -> tuple[int, int]:
    w, h = size
    if not (MIN_SIDE <= w <= MAX_WIDTH and MIN_SIDE <= h <= MAX_HEIGHT):
        raise ValueError(
            f"frame size {w}x{h} is out of range; "
            f"use {MIN_SIDE}x{MIN_SIDE} up to {MAX_WIDTH}x{MAX_HEIGHT}"
        )
    if w % 2 or h % 2:
        even = f"{w + w % 2}x{h + h % 2}"
        raise ValueError(
            f"frame size {w}x{h} has an odd side; H.264 video needs even sizes (try {even})"
        )
    return w, h


def parse_jobs(text: str) -> int:
    try:
        n = int(text.strip())
    except ValueError:
        raise ValueError(f"`{text}` is not a whole number of worker processes") from None
    return check_jobs(n)


def check_jobs(n: int) -> int:
    if not (1 <= n <= MAX_JOBS):
        raise ValueError(f"{n} worker processes is out of range; use 1–{MAX_JOBS}")
    return n


def parse_int(text: str, low: int, high: int, what: str) -> int:
    try:
        n = int(text.strip())
    except ValueError:
        raise ValueError(f"`{text}` is not a whole number ({what})") from None
    if not (low <= n <= high):
        raise ValueError(f"{n} is out of range for {what}; use {low}–{high}")
    return n


def check_path_text(text: str) -> Path:
    """A path the operating system can take: not empty, no NUL byte, not too long."""
    if not text:
        raise ValueError("the path is empty")
    if "\0" in text:
        raise ValueError("the path contains a NUL byte")
    encoded = os.fsencode(text)
    if len(encoded) >= PATH_MAX:
        raise ValueError(f"the path is {len(encoded)} bytes long; the limit is {PATH_MAX - 1}")
    for part in encoded.split(b"/"):
        if len(part) > NAME_MAX:
            raise ValueError(
                f"a name in the path is {len(part)} bytes long; the limit is {NAME_MAX}"
            )
    return Path(text)


def parse_output_path(text: str) -> Path:
    """An output file path: a valid path that does not name a folder by its spelling."""
    path = check_path_text(text)
    if text.endswith(("/", os.sep)) or path.name in ("", ".", ".."):
        raise ValueError(f"`{text}` names a folder; give a file name such as film.mp4")
    return path
