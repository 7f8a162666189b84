"""Timeline goldens: tests/cases/timeline/NAME.(film|fountain) → NAME.json.

Every case runs the whole compiler core in-process (parse → resolve → check →
fill from the lock → bind → timing) with the deterministic stub voice of
:mod:`tests.core.pipeline`, and the golden holds what a reviewer needs to see
a change in the rules: the diagnostics, the beats, and the Timeline IR in a
compact one-line-per-item form (cache keys left out: they change with the
package version).  ``pytest --update-goldens`` rewrites them; review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from screenplay.timeline import Timeline
from tests.core.pipeline import Compiled, compile_film
from tests.goldens import check_golden

CASES = Path(__file__).resolve().parents[1] / "cases" / "timeline"
FILES = sorted([*CASES.glob("*.film"), *CASES.glob("*.fountain")])


def _beats(c: Compiled) -> list[str]:
    if c.bound is None:
        return []
    out = []
    for b in c.bound.beats:
        said = " | ".join(
            f"{ln.speaker}{' (sung)' if ln.lyric else ''}: {ln.text}" for ln in b.lines
        )
        where = (
            f" @{b.set.name} {b.set.scene.time or '-'} {b.set.spec.constructor}"
            if (b.set is not None and b.set.spec is not None and b.kind == "scene")
            else ""
        )
        args = f" {json.dumps(b.args, sort_keys=True, default=str)}" if b.args else ""
        out.append(f"{b.span.line:>3} {b.kind}{where}{args} {said or b.text}".rstrip())
    return out


def _timeline(t: Timeline) -> dict[str, Any]:
    return {
        "format": f"{t.width}x{t.height} @ {t.fps} fps, {t.frames} frames",
        "shots": [
            f"{s.id} {s.start}+{s.frames} {s.picture.kind} {s.framing}"
            + (f" {s.transition.kind}:{s.transition.frames}" if s.transition.kind != "cut" else "")
            + (f" fade-out:{s.fade_out}" if s.fade_out else "")
            + (f" on:{','.join(o.name for o in s.on_screen)}" if s.on_screen else "")
            for s in t.shots
        ],
        "audio": [
            f"{a.bus} {a.start_sample}+{a.samples} {a.speaker} gain={a.gain_db:g} pan={a.pan:g}"
            for a in t.audio
        ],
        "music": [
            f"{m.cue} {m.start_sample}+{m.samples} in={m.fade_in:g} out={m.fade_out:g}"
            for m in t.music
        ],
        "subtitles": [f"{s.start}-{s.end} {s.speaker}: {s.text}" for s in t.subtitles],
        "chapters": [f"{c.start} {c.title}" for c in t.chapters],
    }


def render(path: Path) -> str:
    c = compile_film(path.read_text(encoding="utf-8"), path)
    out: dict[str, Any] = {
        "diagnostics": [
            d.one_line().replace(str(path), path.name)
            for d in sorted(c.diags.items, key=lambda d: (d.span.line, d.span.col, d.code))
        ],
        "beats": _beats(c),
    }
    if c.timeline is not None:
        out["timeline"] = _timeline(c.timeline)
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_timeline_golden(path: Path, update_goldens: bool) -> None:
    check_golden(path.with_suffix(".json"), render(path), update_goldens)
