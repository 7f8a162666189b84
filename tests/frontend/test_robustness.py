"""Regression tests for issue #11 (front end): every reproducer found by fuzzing and review.

Each input once crashed ``screenplay check`` (exit 3), hung it, or was silently
misread.  Now each is a diagnostic with a code, or a documented warning.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from screenplay.api import load_film
from screenplay.commands._common import report
from screenplay.diagnostics import Diagnostic, Diagnostics
from screenplay.diagnostics.core import Severity
from screenplay.syntax.files import UnusableFile, probe, read_user_bytes
from screenplay.syntax.source import Span

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(60)


def check_text(tmp_path: Path, text: str, name: str = "t.film") -> list[Diagnostic]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    _, diags = load_film(path)
    return [d for d in diags if d.severity is not Severity.NOTE]


def codes(diags: list[Diagnostic]) -> list[str]:
    return [d.code for d in diags]


# --------------------------------------------------------------------------
# Item 1: front-end exceptions
# --------------------------------------------------------------------------


def test_fps_with_zero_denominator(tmp_path: Path) -> None:
    diags = check_text(tmp_path, "Title: T\nFormat: 640x360, 1/0 fps\n\nHello.\n")
    assert codes(diags) == ["SP0309"]
    assert "1/0 fps" in diags[0].message


@pytest.mark.parametrize(
    ("fmt", "ok"),
    [
        ("1280x720, 24 fps", True),
        ("1280 x 720", True),
        ("640×360,30fps", True),
        ("30000/1001 fps", True),
        ("29.97 fps", True),
        ("1280x720 24", False),
        ("fps", False),
        ("x, 24 fps", False),
    ],
)
def test_format_forms(tmp_path: Path, fmt: str, ok: bool) -> None:
    diags = check_text(tmp_path, f"Title: T\nFormat: {fmt}\n\nHello.\n")
    assert (codes(diags) == []) is ok, diags


def test_use_with_a_name_too_long_for_the_file_system(tmp_path: Path) -> None:
    diags = check_text(tmp_path, "use " + "x" * 300 + "\n\nHi.\n")
    assert codes(diags) == ["SP0201"]


@pytest.mark.parametrize(
    "value",
    ['"' + "a" * 300 + '"', 'file(path="' + "a" * 300 + '")', '"a\x00b"', '"."', '"t.film/x"'],
    ids=["long-string", "long-file-call", "nul", "folder", "not-a-folder"],
)
def test_unusable_face_paths(tmp_path: Path, value: str) -> None:
    diags = check_text(tmp_path, f"cast MAN\n    face: {value}\n\nMAN\nHi.\n")
    assert codes(diags) == ["SP0312"], diags
    assert diags[0].span.line == 2


def test_probe_never_raises(tmp_path: Path) -> None:
    assert probe(tmp_path / ("a" * 300)) == "the path is too long for the file system"
    assert probe("a\x00b") == "the path contains a NUL character"
    assert probe(tmp_path) == "it is a folder, not a file"
    assert probe(tmp_path / "missing") == "no such file"
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    assert probe(loop) == "the path has a symlink loop"


@pytest.mark.parametrize(
    "text",
    [
        "[[hold " + "f(" * 250 + ")" * 250 + "]]\n",
        "cast MAN\n    face: " + "f(" * 250 + ")" * 250 + "\n\nMAN\nHi.\n",
        "cast MAN\n    face: portrait(x=" + "[" * 5000 + ")\n\nMAN\nHi.\n",
    ],
    ids=["directive", "face", "lists"],
)
def test_deep_nesting_is_a_diagnostic(tmp_path: Path, text: str) -> None:
    diags = check_text(tmp_path, text)
    assert codes(diags) == ["SP0110"], diags


def test_nesting_inside_strings_does_not_count(tmp_path: Path) -> None:
    text = 'cast MAN\n    face: portrait(hair="' + "(" * 100 + '")\n\nMAN\nHi.\n'
    assert "SP0110" not in codes(check_text(tmp_path, text))


@pytest.mark.parametrize(
    "value", ["portrait(seed=" + "9" * 5000 + ")", "portrait(age=1e999)", "portrait(age=-1e400)"]
)
def test_huge_numbers_are_reported_where_read(tmp_path: Path, value: str) -> None:
    diags = check_text(tmp_path, f"cast MAN\n    face: {value}\n\nMAN\nHi.\n")
    assert codes(diags) == ["SP0111"]


# --------------------------------------------------------------------------
# Item 2: linear regexes (the exact reproducers; test_linear.py scales them up)
# --------------------------------------------------------------------------


@pytest.mark.timeout(10)
def test_cue_regex_reproducer(tmp_path: Path) -> None:
    film, _ = load_film(_write(tmp_path, "A" + " " * 600 + "x(\nhello\n"))
    assert film is not None and film.script.body[0].__class__.__name__ == "Action"


@pytest.mark.timeout(10)
def test_parenthetical_reproducer(tmp_path: Path) -> None:
    film, _ = load_film(_write(tmp_path, "He waits" + " " * 3000 + "(a long time.\nmore\n"))
    assert film is not None


@pytest.mark.timeout(10)
def test_format_reproducer(tmp_path: Path) -> None:
    diags = check_text(tmp_path, "Title: T\nFormat: 640x360" + " " * 3000 + "y\n\nHi.\n")
    assert codes(diags) == ["SP0104"]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "t.film"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# Item 4: durations and film length are bounded by check
# --------------------------------------------------------------------------


def test_hold_of_three_years(tmp_path: Path) -> None:
    diags = check_text(tmp_path, "INT. ROOM - DAY\n\n[[hold 99999999s]]\n")
    assert codes(diags) == ["SP0313"]
    assert diags[0].span.line == 3 and diags[0].span.col == 8


@pytest.mark.parametrize(
    "directive",
    ["[[transition dissolve 61s]]", "[[camera push-in duration=2h]]", "[[hold 61min]]"],
)
def test_other_duration_limits(tmp_path: Path, directive: str) -> None:
    if "2h" in directive:
        directive = "[[camera push-in duration=7200s]]"
    assert codes(check_text(tmp_path, f"INT. ROOM - DAY\n\n{directive}\n")) == ["SP0313"]


def test_music_fade_limit(tmp_path: Path) -> None:
    text = 'cue T\n    music: drone(key="D minor")\n\n[[music T fade-in 601s]]\n\nHello.\n'
    assert codes(check_text(tmp_path, text)) == ["SP0313"]


def test_film_longer_than_six_hours(tmp_path: Path) -> None:
    text = "INT. ROOM - DAY\n\n" + "[[hold 3600s]]\n\n" * 7
    diags = check_text(tmp_path, text)
    assert codes(diags) == ["SP0314"]
    assert diags[0].span.line == 3 + 2 * 5  # the sixth hour is passed at the sixth hold


# --------------------------------------------------------------------------
# Item 5: the lock file is read safely
# --------------------------------------------------------------------------

HOLE_FILM = "INT. ROOM - DAY\n\nMAN\nHello.\n\n[[generate 2 lines]]\n"


def _fill_diags(tmp_path: Path, make_lock) -> list[Diagnostic]:  # type: ignore[no-untyped-def]
    from screenplay.passes.fill import fill

    path = _write(tmp_path, HOLE_FILM)
    make_lock(Path(str(path) + ".lock"))
    film, _ = load_film(path)
    assert film is not None
    diags = Diagnostics()

    def no_model(ref: str | None) -> object:
        raise AssertionError("the model must not load when the lock cannot be read")

    fill(film, diags, locked=True, get_model=no_model)
    return diags.items


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("dir", "folder"),
        ("dev-zero", "device"),
        ("fifo", "pipe"),
        ("huge", "too large"),
    ],
)
def test_unreadable_lock(tmp_path: Path, kind: str, reason: str) -> None:
    def make(lock: Path) -> None:
        if kind == "dir":
            lock.mkdir()
        elif kind == "dev-zero":
            lock.symlink_to("/dev/zero")
        elif kind == "fifo":
            os.mkfifo(lock)
        else:
            with lock.open("wb") as f:  # sparse: 17 MiB without writing it
                f.truncate(17 * 1024 * 1024)

    diags = _fill_diags(tmp_path, make)
    assert codes(diags) == ["SP0311"]
    assert reason in diags[0].message


def test_lock_with_a_5000_digit_line(tmp_path: Path) -> None:
    def make(lock: Path) -> None:
        lock.write_text("format: 1\n\nhole abcdef0123\n  line: " + "9" * 5000 + "\n")

    diags = _fill_diags(tmp_path, make)
    assert codes(diags) == ["SP0703"]
    assert diags[0].span.line == 4


def test_reader_refuses_fifo_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "p"
    os.mkfifo(fifo)
    with pytest.raises(UnusableFile, match="pipe"):
        read_user_bytes(fifo, 100)
    assert read_user_bytes(fifo, 100, streams=True) == b""  # no writer: empty, not a hang


@pytest.mark.timeout(20)
def test_source_as_folder_device_and_pipe(tmp_path: Path) -> None:
    _, diags = load_film(tmp_path)
    assert codes(diags) == ["SP0311"] and "folder" in diags[0].message
    _, diags = load_film(Path("/dev/zero"))
    assert codes(diags) == ["SP0311"] and "larger than" in diags[0].message
    r, w = os.pipe()
    os.write(w, b"INT. ROOM - DAY\n\nHello.\n")
    os.close(w)
    film, diags = load_film(Path(f"/dev/fd/{r}"))
    os.close(r)
    assert film is not None and not diags


def test_module_that_is_not_a_regular_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.film")
    (tmp_path / "dir.film").mkdir()
    diags = check_text(tmp_path, "use pipe, dir\n\nHi.\n")
    assert codes(diags) == ["SP0201", "SP0201"]


# --------------------------------------------------------------------------
# Item 13: control characters never reach the terminal raw
# --------------------------------------------------------------------------

ESCAPES = "\x1b[2J\x1b]0;owned\x07\u202e"


def _printed(diags: list[Diagnostic], film, machine: bool) -> str:  # type: ignore[no-untyped-def]
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=False, color_system=None, width=200)
    report(diags, film, machine=machine, console=console)
    return buf.getvalue()


@pytest.mark.parametrize("machine", [False, True], ids=["human", "short"])
def test_control_characters_escaped(tmp_path: Path, machine: bool) -> None:
    path = _write(tmp_path, f'cast MAN\n    face: "{ESCAPES}.png"\n\n[[hodl {ESCAPES}]]\n')
    film, diags = load_film(path)
    assert sorted(codes(diags)) == ["SP0105", "SP0304"]
    out = _printed(diags, film, machine)
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[2J" in out and "\\u202e" in out


def test_caret_stays_under_the_word_after_escapes(tmp_path: Path) -> None:
    path = _write(tmp_path, "\x1b[2J\t日本 [[musik X]]\n")
    film, diags = load_film(path)
    out = _printed(diags, film, machine=False).splitlines()
    shown = next(line for line in out if line.startswith("1 | "))
    caret = out[out.index(shown) + 1]
    start = caret.index("^") - len("  | ")
    line = shown[len("1 | ") :]
    assert cell_len(line[: line.index("musik")]) == start  # 日本 are two cells each


def test_json_output_is_escaped(tmp_path: Path) -> None:
    path = _write(tmp_path, f"[[hodl {ESCAPES}]]\n")
    proc = subprocess.run(
        [sys.executable, "-m", "screenplay", "check", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )
    assert proc.returncode == 1
    assert "\x1b" not in proc.stdout
    assert json.loads(proc.stdout)["diagnostics"][0]["code"] == "SP0105"


# --------------------------------------------------------------------------
# Item 14 (front end): silent misreadings
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "hint"),
    [("use ../../etc/passwd", "not paths"), ("use voices faces", "commas")],
)
def test_use_lookalike_warns(tmp_path: Path, line: str, hint: str) -> None:
    diags = check_text(tmp_path, f"{line}\n\nINT. ROOM - DAY\n")
    assert codes(diags) == ["SP0112"]
    assert hint in diags[0].help


@pytest.mark.parametrize(
    ("line", "keyword"),
    [
        ('cats ODILE "Odile"', "cast"),
        ("cst MAN", "cast"),
        ("sett KITCHEN", "set"),
        ("voic carlos: espeak()", "voice"),
        ("musc theme: drone()", "music"),
    ],
)
def test_misspelt_keyword_warns(tmp_path: Path, line: str, keyword: str) -> None:
    diags = check_text(tmp_path, f"{line}\n\nINT. ROOM - DAY\n")
    assert codes(diags) == ["SP0113"]
    assert f"did you mean `{keyword}`?" in diags[0].help
    assert diags[0].span.col == 1 and diags[0].span.end_col == 1 + len(line.split()[0])


@pytest.mark.parametrize(
    "line", ["sets the table.", "cats sleep here.", "Use the force.", "cast MAN", "roomy halls."]
)
def test_ordinary_prose_does_not_warn(tmp_path: Path, line: str) -> None:
    assert codes(check_text(tmp_path, f"{line}\n\nINT. ROOM - DAY\n")) == []


def test_code_is_not_repeated_in_the_message() -> None:
    diags = Diagnostics()
    diags.warning("SP0504", Span("f", 1, 1, 1, 2), "SP0504: no face found in x.png")
    assert diags.items[0].message == "no face found in x.png"
    assert diags.items[0].one_line().count("SP0504") == 1


def test_explain_prints_markup_literally() -> None:
    from screenplay.commands import explain

    buf = io.StringIO()
    console = Console(file=buf, force_terminal=False, color_system=None, width=200)
    console_cls = explain.Console
    explain.Console = lambda **kw: console  # type: ignore[assignment,misc]
    try:
        import argparse

        assert explain.run(argparse.Namespace(code="SP0310")) == 0
    finally:
        explain.Console = console_cls  # type: ignore[misc]
    assert "[[generate]]" in buf.getvalue()
    assert "a [] hole" not in buf.getvalue()


MUSIC = 'cue THEME\n    music: drone(key="D minor")\n\nINT. ROOM - DAY\n\n'


@pytest.mark.parametrize("form", ["offset 5s", "offset=5s"])
def test_music_offset_is_rejected(tmp_path: Path, form: str) -> None:
    diags = check_text(tmp_path, MUSIC + f"[[music THEME {form}]]\n\nHello.\n")
    assert codes(diags) == ["SP0315"]
    assert "file(path=" in diags[0].help


def test_fade_longer_than_a_hold_timed_cue(tmp_path: Path) -> None:
    text = MUSIC + "[[music THEME fade-in 5s]]\n\n[[hold 2s]]\n\n[[music THEME stop fade-out 5s]]\n"
    diags = check_text(tmp_path, text)
    assert codes(diags) == ["SP0606"]
    assert diags[0].span.line == 6


def test_fades_that_fit_or_depend_on_speech_are_not_reported(tmp_path: Path) -> None:
    fits = MUSIC + "[[music THEME fade-in 1s]]\n\n[[hold 3s]]\n\n[[music THEME stop fade-out 1s]]\n"
    assert codes(check_text(tmp_path, fits)) == []
    speech = MUSIC + "[[music THEME fade-in 5s]]\n\nA long line.\n\n[[music THEME stop]]\n"
    assert codes(check_text(tmp_path, speech)) == []
