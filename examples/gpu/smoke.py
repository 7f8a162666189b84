"""GPU smoke test: *The Empty Room* with diffusion faces and sets and a MusicGen score.

Given real weights on disk, this rewrites ``examples/the_empty_room.film`` so the
man's and the woman's faces and the room are ``diffusion(...)`` pictures and the
theme is a ``musicgen(...)`` cue, builds it, and prints how long each stage took
and what the backends chose (device, steps, size).  Nothing is downloaded: point
it at folders you already have::

    python examples/gpu/smoke.py \\
        --sd ~/models/sd-turbo \\                # a diffusers pipeline folder or hub id
        --musicgen ~/models/musicgen-small \\    # a MusicGen folder or hub id
        [--quality preview|default|final] [--out the_empty_room_models.mp4]

Ids (``stabilityai/sd-turbo``, ``facebook/musicgen-small``) are looked up in
``$SCREENPLAY_MODELS`` and the local Hugging Face cache.  With a CUDA GPU the
pictures are generated at the model's native size with float16; on a CPU it
still runs (512 px, a few steps), just slowly.  The film is written beside
the copy of the script it builds, in a temporary folder inside ``examples/gpu``
so the film's project (for path confinement) is this repository.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent / "the_empty_room.film"

FACES = {
    "MAN": "a man of forty-five with short grey hair and a tired, kind face",
    "WOMAN": "a woman of thirty with dark hair, wearing a white dress",
}
ROOM = "an empty room with bare white walls, a wooden floor and one tall window"
THEME = "slow ambient piano and soft strings, melancholy, sparse, film score"


def rewrite(text: str, sd: str, musicgen: str) -> str:
    """The film with diffusion faces and set and a MusicGen theme (declarations only)."""
    out = []
    current = ""
    for line in text.splitlines():
        m = re.match(r"^(cast|set|cue)\s+([A-Z ]+?)(\s+\".*\")?\s*$", line)
        if m:
            current = m.group(2).strip()
        stripped = line.strip()
        if stripped.startswith("face:") and current in FACES:
            seed = 7 if current == "MAN" else 11
            line = f'    face: diffusion(prompt="{FACES[current]}", seed={seed}, model="{sd}")'
        elif stripped.startswith("image:") and current == "EMPTY ROOM":
            line = f'    image: diffusion(prompt="{ROOM}", seed=3, model="{sd}")'
        elif stripped.startswith("music:") and current == "THEME":
            line = f'    music: musicgen(prompt="{THEME}", seed=3, model="{musicgen}")'
        out.append(line)
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sd", default="stabilityai/sd-turbo", help="diffusers pipeline folder or id")
    ap.add_argument("--musicgen", default="facebook/musicgen-small", help="MusicGen folder or id")
    ap.add_argument("--quality", default="preview", choices=("preview", "default", "final"))
    ap.add_argument("--out", type=Path, default=Path("the_empty_room_models.mp4"))
    args = ap.parse_args(argv)

    sys.path.insert(0, str(HERE.parents[1]))
    from screenplay.backends import weights
    from screenplay.build import build
    from screenplay.cache import Cache

    def folder(name: str) -> str:
        p = Path(name).expanduser()
        return str(p.resolve()) if p.exists() else name

    sd, mg = folder(args.sd), folder(args.musicgen)
    device = weights.torch_device()
    print(f"device: {device}")
    for what, name in (("diffusion", sd), ("musicgen", mg)):
        found = weights.locate(name)
        print(f"{what}: {name} -> {found.path if found else 'NOT FOUND (nothing is downloaded)'}")
        if found is None:
            print("  looked in:\n    " + "\n    ".join(weights.places(name)))
            return 1

    stages: dict[str, list[float]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        span = stages.setdefault(stage, [now, now])
        span[1] = now

    with tempfile.TemporaryDirectory(prefix="smoke-", dir=HERE) as tmp:
        film = Path(tmp) / "the_empty_room.film"
        film.write_text(rewrite(SOURCE.read_text(encoding="utf-8"), sd, mg), encoding="utf-8")
        lock = SOURCE.with_name(SOURCE.name + ".lock")
        if lock.exists():
            shutil.copy(lock, film.with_name(film.name + ".lock"))
        t0 = time.perf_counter()
        res = build(
            film,
            args.out.resolve(),
            quality=args.quality,
            cache=Cache(),
            progress=progress,
            allow_outside_assets=True,  # the weights may live anywhere on this machine
        )
        total = time.perf_counter() - t0
    for d in res.diagnostics:
        print(d.one_line())
    print("\nstage timings (s):")
    for stage, secs in (res.timings or {}).items():
        print(f"  {stage:<12} {secs:8.2f}")
    for stage, (a, b) in stages.items():
        print(f"  {stage + ' (seen)':<12} {b - a:8.2f}")
    print(f"  {'total':<12} {total:8.2f}")
    if res.ok:
        print(f"\nwrote {args.out} ({os.path.getsize(args.out) / 1e6:.1f} MB)")
    return 0 if res.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
