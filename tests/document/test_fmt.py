"""``screenplay fmt``: canonical, idempotent, and never changes what the film is."""

from __future__ import annotations

from pathlib import Path

import pytest

from screenplay.cli import main
from screenplay.document import fmt
from screenplay.document.fmt import UnsafeFormat, elements, format_film, format_text
from tests.document.conftest import REPO, conformance_dir
from tests.document.longscript import long_script

MESSY = """

Draft date: today
Format:   640x360, 12 fps
Title: Messy   
Author: Me

use   voices,music   

voice   gravel "Gravel":carlos( pitch = -3 ,rate=0.9 )   # lower

cast MAN   "The man"  
  voice:   gravel
        face:portrait(seed=7,hair="grey" ,age=45)   # from the sketch
cue THEME
    music: drone( key="D minor" , tempo = 0.50 )



INT. ROOM - DAY   


[[ music   THEME  fade-in   2s  volume = -6 dB ]]

    He waits.   
   Then waits more.

      MAN   
   (quietly)  
   Hello?   
  
   Is anyone here?

CUT TO: 

/* a   boneyard   
   kept as is   */
"""  # noqa: W291, W293 - the trailing whitespace is the point

CANONICAL = """Title: Messy
Author: Me
Draft date: today
Format: 640x360, 12 fps

use voices, music

voice gravel "Gravel": carlos(pitch=-3, rate=0.9)  # lower

cast MAN "The man"
    voice: gravel
    face: portrait(seed=7, hair="grey", age=45)  # from the sketch
cue THEME
    music: drone(key="D minor", tempo=0.50)

INT. ROOM - DAY

[[music THEME fade-in 2s volume=-6 dB]]

    He waits.
   Then waits more.

MAN
(quietly)
Hello?
  
Is anyone here?

CUT TO: 

/* a   boneyard   
   kept as is   */
"""  # noqa: W291, W293


def test_canonical_form() -> None:
    result = format_film(MESSY)
    assert result.changed
    assert result.text == CANONICAL
    assert not format_film(CANONICAL).changed


def corpus() -> list[tuple[str, str]]:
    """Every example, test case, stdlib module and conformance script (+ jouvence inputs)."""
    files = [
        *REPO.glob("examples/*.f*"),
        *REPO.glob("tests/cases/**/*.f*"),
        *REPO.glob("stdlib/*.film"),
        REPO / "tests/document/golden.film",
    ]
    shared = conformance_dir()
    texts = [(str(p.relative_to(REPO)), p.read_text(encoding="utf-8")) for p in sorted(files)]
    if shared is not None:
        for p in sorted(shared.glob("*/*.fountain")):
            texts.append((f"shared/{p.parent.name}/{p.name}", p.read_text(encoding="utf-8")))
        import yaml  # pyyaml comes with transformers (the media extra)

        for y in sorted((shared / "jouvence").glob("*.yaml")):
            for i, case in enumerate(yaml.safe_load_all(y.read_text(encoding="utf-8"))):
                if case and isinstance(case.get("in"), str):
                    texts.append((f"jouvence/{y.stem}#{i}", case["in"]))
    texts.append(("long_script", long_script(seed=5, scenes=8)))
    texts.append(("messy", MESSY))
    return texts


def test_idempotent_and_element_preserving_over_every_case() -> None:
    cases = corpus()
    assert len(cases) >= (90 if conformance_dir() else 15)
    for name, text in cases:
        once = format_film(text, name)  # raises UnsafeFormat if the elements changed
        assert elements(once.text, name) == elements(text, name), name
        assert format_text(once.text, name) == once.text, f"{name}: not idempotent"


def test_check_exits_1_when_a_file_would_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    messy = tmp_path / "messy.film"
    messy.write_text(MESSY)
    assert main(["fmt", "--check", str(messy)]) == 1
    assert "error[SP1004]" in capsys.readouterr().err
    assert messy.read_text() == MESSY  # --check writes nothing
    assert main(["fmt", str(messy)]) == 0
    assert messy.read_text() == CANONICAL
    assert main(["fmt", "--check", str(messy)]) == 0


def test_crlf_and_bom_are_normalised(tmp_path: Path) -> None:
    f = tmp_path / "win.fountain"
    f.write_bytes(b"\xef\xbb\xbfINT. A - DAY\r\n\r\nHello.\r\n")
    assert main(["fmt", "--check", str(f)]) == 1
    assert main(["fmt", str(f)]) == 0
    assert f.read_bytes() == b"INT. A - DAY\n\nHello.\n"


def test_unsafe_change_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "a.film"
    f.write_text("INT. A - DAY\n\nHe waits.\n\nBOB\nHi.\n")
    # A formatter bug that turns dialogue into action must be caught, not written.
    real = fmt.format_text
    monkeypatch.setattr(fmt, "format_text", lambda t, n="": real(t, n).replace("BOB\n", "Bob\n"))
    with pytest.raises(UnsafeFormat):
        format_film(f.read_text())
    before = f.read_bytes()
    assert main(["fmt", str(f)]) == 1
    assert f.read_bytes() == before
    assert "SP1003" in capsys.readouterr().err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", str(tmp_path / "nope.film")]) == 1
    assert "SP0304" in capsys.readouterr().err
