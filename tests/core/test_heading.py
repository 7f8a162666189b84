"""A scene heading is read once, by the parser, into a typed value."""

from __future__ import annotations

import pickle

import pytest

from screenplay.syntax import ast
from screenplay.syntax.heading import SceneInfo, scene_info
from screenplay.syntax.parser import parse_source
from screenplay.syntax.source import Source


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("INT. EMPTY ROOM - DAY", SceneInfo(True, "EMPTY ROOM", "DAY")),
        ("EXT. BEACH - NIGHT", SceneInfo(False, "BEACH", "NIGHT")),
        ("EST. CITY", SceneInfo(False, "CITY", "")),
        ("INT./EXT. CAR - MOMENTS LATER", SceneInfo(None, "CAR", "MOMENTS LATER")),
        ("int. kitchen – dusk", SceneInfo(True, "KITCHEN", "DUSK")),
        ("EXT. ROAD - MILE 4 - DAWN", SceneInfo(False, "ROAD - MILE 4", "DAWN")),
        ("INT. HALL - THE NEXT DAY", SceneInfo(True, "HALL - THE NEXT DAY", "")),
    ],
)
def test_scene_info(text: str, expected: SceneInfo) -> None:
    assert scene_info(text) == expected


def test_the_parser_gives_each_heading_its_scene() -> None:
    src = Source("t.film", "INT. EMPTY ROOM - NIGHT\n\nA chair.\n\n.BEACH\n\nWaves.\n")
    script, _ = parse_source(src)
    headings = [el for el in script.body if isinstance(el, ast.SceneHeading)]
    assert [h.scene for h in headings] == [
        SceneInfo(True, "EMPTY ROOM", "NIGHT"),
        SceneInfo(None, "BEACH", ""),
    ]
    # derived from the text: equality, hashing and pickling (process pools) keep it
    again = pickle.loads(pickle.dumps(headings[0]))
    assert again == headings[0] and again.scene == headings[0].scene
    assert "scene" not in repr(headings[0])
