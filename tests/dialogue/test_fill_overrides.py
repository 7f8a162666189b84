"""Issue #11 item 10: build overrides (--preview, --size, --fps) survive the fill pass.

The fill pass re-resolves the film after splicing generated text in (so new
characters are cast); it used to re-read the settings from the title page and
drop the overrides for any film with a hole.  Every example is checked, plus
a film whose only hole is a ``...`` line.
"""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from screenplay.api import load_film
from screenplay.build import apply_quality
from screenplay.diagnostics import Diagnostics
from screenplay.passes.fill import fill, find_holes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".film", ".fountain"))


def _refuse(ref: str | None) -> object:
    raise AssertionError("a locked example must not load a model")


def _copy(name: str, tmp_path: Path) -> Path:
    shutil.copy(EXAMPLES / name, tmp_path / name)
    lock = EXAMPLES / (name + ".lock")
    if lock.exists():
        shutil.copy(lock, tmp_path / lock.name)
    return tmp_path / name


@pytest.mark.parametrize("name", EXAMPLE_FILES)
@pytest.mark.parametrize(
    "quality,size,fps,expect",
    [
        ("preview", None, None, None),
        ("default", (320, 180), Fraction(12), ((320, 180), Fraction(12))),
    ],
)
def test_example_keeps_build_overrides_through_fill(
    name: str, quality: str, size: object, fps: object, expect: object, tmp_path: Path
) -> None:
    film, items = load_film(_copy(name, tmp_path))
    assert film is not None, [d.one_line() for d in items]
    apply_quality(film, quality, size, fps)  # type: ignore[arg-type]
    wanted = (film.settings.width, film.settings.height, film.settings.fps)
    if expect is None:
        assert film.settings.width <= 640  # preview size
    diags = Diagnostics()
    out = fill(film, diags, locked=True, get_model=_refuse)
    assert not diags.has_errors, [d.one_line() for d in diags]
    got = out.film.settings
    assert (got.width, got.height, got.fps) == wanted
    if find_holes(film):
        assert out.film is not film  # the re-resolved film, not the input


def test_the_empty_room_has_a_hole() -> None:
    # The example that exposed the bug must keep exercising it.
    film, _ = load_film(EXAMPLES / "the_empty_room.film")
    assert film is not None and find_holes(film)
