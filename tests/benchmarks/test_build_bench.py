"""Benchmarks of whole builds of the main example at 1280x720@24 (recorded in docs/render.md).

* a cold full build (empty cache): seconds per minute of film;
* an incremental rebuild after changing one word of one dialogue line;
* the README's build command, run as a user runs it, on the warm cache.

With pytest's default ``--benchmark-disable`` each runs once as a test (and
CI builds the main example at default quality this way); run with
``--benchmark-enable`` to record timings.
"""

from __future__ import annotations

import re
import shutil
import subprocess
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
