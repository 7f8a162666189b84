"""Issue #11, the build half: every user-caused failure is a diagnostic, nothing is lost.

Each reproducer from the issue is a test here: flags (SP0806), outputs that
cannot be written or would overwrite an input (SP0800/SP0802/SP0807), a full
disk (SP0801), a read-only folder, files outside the project (SP0809), the
library called from a script on stdin (SP0810 instead of respawning workers
forever), and faults: a build killed while speaking lines or while muxing,
two builds sharing one cache.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from fractions import Fraction
from pathlib import Path

import pytest

from screenplay.cli import _require_validators, build_parser, main
from tests.e2e.conftest import SMALL_FILM

REPO = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).resolve().parent / "build_runner.py"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err, err
    return code, err


def parts(*folders: Path) -> list[Path]:
    return [p for f in folders if f.exists() for p in f.rglob("*.part")]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The small film, built once into a cache the tests below reuse (film, cache)."""
    root = tmp_path_factory.mktemp("built")
    film, cache = root / "s.film", root / "cache"
    film.write_text(SMALL_FILM, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(RUNNER), str(film), str(root / "s.mp4")],
        env=dict(os.environ, SCREENPLAY_CACHE_DIR=str(cache)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return film, cache


# -- item 3: flags ------------------------------------------------------------


@pytest.mark.parametrize(
    "flags",
    [
        ["--fps", "1/0"],
        ["--fps", "0"],
        ["--fps", "-5"],
        ["--fps", "1e9"],
        ["--fps=abc"],
        ["--size", "321x181"],
        ["--size", "0x0"],
        ["--size", "99999x2"],
        ["--jobs", "0"],
        ["-o", "somewhere/"],
    ],
)
def test_bad_flag_values_are_sp0806(
    flags: list[str], capsys: pytest.CaptureFixture[str], small_film: Path
) -> None:
    code, err = run_cli(capsys, "build", str(small_film), *flags)
    assert code == 1
    assert "error[SP0806]" in err and "<command line>" in err
    assert "^" in err  # a caret under the bad value


def test_cast_width_and_say_output_are_validated_too(
    capsys: pytest.CaptureFixture[str], small_film: Path
) -> None:
    assert run_cli(capsys, "cast", str(small_film), "--width", "5")[0] == 1
    code, err = run_cli(capsys, "say", "joe", "hi", "-o", "bad\0name.wav")
    assert code == 1 and "SP0806" in err


def test_no_flag_can_skip_validation(capsys: pytest.CaptureFixture[str]) -> None:
    from screenplay.cli import BadFlag, _Parser
    from screenplay.commands._args import is_validator

    # Every command's typed arguments end up with a validator …
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    typed = [a for p in sub.choices.values() for a in p._actions if a.type is not None]
    assert len(typed) >= 10 and all(is_validator(a.type) for a in typed)
    # … including a flag a new command declares with a plain type.
    p = _Parser()
    p.add_argument("--count", type=int)
    p.add_argument("--rate", type=Fraction)
    _require_validators(p, "new")
    assert p.parse_args(["--count", "3"]).count == 3
    for bad in (["--count", "x"], ["--rate", "1/0"]):
        with pytest.raises(BadFlag):
            p.parse_args(bad)


# -- items 4 and 6: outputs -------------------------------------------------------


def test_outputs_that_cannot_be_written_are_diagnostics(
    capsys: pytest.CaptureFixture[str], small_film: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    cases = [
        (str(folder), "SP0802"),
        (str(small_film) + "/x.mp4", "SP0800"),  # a file where a folder should be
        ("/proc/x.mp4", "SP0800"),  # a folder that takes no new files
        (str(tmp_path / "x.srt"), "SP0807"),  # the film and its subtitles would collide
    ]
    for out, code in cases:
        rc, err = run_cli(capsys, "build", str(small_film), "-o", out)
        assert rc == 1 and f"error[{code}]" in err, (out, err)
    assert parts(tmp_path) == []


def test_no_output_may_overwrite_an_input(
    capsys: pytest.CaptureFixture[str], small_film: Path, tmp_path: Path
) -> None:
    before = small_film.read_bytes()
    (tmp_path / "mods").mkdir()
    module = tmp_path / "extra.film"
    module.write_text("voice extra: espeak\n", encoding="utf-8")
    film = tmp_path / "uses.film"
    film.write_text(SMALL_FILM.replace("use voices,", "use extra, voices,"), encoding="utf-8")
    hard = tmp_path / "hardlink.mp4"
    os.link(small_film, hard)
    cases = [
        ["build", str(small_film), "-o", str(small_film)],
        ["build", str(small_film), "-o", str(small_film) + ".lock"],
        ["build", str(film), "-o", str(module)],
        ["build", str(small_film), "-o", str(hard)],  # the same file by another name
        ["build", str(small_film), "-o", str(tmp_path / "mods" / ".." / "small.film")],
    ]
    for argv in cases:
        rc, err = run_cli(capsys, *argv)
        assert rc == 1 and "error[SP0807]" in err, (argv, err)
    assert small_film.read_bytes() == before
    # A screenplay named movie.mp4 (its default output is itself), or movie.srt (the sidecar).
    for name in ("movie.mp4", "movie.srt", "movie.vtt"):
        odd = tmp_path / name
        odd.write_text(SMALL_FILM, encoding="utf-8")
        rc, err = run_cli(capsys, "build", str(odd))
        assert rc == 1 and "error[SP0807]" in err
        assert odd.read_text(encoding="utf-8") == SMALL_FILM
    assert not (tmp_path / "movie.mp4").read_bytes().startswith(b"\0\0")


def test_export_refuses_to_overwrite_its_input(
    capsys: pytest.CaptureFixture[str], small_film: Path
) -> None:
    before = small_film.read_bytes()
    rc, err = run_cli(capsys, "export", str(small_film), "--otio", "-o", str(small_film))
    assert rc == 1 and "SP0807" in err
    assert small_film.read_bytes() == before


def _mount(folder: Path, options: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")


def _umount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@pytest.mark.slow  # builds real films on small mounts
@pytest.mark.skipif(not shutil.which("mount"), reason="no mount command")
def test_read_only_folder_and_full_disk(
    built: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    film, cache = built
    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(cache))
    small = tmp_path / "small"
    _mount(small, "size=120k")
    try:
        # An old film and subtitles are there: a failed build must leave them alone.
        for name, data in (("s.mp4", b"old film"), ("s.srt", b"old srt"), ("s.vtt", b"old vtt")):
            (small / name).write_bytes(data)
        rc, err = run_cli(capsys, "build", str(film), "-o", str(small / "s.mp4"))
        assert rc == 1 and "error[SP0801]" in err, err
        assert (small / "s.mp4").read_bytes() == b"old film"
        assert (small / "s.srt").read_bytes() == b"old srt"
        assert (small / "s.vtt").read_bytes() == b"old vtt"
        assert sorted(p.name for p in small.iterdir()) == ["s.mp4", "s.srt", "s.vtt"]

        subprocess.run(["mount", "-o", "remount,ro", str(small)], check=True)
        rc, err = run_cli(capsys, "build", str(film), "-o", str(small / "new.mp4"))
        assert rc == 1 and "error[SP0800]" in err and "read-only" in err, err
    finally:
        _umount(small)


@pytest.mark.slow  # builds real films on a small mount
@pytest.mark.skipif(not shutil.which("mount"), reason="no mount command")
def test_cache_on_a_full_disk_stays_whole_and_the_next_build_succeeds(
    small_film: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = tmp_path / "cache"
    _mount(cache, "size=100k")
    try:
        monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(cache))
        out = tmp_path / "out" / "s.mp4"
        rc, err = run_cli(capsys, "build", str(small_film), "-o", str(out), "--size", "64x36")
        assert rc == 1 and "error[SP0801]" in err, err
        assert not out.exists() and parts(cache, out.parent) == []
        _assert_cache_whole(cache)
        subprocess.run(["mount", "-o", "remount,size=200m", str(cache)], check=True)
        rc, err = run_cli(capsys, "build", str(small_film), "-o", str(out), "--size", "64x36")
        assert rc == 0, err
        assert out.is_file() and parts(cache, out.parent) == []
    finally:
        _umount(cache)


def _assert_cache_whole(cache: Path) -> None:
    """Every cache entry is complete: arrays load, MP4/M4A open with an index."""
    import av
    import numpy as np

    for p in cache.rglob("*"):
        if p.suffix == ".npz":
            with np.load(p) as z:
                for name in z.files:
                    z[name]
        elif p.suffix in (".mp4", ".m4a"):
            with av.open(str(p)) as c:
                assert c.streams
        assert p.suffix != ".part", p


def test_header_only_wav_cue_is_a_diagnostic(
    small_film: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import wave

    with wave.open(str(small_film.parent / "empty.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(48000)
    small_film.write_text(
        SMALL_FILM.replace("music: calm_piano", 'music: "empty.wav"'), encoding="utf-8"
    )
    rc, err = run_cli(capsys, "build", str(small_film), "--size", "64x36")
    assert rc == 1 and "error[SP06" in err


# -- item 12: files outside the project ---------------------------------------------


def test_assets_outside_the_project_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import numpy as np
    from PIL import Image

    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    secret = elsewhere / "secret.png"
    Image.fromarray(np.full((64, 64, 3), 200, np.uint8)).save(secret)
    (project / "link.png").symlink_to(secret)
    (elsewhere / "mod.film").write_text("voice extra: espeak\n", encoding="utf-8")
    (project / "mod.film").symlink_to(elsewhere / "mod.film")
    for value in (f'"{secret}"', '"../elsewhere/secret.png"', '"link.png"'):
        film = project / "f.film"
        film.write_text(f"cast ANNA\n    face: {value}\n\nANNA\nHello.\n", encoding="utf-8")
        rc, err = run_cli(capsys, "check", str(film))
        assert rc == 1 and "error[SP0809]" in err and "f.film:2:11" in err, err
        assert run_cli(capsys, "check", "--allow-outside-assets", str(film))[0] == 0
    film.write_text("use mod\n\nANNA\nHello.\n", encoding="utf-8")
    rc, err = run_cli(capsys, "check", str(film))
    assert rc == 1 and "error[SP0809]" in err
    # Inside the project (the git work tree around the film's folder) is fine.
    (tmp_path / ".git").mkdir()
    film.write_text('cast ANNA\n    face: "../elsewhere/secret.png"\n\nANNA\nHi.\n', "utf-8")
    assert run_cli(capsys, "check", str(film))[0] == 0


# -- item 11: the library from a script on stdin --------------------------------------


STDIN_SCRIPT = """
from pathlib import Path
import screenplay.render.encode as enc
enc.POOL_MIN_PIXELS = 0  # would use worker processes for any film
{extra}
from screenplay.build import build
r = build(Path({film!r}), Path({out!r}), jobs=2)
print("RESULT", r.ok, [d.code for d in r.diagnostics])
"""


@pytest.mark.slow  # a real build from stdin, twice
@pytest.mark.parametrize(
    ("extra", "expect"),
    [
        ("", "RESULT True []"),
        # Force the pool although the workers cannot import <stdin>: a clean error.
        ("enc._main_importable = lambda: True", "RESULT False ['SP0810']"),
    ],
)
def test_build_from_a_script_on_stdin_ends(
    extra: str, expect: str, built: tuple[Path, Path], tmp_path: Path
) -> None:
    film, cache = built
    script = STDIN_SCRIPT.format(extra=extra, film=str(film), out=str(tmp_path / "o.mp4"))
    env = dict(os.environ, SCREENPLAY_CACHE_DIR=str(tmp_path / "fresh"), PYTHONPATH=str(REPO))
    shutil.copytree(cache / "voices", tmp_path / "fresh" / "voices")
    done = subprocess.run(
        [sys.executable, "-"],
        input=textwrap.dedent(script),
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert expect in done.stdout, done.stdout + done.stderr
    assert parts(tmp_path) == []


# -- faults: kill while speaking / muxing, two builds at once ----------------------------


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["voices", "mux"])
def test_build_killed_while_speaking_or_muxing(stage: str, tmp_path: Path) -> None:
    film, out, cache = tmp_path / "s.film", tmp_path / "out" / "s.mp4", tmp_path / "cache"
    film.write_text(SMALL_FILM, encoding="utf-8")
    env = dict(os.environ, SCREENPLAY_CACHE_DIR=str(cache))
    proc = subprocess.Popen(
        [sys.executable, str(RUNNER), str(film), str(out), stage],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 240
    for line in proc.stdout:
        if line.startswith("paused"):
            break
        assert time.monotonic() < deadline
    else:
        pytest.fail(f"the build ended before {stage}: {proc.wait()} {proc.stderr.read()}")
    if stage == "mux":
        # The film and its subtitles exist only as temporaries now.
        assert len(parts(out.parent)) == 3
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert not out.exists() and not out.with_suffix(".srt").exists()
    _assert_cache_whole(cache)

    again = subprocess.run(
        [sys.executable, str(RUNNER), str(film), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert out.is_file() and out.with_suffix(".srt").is_file()
    assert parts(out.parent, cache) == []  # the killed build's temporaries were swept


@pytest.mark.slow
def test_two_builds_share_one_cache(tmp_path: Path) -> None:
    film, cache = tmp_path / "s.film", tmp_path / "cache"
    film.write_text(SMALL_FILM, encoding="utf-8")
    env = dict(os.environ, SCREENPLAY_CACHE_DIR=str(cache))
    procs = [
        subprocess.Popen(
            [sys.executable, str(RUNNER), str(film), str(tmp_path / f"o{i}" / "s.mp4")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=400)
        assert p.returncode == 0, err
    a, b = (tmp_path / f"o{i}" / "s.mp4" for i in range(2))
    assert a.read_bytes() == b.read_bytes()
    assert parts(tmp_path) == []
    _assert_cache_whole(cache)
    again = subprocess.run(
        [sys.executable, str(RUNNER), str(film), str(tmp_path / "o3.mp4")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0 and again.stdout.strip().endswith("built")


# -- item 14 (back end): subtitles off, chapters, credits, where a broken face is ----------


def _timeline(tmp_path: Path, text: str) -> object:
    from screenplay.api import load_film
    from screenplay.build import plan_timeline

    film_path = tmp_path / "t.film"
    film_path.write_text(text, encoding="utf-8")
    film, items = load_film(film_path)
    assert film is not None and not [d for d in items if d.severity.value == "error"], items
    timeline, diags = plan_timeline(film)
    assert timeline is not None, diags
    return timeline


def test_subtitles_off_drops_subtitles_until_on(tmp_path: Path) -> None:
    from screenplay.render.subtitles import srt_text, vtt_text

    text = SMALL_FILM.replace("ANNA\nIs it morning", "[[subtitles off]]\n\nANNA\nIs it morning")
    text = text.replace("BEN\n(quietly)", "[[subtitles on]]\n\nBEN\n(quietly)")
    tl = _timeline(tmp_path, text)
    said = ["".join(r.text for r in s.runs) for s in tl.subtitles]  # type: ignore[attr-defined]
    assert said == ["It is always morning somewhere.", "Then let us go there."]
    assert "morning already" not in srt_text(tl) and "morning already" not in vtt_text(tl)
    assert len(tl.audio) == 3  # the line is still spoken


def test_chapters_start_at_zero_in_the_timeline_and_the_mp4(tmp_path: Path) -> None:
    from screenplay.render.encode import _chapters

    tl = _timeline(tmp_path, SMALL_FILM.replace("INT. KITCHEN", "# Act One\n\nINT. KITCHEN"))
    chapters = tl.chapters  # type: ignore[attr-defined]
    assert [(c.start, c.title) for c in chapters] == [(0, "A Small Film"), (48, "Act One")]
    assert [(c["start"], c["metadata"]["title"]) for c in _chapters(tl)] == [
        (c.start, c.title) for c in chapters
    ]


def test_credits_read_like_film_credits(tmp_path: Path) -> None:
    text = SMALL_FILM.replace(
        "    face: woman\n    voice: kate",
        '    face: woman\n    voice: kate\n    credit: "Jane Doe"',
    ).replace("    voice: angus", "    voice: kate(rate=1.1)")
    text = text.replace("cast BEN", 'cast BEN "The baker"')
    tl = _timeline(tmp_path, text)
    card = tl.shots[-1].picture  # type: ignore[attr-defined]
    lines = list(card.lines)
    assert "Anna\tJane Doe" in lines  # credit: is the credit; the role is not repeated
    baker = next(x for x in lines if x.startswith("The baker\t"))
    # A retuned preset keeps its description (minus the engine detail in parentheses).
    assert baker.endswith("voice: Kate"), baker
    assert "Music" in lines and "Cast" in lines
    jargon = ("piper", "flite", "festival", "espeak", "seed", "(", "file ")
    assert not [x for x in lines if any(j in x.lower() for j in jargon)], lines


@pytest.mark.skipif(
    "face_span" not in __import__("screenplay.film").film.CastMember.__dataclass_fields__,
    reason="the face-span fix lives on main (photo branch); this runs once merged",
)
def test_broken_face_is_reported_at_its_face_line(
    small_film: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (small_film.parent / "bad.png").write_bytes(os.urandom(300))
    small_film.write_text(SMALL_FILM.replace("face: woman", 'face: "bad.png"'), encoding="utf-8")
    rc, err = run_cli(capsys, "build", str(small_film), "--size", "64x36")
    assert rc == 1 and "error[SP05" in err
    assert "small.film:8:" in err and 'face: "bad.png"' in err, err


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (OSError(28, "No space left on device", "/x/film.mp4"), "SP0801"),
        (PermissionError(13, "Permission denied", "/x/face.png"), "SP0808"),
    ],
)
def test_any_command_turns_os_errors_into_diagnostics(
    exc: OSError, code: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import screenplay.commands.check as check

    def boom(args: object) -> int:
        raise exc

    monkeypatch.setattr(check, "run", boom)
    rc, err = run_cli(capsys, "check", "whatever.film")
    assert rc == 1 and f"error[{code}]" in err
