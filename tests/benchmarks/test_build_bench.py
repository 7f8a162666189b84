"""Benchmarks of whole builds of the main example at 1280x720@24 (recorded in docs/render.md).

* a cold full build (empty cache): seconds per minute of film;
* an incremental rebuild after changing one word of one dialogue line;
* the README's build command, run as a user runs it, on the warm cache;
* a no-op rebuild through the CLI (the build manifest answers "up to date");
* the edit loop on a 3-minute plain-Fountain screenplay at preview: cold
  build, then one word of one line;
* peak memory (``BuildResult.peak_rss``, the build plus its workers) of each;
* with ``SCREENPLAY_FEATURE_PAGES=30,60,120`` set, feature-length plain-Fountain
  builds at preview (``feature_film.py``): wall time, peak memory, cache size
  — minutes each, so not run by default.

With pytest's default ``--benchmark-disable`` each runs once as a test (and
CI builds the main example at default quality this way); run with
``--benchmark-enable`` to record timings.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from screenplay.build import BuildResult, build
from screenplay.cache import Cache

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
# A line after the [[generate]] hole: an edit before the hole would change the
# hole's prompt, and a --locked build rightly refuses a stale lock.
EDIT_A, EDIT_B = "Morning again.", "Morning, again."


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("main-example")
    (d / "examples").mkdir()
    for name in ("the_empty_room.film", "the_empty_room.film.lock"):
        shutil.copy(REPO / "examples" / name, d / "examples" / name)
    return d


STATE: dict[str, object] = {}


def test_full_build_main_example(benchmark, workdir: Path) -> None:
    film = workdir / "examples" / "the_empty_room.film"

    def cold() -> BuildResult:
        cache_dir = workdir / "cache"
        shutil.rmtree(cache_dir, ignore_errors=True)
        return build(
            film, workdir / "full.mp4", quality="default", cache=Cache(cache_dir), locked=True
        )

    res = benchmark.pedantic(cold, rounds=1, iterations=1)
    assert res.ok, [d.one_line() for d in res.diagnostics]
    tl = res.timeline
    assert (tl.width, tl.height, float(tl.fps)) == (1280, 720, 24.0)
    seconds = sum(res.timings.values())
    minutes = float(tl.duration) / 60
    benchmark.extra_info.update(
        film_seconds=float(tl.duration),
        build_seconds=round(seconds, 2),
        seconds_per_film_minute=round(seconds / minutes, 2),
        render_x_realtime=round(float(tl.duration) / res.timings["render"], 2),
        stages={k: round(v, 2) for k, v in res.timings.items()},
        encode_stages={k: round(v, 2) for k, v in res.report.timings.items()},
        peak_rss_mb=round(res.peak_rss / 1e6),
    )
    STATE["full_seconds"] = seconds


def test_incremental_rebuild(benchmark, workdir: Path) -> None:
    film = workdir / "examples" / "the_empty_room.film"
    if "full_seconds" not in STATE:
        pytest.skip("needs the full build first")

    def edit() -> tuple[tuple[()], dict[str, object]]:
        text = film.read_text(encoding="utf-8")
        if EDIT_A in text:
            text = text.replace(EDIT_A, EDIT_B)
        else:
            text = text.replace(EDIT_B, EDIT_A)
        film.write_text(text, encoding="utf-8")
        return (), {}

    def rebuild() -> BuildResult:
        return build(
            film,
            workdir / "full.mp4",
            quality="default",
            cache=Cache(workdir / "cache"),
            locked=True,
        )

    res = benchmark.pedantic(rebuild, setup=edit, rounds=1, iterations=1)
    assert res.ok, [d.one_line() for d in res.diagnostics]
    assert 1 <= res.report.segments_rendered <= 2, res.report
    seconds = sum(res.timings.values())
    benchmark.extra_info.update(
        rebuild_seconds=round(seconds, 2),
        fraction_of_full=round(seconds / float(STATE["full_seconds"]), 3),
        segments_rendered=res.report.segments_rendered,
        segments_reused=res.report.segments_reused,
        peak_rss_mb=round(res.peak_rss / 1e6),
        stages={k: round(v, 2) for k, v in res.timings.items()},
        encode_stages={k: round(v, 2) for k, v in res.report.timings.items()},
    )


def test_noop_rebuild_cli(benchmark, workdir: Path) -> None:
    """Nothing changed: the CLI answers from the build manifest (target ≤ 1 s)."""
    if "full_seconds" not in STATE:
        pytest.skip("needs the full build first")
    import os
    import sys

    film = workdir / "examples" / "the_empty_room.film"
    env = {**os.environ, "SCREENPLAY_CACHE_DIR": str(workdir / "cache")}
    cmd = [sys.executable, "-m", "screenplay", "build", str(film), "-o", str(workdir / "full.mp4"),
           "--locked"]  # fmt: skip

    def noop() -> subprocess.CompletedProcess[str]:
        return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)

    done = benchmark.pedantic(noop, rounds=3, iterations=1)
    assert done.returncode == 0 and "up to date" in done.stderr, done.stderr


def _plain_film(d: Path, pages: int) -> Path:
    from feature_film import screenplay

    p = d / f"plain{pages}.fountain"
    p.write_text(screenplay(pages), encoding="utf-8")
    return p


def test_plain_fountain_edit_loop(benchmark, tmp_path: Path) -> None:
    """A 3-minute plain-Fountain screenplay at preview: cold build, then a one-word edit."""
    film = _plain_film(tmp_path, 3)
    cache = Cache(tmp_path / "cache")
    out = tmp_path / "plain.mp4"
    t0 = time.perf_counter()
    cold = build(film, out, quality="preview", cache=cache)
    cold_s = time.perf_counter() - t0
    assert cold.ok, [d.one_line() for d in cold.diagnostics]
    text = film.read_text(encoding="utf-8")
    lines = text.splitlines()
    # A dialogue line (under a cue or a parenthetical) in the middle of the film, so the
    # edit changes a spoken line (its length, every later clip, the loudness).
    spoken = [ln for i, ln in enumerate(lines) if i > len(lines) // 2 and " " in ln and
              (lines[i - 1].isupper() or lines[i - 1].startswith("("))]  # fmt: skip
    line = next(ln for ln in spoken if ln.endswith("."))
    word = line.split()[0]

    def edit() -> tuple[tuple[()], dict[str, object]]:
        film.write_text(text.replace(line, line.replace(word, word + "s", 1), 1))
        return (), {}

    res = benchmark.pedantic(
        lambda: build(film, out, quality="preview", cache=cache), setup=edit, rounds=1
    )
    assert res.ok and res.report.segments_rendered <= 2
    assert not res.report.audio_reused, "a spoken line changed: the soundtrack must change"
    seconds = benchmark.stats.stats.max if benchmark.stats else sum(res.timings.values())
    benchmark.extra_info.update(
        film_seconds=round(float(cold.timeline.duration), 1),
        cold_seconds=round(cold_s, 2),
        cold_peak_rss_mb=round(cold.peak_rss / 1e6),
        edit_seconds=round(seconds, 2),
        edit_fraction_of_cold=round(seconds / cold_s, 3),
        edit_stages={k: round(v, 2) for k, v in res.timings.items()},
        edit_encode_stages={k: round(v, 2) for k, v in res.report.timings.items()},
    )


FEATURE_PAGES = [int(p) for p in os.environ.get("SCREENPLAY_FEATURE_PAGES", "").split(",") if p]


@pytest.mark.skipif(not FEATURE_PAGES, reason="set SCREENPLAY_FEATURE_PAGES=30,60,120")
@pytest.mark.parametrize("pages", FEATURE_PAGES or [0])
def test_feature_length_preview(benchmark, tmp_path: Path, pages: int) -> None:
    """Time and cache grow with the film; peak memory does not (issue #19)."""
    film = _plain_film(tmp_path, pages)
    cache = Cache(tmp_path / "cache")
    res = benchmark.pedantic(
        lambda: build(film, tmp_path / "feature.mp4", quality="preview", cache=cache), rounds=1
    )
    assert res.ok, [d.one_line() for d in res.diagnostics][:5]
    cache_bytes = sum(f.stat().st_size for f in (tmp_path / "cache").rglob("*") if f.is_file())
    film_s = float(res.timeline.duration)
    wall = sum(res.timings.values())
    benchmark.extra_info.update(
        pages=pages,
        film_minutes=round(film_s / 60, 1),
        wall_seconds=round(wall, 1),
        x_realtime=round(film_s / wall, 1),
        peak_rss_gb=round(res.peak_rss / 1e9, 2),
        cache_mb=round(cache_bytes / 1e6),
        stages={k: round(v, 1) for k, v in res.timings.items()},
    )


def test_readme_build_command(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's build command, verbatim, writes examples/the_empty_room.mp4."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!--\s*build-command\s*-->\s*\n```sh\n(.+?)\n```", readme)
    assert m
    cmd = m.group(1).strip()
    env_cache = workdir / "cache"
    done = subprocess.run(
        cmd,
        shell=True,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=1200,
        env={**__import__("os").environ, "SCREENPLAY_CACHE_DIR": str(env_cache)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = workdir / "examples" / "the_empty_room.mp4"
    assert out.is_file() and out.stat().st_size > 1_000_000
    assert (workdir / "examples" / "the_empty_room.srt").is_file()
