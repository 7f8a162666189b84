"""Incremental builds and faults, through the real `screenplay build`.

* Changing one word of one dialogue line re-renders about one shot and gives
  the same film as a clean build of the edited file.
* A build killed half-way leaves no output, and the next build succeeds and
  reuses what the killed one had finished.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from screenplay.build import build
from screenplay.cache import Cache

pytestmark = pytest.mark.slow


def _video_bytes(path: Path) -> list[bytes]:
    import av

    with av.open(str(path)) as c:
        return [bytes(p) for p in c.demux(video=0) if p.size]


def _audio_bytes(path: Path) -> list[bytes]:
    import av

    with av.open(str(path)) as c:
        return [bytes(p) for p in c.demux(audio=0) if p.size]


def test_one_word_rebuilds_one_shot(small_film: Path, tmp_path: Path, cache_dir: Path) -> None:
    out = tmp_path / "a.mp4"
    first = build(small_film, out, quality="preview", cache=Cache(cache_dir))
    assert first.ok
    n_segments = first.report.segments_rendered + first.report.segments_reused

    small_film.write_text(
        small_film.read_text().replace("Is it morning already?", "Is it evening already?")
    )
    second = build(small_film, out, quality="preview", cache=Cache(cache_dir))
    assert second.ok
    # The edited line's shot, plus at most its neighbours (whose transitions see it).
    assert 1 <= second.report.segments_rendered <= 2, second.report
    assert second.report.segments_reused >= n_segments - 2

    clean = tmp_path / "clean.mp4"
    res = build(small_film, clean, quality="preview", cache=Cache(tmp_path / "fresh-cache"))
    assert res.ok
    assert _video_bytes(out) == _video_bytes(clean)
    assert _audio_bytes(out) == _audio_bytes(clean)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_killed_build_leaves_no_output(
    sig: int, small_film: Path, tmp_path: Path, cache_dir: Path
) -> None:
    out = tmp_path / "killed.mp4"
    env = dict(os.environ, SCREENPLAY_CACHE_DIR=str(cache_dir))
    cmd = [
        sys.executable,
        "-m",
        "screenplay",
        "build",
        str(small_film),
        "-o",
        str(out),
        "--size",
        "320x180",
        "--jobs",
        "1",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Wait until rendering has started (segments appear in the cache), then kill.
    deadline = time.monotonic() + 120
    seg_dir = cache_dir / "segments"
    while time.monotonic() < deadline and proc.poll() is None:
        if seg_dir.exists() and any(seg_dir.rglob("*.mp4")):
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the build finished before it could be killed"
    proc.send_signal(sig)
    proc.wait(timeout=60)
    assert not out.exists()
    assert not [
        p for p in tmp_path.iterdir() if p.name.startswith(".killed") or p.suffix == ".part"
    ]

    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert out.is_file()
    m = __import__("re").search(r"reused (\d+)", done.stderr)
    assert m and int(m.group(1)) >= 1, done.stderr
