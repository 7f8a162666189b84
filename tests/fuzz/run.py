"""The long fuzz run: ``python -m tests.fuzz.run --count 100000`` (docs/robustness.md).

Input *i* is :func:`tests.fuzz.corpus.draw` of ``random.Random(f"{seed}:{i}")``, so a
run can be split into chunks (``--start``), repeated, and any failure replayed from
its number alone (``--replay I``).  Failing inputs are written to ``--out`` with
what went wrong; a summary line per run is appended to ``--out``/summary.jsonl.

Exit status: 0 when every input passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from tests.fuzz.corpus import draw
from tests.fuzz.harness import DEFAULT_BOUND_S, check_one, prepare_workdir


def input_text(seed: int, i: int) -> str:
    return draw(random.Random(f"{seed}:{i}"))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.fuzz.run", description=__doc__)
    p.add_argument("--count", type=int, default=10_000, help="inputs to run (default 10,000)")
    p.add_argument("--start", type=int, default=0, help="first input number (for chunks)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--bound", type=float, default=DEFAULT_BOUND_S, help="seconds per input")
    p.add_argument("--out", type=Path, default=Path("fuzz-out"), help="failures and summary")
    p.add_argument("--replay", type=int, default=None, help="print input I and check it")
    args = p.parse_args(argv)

    work = prepare_workdir(Path(tempfile.mkdtemp(prefix="screenplay-fuzz-")))
    if args.replay is not None:
        text = input_text(args.seed, args.replay)
        sys.stdout.write(text + "\n")
        outcome = check_one(text, work, args.bound)
        print(f"-- {outcome.kind} in {outcome.seconds:.3f}s\n{outcome.detail}")
        return 0 if outcome.ok else 1

    args.out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    slowest = (0.0, -1)
    total_chars = 0
    t0 = time.perf_counter()
    columns = (
        TextColumn("fuzz"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failures]} failures"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=False) as progress:
        task = progress.add_task("fuzz", total=args.count, failures=0)
        for i in range(args.start, args.start + args.count):
            text = input_text(args.seed, i)
            total_chars += len(text)
            outcome = check_one(text, work, args.bound)
            counts[outcome.kind] = counts.get(outcome.kind, 0) + 1
            if outcome.seconds > slowest[0]:
                slowest = (outcome.seconds, i)
            if not outcome.ok:
                stem = args.out / f"{outcome.kind}-{args.seed}-{i}"
                stem.with_suffix(".film").write_text(text, encoding="utf-8", errors="replace")
                stem.with_suffix(".txt").write_text(outcome.detail, encoding="utf-8")
            progress.update(
                task,
                advance=1,
                failures=args.count and sum(v for k, v in counts.items() if k != "ok"),
            )
    summary = {
        "seed": args.seed,
        "start": args.start,
        "count": args.count,
        "bound_s": args.bound,
        "outcomes": counts,
        "slowest_s": round(slowest[0], 4),
        "slowest_input": slowest[1],
        "mean_chars": round(total_chars / max(args.count, 1)),
        "wall_s": round(time.perf_counter() - t0, 1),
    }
    with (args.out / "summary.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps(summary) + "\n")
    print(json.dumps(summary))
    return 0 if counts.get("ok", 0) == args.count else 1


if __name__ == "__main__":
    raise SystemExit(main())
