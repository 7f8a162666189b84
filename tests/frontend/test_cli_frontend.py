"""The front-end commands as a user runs them: exit codes, diagnostics, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CASES = Path(__file__).resolve().parents[1] / "cases"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screenplay", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.mark.parametrize(
    "case,code,needle",
    [
        ("cast_typo.film", "SP0207", "did you mean `WOMAN`?"),
        ("unknown_module.film", "SP0201", "did you mean `voices`?"),
        ("unterminated_boneyard.film", "SP0101", "close the boneyard"),
        ("bad_argument_type.film", "SP0301", "expects a whole number"),
        ("directive_typo.film", "SP0105", "did you mean `music`?"),
    ],
)
def test_bad_input_gives_precise_diagnostic(case: str, code: str, needle: str) -> None:
    r = run("check", str(CASES / "diagnostics" / case))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr + r.stdout
    assert f"error[{code}]" in r.stderr
    assert needle in r.stderr
    # rustc style: file:line:col, the source line and a caret under the problem
    assert f"{case}:" in r.stderr and "^" in r.stderr


def test_short_format_is_one_line_each() -> None:
    r = run("check", "--format", "short", str(CASES / "diagnostics" / "directive_typo.film"))
    assert r.returncode == 1
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert lines and all(": error[SP" in ln or ": warning[SP" in ln for ln in lines)
    first = lines[0].split(":")
    assert first[1].isdigit() and first[2].isdigit()


def test_check_reports_all_problems_of_several_files_in_one_run() -> None:
    r = run(
        "check",
        "--format",
        "json",
        str(CASES / "diagnostics" / "names.film"),
        str(CASES / "diagnostics" / "bad_values.film"),
    )
    assert r.returncode == 1
    codes = {d["code"] for d in json.loads(r.stdout)["diagnostics"]}
    assert {"SP0202", "SP0204", "SP0206", "SP0305", "SP0102", "SP0309"} <= codes


def test_clean_file_exits_zero() -> None:
    r = run("check", str(CASES / "parse" / "elements.fountain"))
    assert r.returncode == 0, r.stderr


def test_usage_error_exits_two() -> None:
    assert run("check").returncode == 2
    assert run("frobnicate").returncode == 2


def test_missing_file_is_a_diagnostic() -> None:
    r = run("check", "no/such/film.film")
    assert r.returncode == 1
    assert "no such file" in r.stderr and "Traceback" not in r.stderr


def test_explain() -> None:
    r = run("explain", "SP0207")
    assert r.returncode == 0 and "typo" in r.stdout
    assert run("explain", "SP9999").returncode == 1
    listing = run("explain").stdout
    assert "SP0101" in listing and "SP0309" in listing


def test_dump_json_shape(tmp_path: Path) -> None:
    r = run("dump", str(CASES / "parse" / "elements.fountain"), "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    kinds = [e["kind"] for e in data["elements"]]
    for k in (
        "title_page",
        "scene_heading",
        "action",
        "character",
        "parenthetical",
        "dialogue",
        "lyrics",
        "transition",
        "centered",
        "page_break",
        "section",
        "synopsis",
    ):
        assert k in kinds, k
    assert all({"kind", "text", "line", "dual"} <= set(e) for e in data["elements"])
    duals = [e for e in data["elements"] if e["dual"]]
    assert [e["text"] for e in duals if e["kind"] == "character"] == ["WOMAN (V.O.)", "BOB"]
    assert set(data) >= {"elements", "cast", "sets", "cues"}
    assert "MAN" in data["cast"] and not data["cast"]["MAN"]["declared"]


def test_crlf_and_bom_read_like_lf() -> None:
    r = run("dump", str(CASES / "parse" / "crlf_bom.fountain"))
    data = json.loads(r.stdout)
    assert data["elements"][0]["kind"] == "title_page"
    assert data["title"]["title"] == "CRLF and BOM"
    assert [e["kind"] for e in data["elements"][1:]] == [
        "scene_heading",
        "action",
        "character",
        "dialogue",
    ]
