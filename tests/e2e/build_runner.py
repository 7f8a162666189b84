"""Run one build in its own process, for the fault tests (kill it, run two at once).

``python build_runner.py FILM OUT [PAUSE_STAGE]`` builds FILM into OUT with the
cache in ``$SCREENPLAY_CACHE_DIR`` and prints every progress report as
``stage done total``.  With PAUSE_STAGE, the first report of that stage prints
``paused STAGE`` and then sleeps, so the test can kill the build at exactly
that point (voices: some lines spoken; mux: the film's temporaries are open).
Exit status 0 on success, 1 with the diagnostics on stderr otherwise.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from screenplay.build import build


def main() -> int:
    film, out = Path(sys.argv[1]), Path(sys.argv[2])
    pause = sys.argv[3] if len(sys.argv) > 3 else ""

    def progress(stage: str, done: int, total: int) -> None:
        print(stage, done, total, flush=True)
        if stage == pause and (done >= 1 or stage == "mux"):
            print("paused", stage, flush=True)
            time.sleep(300)

    result = build(film, out, jobs=1, progress=progress)
    if not result.ok:
        for d in result.diagnostics:
            print(d.one_line(), file=sys.stderr)
        return 1
    print("built", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
