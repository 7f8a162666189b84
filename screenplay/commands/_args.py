"""Every command-line value goes through here: argparse ``type=`` functions.

Each function wraps a check from :mod:`screenplay.limits` and is marked as a
validator; :func:`screenplay.cli.build_parser` passes any argument declared
with another ``type=`` through :func:`wrap`, so a new flag cannot skip
validation (a plain ``Path`` gets the path checks, anything else has its
errors reported like every other flag's).  A bad value becomes a
:class:`FlagError`, which the CLI prints as diagnostic SP0806 with a caret
under the offending word of the command line and exit status 1.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import TypeVar

from screenplay import limits

T = TypeVar("T")

#: The attribute that marks a function as one of this module's validators.
MARK = "_screenplay_validator"


class FlagError(argparse.ArgumentTypeError):
    """A command-line value that is not valid (raised by the validators below)."""


def validator(fn: Callable[[str], T]) -> Callable[[str], T]:
    def wrapped(text: str) -> T:
        try:
            return fn(text)
        except ValueError as e:
            raise FlagError(str(e)) from None

    wrapped.__name__ = fn.__name__
    wrapped.__doc__ = fn.__doc__
    setattr(wrapped, MARK, True)
    return wrapped


@validator
def fps(text: str) -> Fraction:
    """a frame rate"""
    return limits.parse_fps(text)


@validator
def size(text: str) -> tuple[int, int]:
    """a frame size"""
    return limits.parse_size(text)


@validator
def jobs(text: str) -> int:
    """a number of worker processes"""
    return limits.parse_jobs(text)


@validator
def sheet_width(text: str) -> int:
    """a contact sheet width"""
    return limits.parse_int(text, 200, 8192, "the sheet width in pixels")


@validator
def input_path(text: str) -> Path:
    """an input file"""
    return limits.check_path_text(text)


@validator
def output_path(text: str) -> Path:
    """an output file"""
    return limits.parse_output_path(text)


@validator
def byte_size(text: str) -> int:
    """a size in bytes (``5G``, ``500M``, ``1.5GB``, ``2000000``)"""
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(?:i?[bB])?\s*", text)
    if m is None:
        raise ValueError(f"`{text}` is not a size: write e.g. 5G, 500M or 2000000")
    scale = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}[m.group(2).lower()]
    return int(float(m.group(1)) * scale)


def is_validator(fn: object) -> bool:
    return bool(getattr(fn, MARK, False))


def wrap(convert: Callable[[str], T]) -> Callable[[str], object]:
    """A validator around a plain ``type=`` (``Path`` → :func:`input_path`)."""
    if convert is Path:
        return input_path

    def checked(text: str) -> object:
        try:
            return convert(text)
        except FlagError:
            raise
        except (ValueError, TypeError, ArithmeticError, argparse.ArgumentTypeError) as e:
            what = getattr(convert, "__name__", "value")
            raise FlagError(f"`{text}` is not a valid {what}: {e}") from None

    checked.__name__ = getattr(convert, "__name__", "value")
    setattr(checked, MARK, True)
    return checked


def allow_outside_assets(p: argparse.ArgumentParser) -> None:
    """The ``--allow-outside-assets`` opt-out, for every command that reads a film."""
    p.add_argument(
        "--allow-outside-assets",
        action="store_true",
        help="let the film read files outside its folder (or its git repository): "
        "absolute paths, `..`, symbolic links; only for films you trust",
    )
