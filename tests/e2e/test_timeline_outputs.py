"""The timeline as data: `dump --format timeline` JSON and `export --otio`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _run(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screenplay", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "SCREENPLAY_CACHE_DIR": str(cache)},
    )


def test_dump_timeline_json(small_film: Path, tmp_path: Path) -> None:
    r = _run("dump", str(small_film), "--format", "timeline", cache=tmp_path / "c")
    assert r.returncode == 0, r.stderr
    tl = json.loads(r.stdout)
    assert tl["fps"] == 12 and (tl["width"], tl["height"]) == (128, 72)
    shots = tl["shots"]
    # Shots tile the film in whole frames, each keeping the span of its source line.
    assert shots[0]["start"] == 0
    pairs = zip(shots, shots[1:], strict=False)
    assert all(a["start"] + a["frames"] == b["start"] for a, b in pairs)
    assert shots[-1]["start"] + shots[-1]["frames"] == tl["frames"]
    assert all(s["span"]["line"] >= 1 and s["span"]["file"].endswith("small.film") for s in shots)
    kinds = [s["picture"]["kind"] for s in shots]
    assert kinds[0] == "card" and kinds[-1] == "card"  # title card … end credits
    assert "stage" in kinds  # characters staged in their sets (screenplay.staging)
    # Every shot says what it shows: a framing and who is on screen, on which side.
    assert all(
        s["framing"]
        in ("wide", "two", "group", "single", "close", "ots", "insert", "split", "card")
        for s in shots
    )
    assert all(isinstance(s["on_screen"], list) for s in shots)
    assert any(o["side"] in ("left", "center", "right") for s in shots for o in s["on_screen"])
    assert [a["speaker"] for a in tl["audio"]] == ["ANNA", "BEN", "ANNA"]
    assert tl["music"][0]["cue"] == "THEME"


def test_export_otio(small_film: Path, tmp_path: Path) -> None:
    otio = pytest.importorskip("opentimelineio")
    r = _run(
        "export", str(small_film), "--otio", "-o", str(tmp_path / "cut.otio"), cache=tmp_path / "c"
    )
    assert r.returncode == 0, r.stderr
    t = otio.adapters.read_from_file(str(tmp_path / "cut.otio"))
    names = [tr.name for tr in t.tracks]
    assert names[0] == "Picture" and "Dialogue" in names and "Music" in names
    dump = json.loads(
        _run("dump", str(small_film), "--format", "timeline", cache=tmp_path / "c").stdout
    )
    picture = t.tracks[0]
    clips = [c for c in picture if isinstance(c, otio.schema.Clip)]
    assert len(clips) == len(dump["shots"])
    assert picture.duration().value == dump["frames"]
    for clip, shot in zip(clips, dump["shots"], strict=True):
        assert (
            clip.metadata["screenplay"]["source"]
            == f"{shot['span']['file']}:{shot['span']['line']}"
        )
        assert clip.source_range.start_time.value == shot["start"]
        # clips are named the way an editor reads a cut: framing and characters
        assert clip.name.split()[0] == shot["framing"].upper()
        assert clip.name.split()[1:] == [o["name"] for o in shot["on_screen"]]
