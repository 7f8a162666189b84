"""Run a render in its own process (the fault tests kill it midway).

Usage: python render_runner.py OUT.mp4 CACHE_DIR JOBS
Prints ``render DONE TOTAL`` progress lines (flushed) and ``ok`` at the end.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from render_doubles import FlatAssets  # noqa: E402
from render_films import feature_film, soundtrack  # noqa: E402

from screenplay.cache import Cache  # noqa: E402
from screenplay.render import encode  # noqa: E402
from screenplay.render.encode import render_film  # noqa: E402


def main() -> int:
    out, cache_dir, jobs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    # A small film: make it use worker processes anyway (the faults under test).
    encode.POOL_MIN_PIXELS = 0
    tl = feature_film(12, width=256, height=144)

    def progress(stage: str, done: int, total: int) -> None:
        print(stage, done, total, flush=True)

    report = render_film(
        tl, FlatAssets(), soundtrack(tl), out, Cache(cache_dir), jobs=jobs, progress=progress
    )
    print("ok", report.segments_rendered, report.segments_reused, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
