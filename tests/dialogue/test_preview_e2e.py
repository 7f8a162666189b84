"""Issue #11 item 10, end to end: ``build --preview`` of a film with a hole is preview-sized.

The cheap check of every example is test_fill_overrides.py; this builds
the_empty_room (a locked ``[[generate]]`` hole) through the CLI and measures
the MP4 with ffprobe.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.slow
def test_preview_build_of_a_film_with_a_hole_is_preview_sized(tmp_path: Path) -> None:
    if shutil.which("ffprobe") is None:
        pytest.skip("ffprobe is not installed")
    for name in ("the_empty_room.film", "the_empty_room.film.lock"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    out = tmp_path / "room.mp4"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "screenplay",
            "build",
            str(tmp_path / "the_empty_room.film"),
            "--preview",
            "--locked",
            "--fps",
            "12",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    probe = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=width,height,r_frame_rate",
            "-of",
            "json",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    (stream,) = json.loads(probe.stdout)["streams"]
    # Format: 1280x720, 24 fps in the title page; --preview halves it, --fps 12 overrides.
    assert (stream["width"], stream["height"], stream["r_frame_rate"]) == (640, 360, "12/1")
