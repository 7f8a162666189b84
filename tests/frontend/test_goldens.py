"""Golden tests: tests/cases/**/NAME.film → NAME.expected (AST elements + diagnostics).

Each case is compiled by the front end (parse → resolve → check); the expected
file holds the flattened elements, the cast/sets/cues it resolved, and every
diagnostic in its one-line machine form.  Run ``pytest --update-goldens`` to
rewrite the expected files after an intended change, then review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screenplay.api import load_film
from screenplay.film import film_json
from tests.goldens import check_golden

CASES = Path(__file__).resolve().parents[1] / "cases"
FILES = sorted(CASES.rglob("*.film")) + sorted(CASES.rglob("*.fountain"))


def _render(path: Path) -> str:
    film, diags = load_film(path)
    lines = []
    rel = lambda s: s.replace(str(path.parent) + "/", "").replace(str(path), path.name)  # noqa: E731
    for d in sorted(diags, key=lambda d: (d.span.line, d.span.col, d.code)):
        lines.append(rel(d.one_line()).replace(str(path), path.name))
    out = {"diagnostics": lines}
    if film is not None:
        data = film_json(film)
        out["elements"] = [
            {
                k: v
                for k, v in e.items()
                if k in ("kind", "text", "line", "dual", "name", "directive")
            }
            for e in data["elements"]
        ]
        out["cast"] = {
            n: {
                "declared": m["declared"],
                "face": m["face"] and m["face"]["constructor"],
                "voice": m["voice"] and (m["voice"]["preset"] or m["voice"]["constructor"]),
            }
            for n, m in data["cast"].items()
        }
        out["sets"] = {n: s["scene"] for n, s in data["sets"].items()}
        out["cues"] = {n: c["music"] and c["music"]["constructor"] for n, c in data["cues"].items()}
    return rel(json.dumps(out, indent=2, ensure_ascii=False, sort_keys=True)) + "\n"


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CASES)) for p in FILES])
def test_golden(path: Path, update_goldens: bool) -> None:
    check_golden(path.with_suffix(".expected"), _render(path), update_goldens)
