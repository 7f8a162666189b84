"""Contact sheet, the `cast` command (on a stand-in for the compiler API), schemas and presets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from screenplay.backends.protocols import AssetSpec, SceneInfo
from screenplay.cache import Cache
from screenplay.pictures.contact_sheet import FACE_STATES, contact_sheet
from screenplay.pictures.engine import backend

ROOM = SceneInfo(True, "EMPTY ROOM", "DUSK")


def faces_and_sets() -> tuple[list, list]:
    cache = Cache(enabled=False)
    faces = [
        ("MAN", backend().face(AssetSpec("face", "portrait", {"seed": 7}), cache)),
        ("WOMAN", backend().face(AssetSpec("face", "portrait", {"seed": 11}), cache)),
    ]
    sets = [("EMPTY ROOM", backend().set(AssetSpec("set", "room", {"seed": 3}), ROOM, cache))]
    return faces, sets


def test_contact_sheet_rows_show_every_state() -> None:
    faces, sets = faces_and_sets()
    sheet = contact_sheet(faces, sets, width=800, title="The Empty Room")
    assert sheet.ndim == 3 and sheet.shape[1] == 800 and sheet.dtype == np.uint8
    # the sheet holds one tile per face state per face: find them as distinct bright regions
    only_faces = contact_sheet(faces, [], width=800)
    only_sets = contact_sheet([], sets, width=800)
    assert only_faces.shape[0] + only_sets.shape[0] > sheet.shape[0] - 10
    assert only_faces.shape[0] < sheet.shape[0] and only_sets.shape[0] < sheet.shape[0]
    # the face tiles differ from each other (mouth shapes, blinks)
    pad = 8
    label_w = 800 // 7
    tile = (800 - label_w - pad * (len(FACE_STATES) + 1)) // len(FACE_STATES)
    y = pad + pad * 3
    tiles = [
        only_faces[y : y + tile, label_w + pad + i * (tile + pad) :][:, :tile]
        for i in range(len(FACE_STATES))
    ]
    for i in range(1, len(tiles)):
        assert np.abs(tiles[i].astype(int) - tiles[0].astype(int)).sum() > 0, FACE_STATES[i]


def test_contact_sheet_of_nothing_is_small() -> None:
    assert contact_sheet([], [], width=640).shape[0] < 40


FILM = """Title: Cast Test

cast MAN "The man"
    face: portrait(seed=7, hair="short")
cast WOMAN
    face: FACE
set EMPTY ROOM
    image: room(seed=3, window="left")

INT. EMPTY ROOM - DAY

MAN
Hello.

WOMAN
Hi.

EXT. FOREST - NIGHT

MAN
Dark here.
"""


def _film(tmp_path: Path, face: str = 'portrait(seed=11, hair="long")') -> Path:
    path = tmp_path / "test.film"
    path.write_text(FILM.replace("FACE", face), encoding="utf-8")
    return path


def test_cast_command_writes_a_png(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    from screenplay.cli import main

    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "sheet.png"
    assert main(["cast", str(_film(tmp_path)), "-o", str(out), "--width", "800"]) == 0
    img = np.asarray(Image.open(out))
    assert img.shape[1] == 800
    # two faces, and two sets: the declared room and the undeclared forest (from EXT. … NIGHT)
    assert "2 faces, 2 sets" in capsys.readouterr().out


def test_cast_command_reports_engine_errors_at_the_declaration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    from screenplay.cli import main

    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "broken.png").write_bytes(b"")
    film = _film(tmp_path, face='"broken.png"')
    assert main(["cast", str(film), "-o", str(tmp_path / "s.png")]) == 1
    err = capsys.readouterr().err
    assert "SP0501" in err and "test.film:5" in err  # at the `cast WOMAN` declaration
    assert main(["cast", str(_film(tmp_path)), "-o", str(tmp_path / "s.gif")]) == 1
    assert "SP0508" in capsys.readouterr().err


def test_cast_command_with_nothing_to_draw(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    from screenplay.cli import main

    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(tmp_path / "cache"))
    empty = tmp_path / "empty.film"
    empty.write_text("Title: Nothing\n\nJust some action, nobody speaks.\n", encoding="utf-8")
    assert main(["cast", str(empty), "-o", str(tmp_path / "s.png")]) == 1
    assert "SP0507" in capsys.readouterr().err


def test_schema_module_is_cheap() -> None:
    code = (
        "import sys, screenplay.pictures.schema as s; "
        "heavy = {'numpy', 'cv2', 'PIL', 'mediapipe', 'scipy'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "[]"


def test_constructors_and_codes() -> None:
    from screenplay.pictures.errors import CODES
    from screenplay.pictures.schema import CONSTRUCTORS

    names = {(c.kind, c.name) for c in CONSTRUCTORS}
    assert names == {
        ("face", "portrait"),
        ("face", "file"),
        ("set", "room"),
        ("set", "exterior"),
        ("set", "file"),
        ("face", "diffusion"),  # model backends (docs/models.md)
        ("set", "diffusion"),
    }
    for c in CONSTRUCTORS:
        module = "diffusion" if c.name == "diffusion" else "engine"
        assert c.module == f"screenplay.pictures.{module}" and c.doc
        for p in c.params:
            assert p.type in ("str", "int", "float", "bool", "path", "choice", "model")
            if p.type == "choice":
                assert p.default in p.choices
    assert all(code.startswith("SP05") and len(code) == 6 for code in CODES)


def test_registry_finds_the_engine() -> None:
    from screenplay.backends import registry

    ctor = registry.lookup("face", "portrait")
    assert ctor is not None
    assert registry.backend_for(ctor) is backend()


def test_stdlib_presets_match_the_schemas(tmp_path) -> None:
    from screenplay.api import load_film
    from screenplay.passes.resolve import load_presets

    # The real front end reads the stdlib: no diagnostics at all.
    film_path = tmp_path / "uses.film"
    film_path.write_text("use faces, rooms\n", encoding="utf-8")
    _, diags = load_film(film_path)
    assert not diags, [d.one_line() for d in diags]
    faces, rooms = load_presets("face"), load_presets("set")
    assert {"man", "woman"} <= set(faces)
    assert "empty_room" in rooms
    cache = Cache(enabled=False)
    for spec in faces.values():  # each one draws
        assert backend().face(spec, cache).frame(64, 36).shape == (36, 64, 4)
    for spec in rooms.values():
        assert backend().set(spec, ROOM, cache).frame(64, 36).shape == (36, 64, 3)
    woman = faces["woman"]
    assert woman.params["clothing"] == "dress" and woman.params["clothing_color"] == "white"
