"""The dialogue's CLI surface: dump shows locked text as generated elements, fill's progress
line, and bad ``[[generate …]]`` input as diagnostics."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from screenplay.commands.fill import HoleProgress
from screenplay.dialogue.errors import CODES, validate_generate_args

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screenplay", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def test_dump_shows_locked_text_as_generated_elements(tmp_path: Path) -> None:
    for name in ("the_empty_room.film", "the_empty_room.film.lock"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    r = _cli("dump", str(tmp_path / "the_empty_room.film"), "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    gen = [e for e in data["elements"] if e.get("generated")]
    assert [e["kind"] for e in gen] == ["character", "dialogue"] * 4
    assert all(e["hole_line"] == e["line"] for e in gen)
    assert gen[1]["text"] == "To what extent do you know about the room?"
    assert not any(e.get("directive") == "generate" for e in data["elements"])
    assert "unfilled" not in data
    # Without the lock the hole stays a hole, and no model is run.
    (tmp_path / "the_empty_room.film.lock").unlink()
    data = json.loads(_cli("dump", str(tmp_path / "the_empty_room.film")).stdout)
    assert not any(e.get("generated") for e in data["elements"])
    assert data["unfilled"] == [gen[0]["hole_line"]]


def test_dump_marks_a_filled_dot_dot_dot_line(tmp_path: Path) -> None:
    src = tmp_path / "f.film"
    src.write_text("INT. ROOM - DAY\n\nMAN\nHello there.\n\nWOMAN\n...\n", encoding="utf-8")
    from screenplay.api import load_film
    from screenplay.diagnostics import Diagnostics
    from screenplay.dialogue.lock import LockEntry, LockFile
    from screenplay.passes.fill import find_holes, lock_path

    film, _ = load_film(src)
    (hole,) = find_holes(film)  # type: ignore[arg-type]
    lock = LockFile()
    lock.put(LockEntry(hole.key, "I have been waiting.", "line_for", 1, 1, 0.8, "default"))
    lock.save(lock_path(film))  # type: ignore[arg-type]
    assert not Diagnostics().has_errors
    data = json.loads(_cli("dump", str(src)).stdout)
    (line,) = [e for e in data["elements"] if e.get("generated")]
    assert line == line | {"kind": "dialogue", "text": "I have been waiting.", "line": 7}


def test_progress_line_names_the_hole_tokens_and_eta() -> None:
    now = [100.0]
    p = HoleProgress(clock=lambda: now[0])
    p.start(2, 4, 57)
    assert p.message() == "hole 2/4 (line 57)"
    now[0] += 10.0  # loading the model and reading the prompt: not part of the rate
    p.tokens(1, 80)
    assert p.message() == "hole 2/4 (line 57) 1/80 tokens"
    now[0] += 3.0
    p.tokens(31, 80)  # 30 tokens in 3 s: 49 to go take about 5 s
    assert p.message() == "hole 2/4 (line 57) 31/80 tokens, ETA 5 s"
    p.start(3, 4, 90)
    assert p.message() == "hole 3/4 (line 90)"


def test_fill_shows_the_hole_line_in_the_shared_progress_display() -> None:
    """``fill`` and ``build`` show the line in a task of ``_common.progress_bar``."""
    import io

    from rich.console import Console

    from screenplay.commands._common import progress_bar
    from screenplay.commands.fill import FillDisplay

    now = [0.0]
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    with progress_bar(console, transient=False) as bar:
        display = FillDisplay(bar, "Writing dialogue", clock=lambda: now[0])
        display.on_hole(2, 4, 57)
        now[0] += 1
        display.on_token(1, 80)
        now[0] += 3
        display.on_token(31, 80)
        (task,) = bar.tasks
        assert task.description == "hole 2/4 (line 57) 31/80 tokens, ETA 5 s"
        assert (task.completed, task.total) == (31, 80)
        bar.refresh()
    assert "hole 2/4 (line 57) 31/80 tokens, ETA 5 s" in out.getvalue()


@pytest.mark.parametrize(
    "directive,code",
    [
        ("[[generate 0 lines]]", "SP0705"),
        ("[[generate 5 lines new_characters=maybe]]", "SP0106"),
        ("[[generate 2 lines top_p=1.5]]", "SP0710"),
        ("[[generate 2 lines candidates=40]]", "SP0711"),
        ("[[generate 2 lines tempreature=0.5]]", "SP0106"),
    ],
)
def test_bad_generate_input_is_a_diagnostic(tmp_path: Path, directive: str, code: str) -> None:
    src = tmp_path / "bad.film"
    src.write_text(f"INT. ROOM - DAY\n\nMAN\nHello.\n\n{directive}\n", encoding="utf-8")
    r = _cli("check", str(src))
    assert r.returncode == 1 and f"error[{code}]" in r.stderr and "Traceback" not in r.stderr


def test_top_p_and_the_other_options_are_accepted(tmp_path: Path) -> None:
    src = tmp_path / "ok.film"
    src.write_text(
        "INT. ROOM - DAY\n\nMAN\nHello.\n\n[[generate 2 lines top_p=0.9]]\n\n"
        "[[generate 2 lines seed=3 temperature=0.7 top_p=0.8 candidates=2 new_characters=yes]]\n",
        encoding="utf-8",
    )
    r = _cli("check", str(src))
    assert r.returncode == 0, r.stderr


def test_validation_uses_the_one_vocabulary() -> None:
    from screenplay.directives import SPECS

    for option in set(SPECS["generate"].options) - {"model"}:
        assert not [
            p for p in validate_generate_args({"count": 2, option: 0.5}) if p[0] == "SP0708"
        ]
    (problem,) = validate_generate_args({"count": 2, "top": 0.5})
    assert problem[0] == "SP0708" and "top_p" in problem[2]
    assert validate_generate_args({"count": 2, "new_characters": "maybe"})[0][0] == "SP0712"
    for code in ("SP0710", "SP0711", "SP0712"):
        assert code in CODES


def test_unknown_model_is_a_diagnostic_with_a_suggestion(tmp_path: Path) -> None:
    src = tmp_path / "m.film"
    src.write_text(
        'INT. ROOM - DAY\n\nMAN\nHello.\n\n[[generate 2 lines model="smollm"]]\n', encoding="utf-8"
    )
    r = _cli("fill", str(src))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "error[SP0701]" in r.stderr and 'did you mean model="smollm2"' in r.stderr


def test_build_reports_each_hole_it_writes(tiny_model_dir: Path, tmp_path: Path) -> None:
    """``build`` hands the fill's holes to its display (``on_hole``) as ``fill`` does."""
    from screenplay.api import load_film
    from screenplay.build import prepare
    from screenplay.cache import Cache
    from screenplay.diagnostics import Diagnostics
    from screenplay.dialogue.model import load_model

    src = tmp_path / "holes.film"
    src.write_text(
        "INT. ROOM - DAY\n\nMAN\nHello there.\n\nWOMAN\nIt is raining.\n\n"
        f'[[generate 1 lines model="{tiny_model_dir}"]]\n\nMAN\nGood.\n',
        encoding="utf-8",
    )
    film, _ = load_film(src)
    assert film is not None
    holes: list[tuple[int, int, int]] = []
    stages: list[tuple[str, int, int]] = []
    diags = Diagnostics()
    prepare(
        film,
        diags,
        Cache(tmp_path / "cache"),
        get_model=lambda ref: load_model(ref, threads=1),
        on_hole=lambda *a: holes.append(a),
        progress=lambda *a: stages.append(a),
    )
    assert holes == [(1, 1, 9)], holes
    fill = [(d, t) for s, d, t in stages if s == "fill"]
    assert any(d > 0 for d, _ in fill) and fill[-1][0] == fill[-1][1]  # tokens, then done
