"""``screenplay watch``: every save rebuilds, and a rebuild reuses every unchanged shot."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from screenplay.commands.watch import Rebuild, watch

pytestmark = pytest.mark.slow


def _wait(builds: list[Rebuild], n: int, timeout: float = 240.0) -> None:
    end = time.monotonic() + timeout
    while len(builds) < n:
        if time.monotonic() > end:
            raise AssertionError(f"only {len(builds)} builds after {timeout} s (wanted {n})")
        time.sleep(0.1)


def test_two_edits_two_rebuilds_reusing_unchanged_shots(
    small_film: Path, tmp_path: Path, cache_dir: Path
) -> None:
    builds: list[Rebuild] = []
    stop = threading.Event()
    out = tmp_path / "small.mp4"
    t = threading.Thread(
        target=watch,
        args=(small_film, out),
        kwargs={"jobs": 1, "on_build": builds.append, "stop": stop, "max_builds": 3},
        daemon=True,
    )
    t.start()
    try:
        _wait(builds, 1)
        assert builds[0].ok, builds[0].result
        first = out.stat().st_mtime_ns
        time.sleep(0.5)  # the watcher is armed right after the first build

        # Edit 1: one word of one line.
        text = small_film.read_text(encoding="utf-8")
        small_film.write_text(text.replace("Is it morning already?", "Is it evening already?"))
        _wait(builds, 2)
        # Edit 2: another line; the first edit's shot is now cached too.
        text = small_film.read_text(encoding="utf-8")
        small_film.write_text(text.replace("Then let us *go* there.", "Then let us *run* there."))
        _wait(builds, 3)
    finally:
        stop.set()
        t.join(30)
    second, third = builds[1], builds[2]
    for rb in (second, third):
        assert rb.ok and not rb.up_to_date, rb.result
        # Exactly the edited line's shot changed; every other shot came from the cache.
        assert len(rb.changed_shots) == 1, rb.changed_shots
        assert rb.segments_rendered == 1
        assert rb.segments_reused >= 3
    assert second.changed_shots != third.changed_shots
    assert out.stat().st_mtime_ns != first  # the film was replaced (atomically, by rename)
