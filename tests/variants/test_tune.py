"""Viewer feedback and ``tune``: a planted preference is recovered; little data, wide intervals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from screenplay.diagnostics import Diagnostics
from screenplay.syntax.parser import parse_source
from screenplay.syntax.source import Source
from screenplay.variants.axes import Analysis, analyze
from screenplay.variants.feedback import Record, read_feedback
from screenplay.variants.model import fit, summarize

REPO = Path(__file__).resolve().parents[2]

FILM = """\
Title: Tune
Format: 320x180, 12 fps

use voices, music

cast MAN
    voice: carlos | joe | kate
cue THEME
    music: drone | lullaby

INT. ROOM - DAY

[[music THEME]]

MAN
Hello?

# End [[variant ending=stay]]

INT. ROOM - NIGHT

MAN
I stay.

# End [[variant ending=leave]]

INT. ROOM - NIGHT

MAN
I leave.
"""

#: The audience's true taste: joe +1.2, kate -0.5, lullaby 0, leave +0.6 over a base of 2.8.
TRUE = {("MAN.voice", "joe"): 1.2, ("MAN.voice", "kate"): -0.5, ("ending", "leave"): 0.6}


def _analysis() -> Analysis:
    src = Source("t.film", FILM)
    script, _ = parse_source(src, Diagnostics())
    return analyze(script, src, Diagnostics())


def _simulate(analysis: Analysis, n: int, seed: int) -> list[Record]:
    rng = np.random.default_rng(seed)
    variants = list(analysis.variants())
    out = []
    for i in range(n):
        v = variants[rng.integers(len(variants))]
        mean = 2.8 + sum(TRUE.get((k, x), 0.0) for k, x in v.choice.items())
        rating = float(np.clip(np.round(mean + rng.normal(0, 0.8)), 1, 5))
        out.append(Record(v.id, f"viewer{i}", rating, None, None, i + 1))
    return out


def test_tune_recovers_a_planted_preference() -> None:
    a = _analysis()
    variants = list(a.variants())
    report = summarize(fit(a, variants, _simulate(a, 400, seed=7)), a)
    best = report["best"]
    assert best["choice"]["MAN.voice"] == "joe" and best["choice"]["ending"] == "leave"
    axes = {x["name"]: x for x in report["axes"]}
    assert axes["MAN.voice"]["best"] == "joe" and axes["ending"]["best"] == "leave"
    joe = next(v for v in axes["MAN.voice"]["values"] if v["value"] == "joe")
    lo, hi = joe["ci95"]
    assert lo < 1.2 < hi and hi - lo < 0.6  # the true effect, known to a few tenths
    music = {v["value"]: v for v in axes["THEME.music"]["values"]}
    lo, hi = music["lullaby"]["ci95"]
    assert lo < 0 < hi  # no preference planted: none found
    # Thompson sampling puts its next looks on the variants that may be best
    assert report["next"][0]["id"] in {
        v.id for v in variants if v.choice["MAN.voice"] == "joe" and v.choice["ending"] == "leave"
    }
    assert sum(v["p_best"] for v in report["variants"]) > 0.99


def test_little_data_gives_wide_intervals() -> None:
    a = _analysis()
    variants = list(a.variants())
    few = summarize(fit(a, variants, _simulate(a, 3, seed=1)), a)
    many = summarize(fit(a, variants, _simulate(a, 400, seed=1)), a)
    width = lambda r: np.mean([v["ci95"][1] - v["ci95"][0] for v in r["variants"]])  # noqa: E731
    assert width(few) > 2.0  # with three ratings nothing is settled
    assert width(many) < 0.6 * width(few) / 2
    # and no variant is a near-certain winner
    assert max(v["p_best"] for v in few["variants"]) < 0.6


def test_no_feedback_is_the_prior() -> None:
    a = _analysis()
    report = summarize(fit(a, list(a.variants()), []), a)
    assert report["ratings"] == 0
    assert all(abs(v["expected_rating"] - 3.0) < 0.15 for v in report["variants"])


def test_watch_time_is_a_beta_posterior_per_value() -> None:
    a = _analysis()
    variants = list(a.variants())
    joe = [v for v in variants if v.choice["MAN.voice"] == "joe"]
    carlos = [v for v in variants if v.choice["MAN.voice"] == "carlos"]
    recs = [Record(v.id, "x", None, 29.0, 30.0, 1) for v in joe for _ in range(5)]
    recs += [Record(v.id, "x", None, 6.0, 30.0, 1) for v in carlos for _ in range(5)]
    report = summarize(fit(a, variants, recs), a)
    voice = {v["value"]: v["completion"] for v in report["axes"][0]["values"]}
    assert voice["joe"]["mean"] > 0.85 and voice["carlos"]["mean"] < 0.3
    assert voice["kate"]["views"] == 0 and voice["kate"]["ci95"][1] - voice["kate"]["ci95"][0] > 0.8


def test_bad_feedback_lines_are_skipped_counted_and_warned(tmp_path: Path) -> None:
    a = _analysis()
    ids = {v.id for v in a.variants()}
    good = next(iter(ids))
    lines = [
        json.dumps({"variant": good, "viewer": "ann", "rating": 4}),
        "{not json",
        "[1, 2]",
        json.dumps({"variant": "zzzzzzzz", "rating": 3}),
        json.dumps({"variant": good, "rating": 6}),
        json.dumps({"variant": good, "rating": "5"}),
        json.dumps({"variant": good, "watched_s": -1}),
        json.dumps({"variant": good, "viewer": "bob"}),
        json.dumps({"variant": good, "viewer": "cy", "watched_s": 12.5, "duration_s": 30}),
        "",
    ]
    fb_path = tmp_path / "fb.jsonl"
    fb_path.write_text("\n".join(lines))
    d = Diagnostics()
    fb = read_feedback(fb_path, ids, d)
    assert [r.line for r in fb.records] == [1, 9]
    assert fb.skipped == {"not_json": 2, "unknown_variant": 1, "out_of_range": 4}
    assert not d.has_errors
    assert sorted(x.code for x in d.items) == ["SP1107"] * 2 + ["SP1108"] + ["SP1109"] * 4
    assert all(x.span.file == str(fb_path) and x.span.line > 1 for x in d.items)


def test_many_bad_lines_warn_a_few_times_then_count(tmp_path: Path) -> None:
    fb_path = tmp_path / "fb.jsonl"
    fb_path.write_text("oops\n" * 50)
    d = Diagnostics()
    fb = read_feedback(fb_path, {"a"}, d)
    assert fb.skipped == {"not_json": 50} and len(d.items) == 6
    assert "45 more lines" in d.items[-1].message


def test_an_unreadable_feedback_file_is_an_error(tmp_path: Path) -> None:
    d = Diagnostics()
    read_feedback(tmp_path / "missing.jsonl", {"a"}, d)
    assert [x.code for x in d.items] == ["SP1110"]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screenplay", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"},
        timeout=120,
    )


def test_tune_cli_json_and_write_lock(tmp_path: Path) -> None:
    film = tmp_path / "t.film"
    film.write_text(FILM)
    a = _analysis()
    recs = _simulate(a, 300, seed=3)
    fb = tmp_path / "fb.jsonl"
    fb.write_text(
        "".join(
            json.dumps({"variant": r.variant, "viewer": r.viewer, "rating": r.rating}) + "\n"
            for r in recs
        )
        + "garbage\n"
    )
    r = _cli("tune", "t.film", "fb.jsonl", "--format", "json", "--write-lock", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["records"] == 300 and out["skipped"] == {"not_json": 1}
    assert "SP1107" in r.stderr
    best = out["best"]
    assert best["choice"]["MAN.voice"] == "joe" and out["locked"] == best["id"]
    assert f"variant {best['id']}" in (tmp_path / "t.film.lock").read_text()
    # a plain `variants` now says the lock's variant is the one built
    v = _cli("variants", "t.film", "--format", "json", cwd=tmp_path)
    listing = json.loads(v.stdout)
    assert listing["built"] == best["id"] and listing["default"] != best["id"]
    assert {x["name"] for x in listing["axes"]} == {"MAN.voice", "THEME.music", "ending"}
    assert len(listing["variants"]) == listing["count"] == 12
    assert set(listing["variants"][0]) == {"id", "choice"}


def test_build_with_an_unknown_variant_fails_before_any_work(tmp_path: Path) -> None:
    film = tmp_path / "t.film"
    film.write_text(FILM)
    r = _cli("build", "t.film", "--variant", "nope", cwd=tmp_path)
    assert r.returncode == 1 and "SP1102" in r.stderr and "no film was written" in r.stderr
    assert not list(tmp_path.glob("*.mp4"))


def test_too_many_variants_to_build_at_once(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from screenplay.cli import main

    axes = "".join(f"cast P{i}\n    voice: kate | ellen\n" for i in range(13))  # 2**13 variants
    (tmp_path / "many.film").write_text(
        f"Title: Many\n\nuse voices\n\n{axes}\nINT. ROOM - DAY\n\nHi.\n"
    )
    assert main(["build", str(tmp_path / "many.film"), "--all-variants"]) == 1
    err = capsys.readouterr().err
    assert "SP1106" in err and "8192 variants" in err
    assert not list(tmp_path.glob("*.mp4"))


def test_ray_missing_is_a_diagnostic(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from screenplay.cli import main

    (tmp_path / "t.film").write_text(FILM)
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    assert main(["build", str(tmp_path / "t.film"), "--executor", "ray"]) == 1
    err = capsys.readouterr().err
    assert "SP1111" in err and "screenplay[cluster]" in err and "Traceback" not in err


def test_variants_check_finds_an_error_in_one_alternative(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from screenplay.cli import main

    (tmp_path / "t.film").write_text(FILM.replace("carlos | joe | kate", "carlos | jeo"))
    assert main(["variants", str(tmp_path / "t.film")]) == 0  # the default variant is fine
    capsys.readouterr()
    assert main(["variants", str(tmp_path / "t.film"), "--check"]) == 1
    err = capsys.readouterr().err
    assert "MAN.voice=jeo" in err and "jeo" in err
