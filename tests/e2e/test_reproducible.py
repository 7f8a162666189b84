"""The same film every time: a clean build of every example is byte-identical twice.

Each example is built twice at preview quality, each time with a new, empty
cache (so every voice is synthesized, every picture drawn, every shot encoded
afresh), and the film and its subtitles must be the same bytes.  Piper's
noise, encoder threads, time stamps in containers and dictionary order have
all broken this once (issue #11); this test is what keeps them out.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from screenplay.build import build
from screenplay.cache import Cache
from screenplay.diagnostics import Severity

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _clean_build(example: Path, folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    src = folder / example.name
    shutil.copy(example, src)
    lock = example.with_name(example.name + ".lock")
    if lock.exists():
        shutil.copy(lock, folder / lock.name)
    out = folder / "film.mp4"
    res = build(src, out, quality="preview", cache=Cache(folder / "cache"), locked=True)
    assert res.ok, [d.one_line() for d in res.diagnostics if d.severity is Severity.ERROR]
    return {
        p.suffix: p.read_bytes() for p in (out, out.with_suffix(".srt"), out.with_suffix(".vtt"))
    }


@pytest.mark.parametrize(
    "example",
    sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".film", ".fountain")),
    ids=lambda p: p.stem,
)
def test_clean_builds_are_byte_identical(example: Path, tmp_path: Path) -> None:
    first = _clean_build(example, tmp_path / "one")
    second = _clean_build(example, tmp_path / "two")
    for suffix in first:
        assert first[suffix] == second[suffix], f"{example.name}: {suffix} differs"
