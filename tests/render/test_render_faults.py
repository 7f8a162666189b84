"""Faults: a build killed midway leaves no film and no half-written cache entry."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import av
import pytest

RUNNER = Path(__file__).resolve().parent / "render_runner.py"


def start(out: Path, cache: Path, jobs: int) -> subprocess.Popen[str]:
    env = dict(os.environ, SCREENPLAY_CACHE_DIR=str(cache))
    return subprocess.Popen(
        [sys.executable, str(RUNNER), str(out), str(cache), str(jobs)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for_progress(proc: subprocess.Popen[str], fraction: float) -> None:
    """Read progress lines until the render stage is ``fraction`` done (then it is mid-build)."""
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    for line in proc.stdout:
        parts = line.split()
        if parts[:1] == ["render"] and int(parts[1]) >= fraction * int(parts[2]) > 0:
            return
        assert time.monotonic() < deadline, "render made no progress"
    pytest.fail(
        f"runner ended before the kill: {proc.wait()} {proc.stderr.read() if proc.stderr else ''}"
    )


def segments(cache: Path) -> list[Path]:
    return sorted((cache / "segments").glob("*/*.mp4"))


def parts(*folders: Path) -> list[Path]:
    return [p for f in folders if f.exists() for p in f.rglob("*.part")]


def assert_whole(entries: list[Path]) -> None:
    for p in entries:
        with av.open(str(p)) as c:  # a truncated MP4 has no index and fails here
            assert c.streams.video[0].frames > 0


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_build_leaves_no_film_and_the_next_build_reuses_the_cache(
    tmp_path: Path, sig: signal.Signals
) -> None:
    out, cache = tmp_path / "out" / "film.mp4", tmp_path / "cache"
    proc = start(out, cache, jobs=2)
    wait_for_progress(proc, 0.3)
    proc.send_signal(sig)
    code = proc.wait(timeout=30)
    assert code != 0
    assert not out.exists()

    # Workers stop with the build (SIGINT: the build terminates its pool;
    # SIGKILL: the kernel's parent-death signal) and delete their temp files.
    # Only the killed build's own temp file can remain; the next build sweeps it.
    # (The build's own temp files carry its pid: with SIGKILL, the soundtrack's
    # AAC encode may leave one in the cache; the next build sweeps it, below.)
    def workers_parts() -> list[Path]:
        return [p for p in parts(cache) if f".{proc.pid}." not in p.name]

    deadline = time.monotonic() + 10
    while workers_parts() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert workers_parts() == []
    if sig == signal.SIGINT:
        assert parts(cache) == []
    if sig == signal.SIGINT:
        assert parts(out.parent) == []
    done_before = segments(cache)
    assert done_before, "nothing was cached before the kill"
    assert_whole(done_before)

    again = start(out, cache, jobs=2)
    stdout, stderr = again.communicate(timeout=120)
    assert again.returncode == 0, stderr
    rendered, reused = map(int, stdout.strip().splitlines()[-1].split()[1:])
    assert reused >= len(done_before) > 0 and rendered >= 1
    assert out.is_file()
    with av.open(str(out)) as c:
        assert c.streams.video[0].codec_context.name == "h264" and c.streams.audio
    assert parts(out.parent, cache) == []
