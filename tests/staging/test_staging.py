"""Staging and the shot planner: presence, blocking (180-degree rule), framings, overrides,
bad input, and camera continuity measured on rendered frames."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from screenplay.api import compile_source
from screenplay.diagnostics import Diagnostics
from screenplay.passes.bind import collect
from screenplay.passes.staging import stage
from screenplay.syntax.source import Source

HEAD = """Title: Test
Format: 320x180, 12 fps

use voices, faces

cast ANNA
    face: woman
    voice: espeak
cast BOB
    face: man
    voice: espeak

"""

GOLDENS = Path(__file__).parent / "goldens"


def _staged(body: str) -> tuple[list, dict, Diagnostics]:
    diags = Diagnostics()
    film = compile_source(Source("t.film", HEAD + body), None, diags)
    bound = collect(film, diags)
    st = stage(film, bound, diags)
    return bound.beats, st.beats, diags


def _codes(diags: Diagnostics) -> list[str]:
    return [d.code for d in diags.items]


def test_entrance_and_exit_from_action_lines() -> None:
    beats, st, diags = _staged(
        "INT. ROOM - DAY\n\nThe room is empty.\n\nANNA enters, out of breath.\n\n"
        "ANNA\nHello?\n\nShe looks around. ANNA leaves.\n\nThe room is empty again.\n"
    )
    actions = [st[i] for i, b in enumerate(beats) if b.kind == "action"]
    assert actions[0].presence.present == ()
    assert actions[1].presence.entering == ("ANNA",)
    assert actions[1].shot.framing == "wide"  # we see her come in
    assert actions[2].presence.leaving == ("ANNA",)
    assert actions[3].presence.present == ()


def test_lowercase_introduction_and_enter_directive() -> None:
    beats, st, _ = _staged(
        "INT. ROOM - DAY\n\nThe room is quiet.\n\n[[enter BOB]]\n\nSomething moves.\n\n"
        "A anna sits in the corner.\n\nBOB\nIt's me.\n"
    )
    acts = [st[i] for i, b in enumerate(beats) if b.kind == "action"]
    assert acts[0].presence.present == ("ANNA",)  # introduced later, not as an entrance
    assert acts[1].presence.entering == ("BOB",)
    assert acts[2].presence.mentioned == ("ANNA",)


def test_conversation_rules_and_180_degree_marks() -> None:
    beats, st, _ = _staged(
        "INT. ROOM - DAY\n\nANNA and BOB stand by the window.\n\n"
        "ANNA\nDid you bring it with you today?\n\nBOB\nI left it where you said I should.\n\n"
        "ANNA\nThen we wait here until the morning comes.\n\n"
        "BOB\n(whispering)\nQuiet.\n"
    )
    lines = [st[i] for i, b in enumerate(beats) if b.kind == "line"]
    assert [s.shot.framing for s in lines] == ["two", "ots", "ots", "close"]
    assert lines[1].shot.subject == "BOB" and lines[1].shot.shoulder == "ANNA"
    marks = lines[0].marks
    assert marks["ANNA"].side == "left" and marks["BOB"].side == "right"
    assert all(s.marks == marks for s in lines)  # blocking kept for the scene


def test_overrides_and_split() -> None:
    beats, st, diags = _staged(
        "INT. ROOM - DAY\n\nANNA and BOB wait.\n\n[[shot close BOB]]\n\nANNA\nWell?\n\n"
        "[[shot wide]]\n\nBOB\nWell what?\n\n[[shot split]]\n\nANNA\nNow.\n\nBOB ^\nNow.\n"
    )
    got = [(beats[i].kind, s.shot.framing, s.shot.subject) for i, s in sorted(st.items())]
    assert got[1] == ("line", "close", "BOB")
    assert got[2][:2] == ("line", "wide")
    assert got[3] == ("dual", "split", "ANNA")
    assert not diags.items


def test_needs_two_warns_and_falls_back() -> None:
    beats, st, diags = _staged("INT. ROOM - DAY\n\n[[shot two]]\n\nANNA\nAlone again.\n")
    (line,) = [s for i, s in st.items() if beats[i].kind == "line"]
    assert line.shot.framing == "single"
    assert _codes(diags) == ["SP0901"]
    assert "single" in diags.items[0].help


def test_unknown_names_have_did_you_mean() -> None:
    from screenplay.api import compile_source as cs

    diags = Diagnostics()
    cs(
        Source(
            "t.film",
            HEAD + "INT. ROOM - DAY\n\n[[shot close BOBB]]\n\n[[enter ANA]]\n\nANNA\nHi.\n",
        ),
        None,
        diags,
    )
    errs = [d for d in diags.items if d.code == "SP0900"]
    assert len(errs) == 2
    assert "`BOB`" in errs[0].help and "`ANNA`" in errs[1].help
    assert errs[0].span.line == HEAD.count("\n") + 3


def test_shot_with_nothing_to_frame_and_useless_exit() -> None:
    _, _, diags = _staged(
        "INT. ROOM - DAY\n\nANNA\nHi.\n\n[[exit BOB]]\n\nANNA\nBye.\n\n[[shot close]]\n"
    )
    assert sorted(_codes(diags)) == ["SP0903", "SP0904"]


def test_explanations_registered() -> None:
    from screenplay.diagnostics.codes import explain

    for code in ("SP0900", "SP0901", "SP0902", "SP0903", "SP0904"):
        assert explain(code) is not None


# --------------------------------------------------------------------------
# Timelines (speech synthesized: espeak-ng is fast) and rendered frames
# --------------------------------------------------------------------------

SMALL = (
    "INT. ROOM - DUSK\n\nThe room is quiet.\n\nBOB enters and stops by the door.\n\n"
    "BOB\nYou are still here.\n\nANNA\nWhere else would I be, at this hour?\n\n"
    "BOB\nAnywhere. The street, the station, the sea.\n\n"
    "ANNA\n(whispering)\nNot yet.\n\n[[shot two]]\n\nBOB\nThen I will wait with you.\n\n"
    "ANNA\nYou always say that, and then you stand by the door with your coat on, "
    "counting the trains as they go past the window, one after another, until the last "
    "one has gone and the platform is empty again.\n"
)


@pytest.fixture(scope="module")
def small_timeline(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from screenplay.build import prepare
    from screenplay.cache import Cache

    diags = Diagnostics()
    film = compile_source(Source("t.film", HEAD + SMALL), None, diags)
    _, tl = prepare(film, diags, Cache(tmp_path_factory.mktemp("cache")), locked=True)
    assert tl is not None, [d.message for d in diags.items]
    return tl


def test_golden_timeline(small_timeline, update_goldens: bool) -> None:  # type: ignore[no-untyped-def]
    got = [
        {
            "framing": s.framing,
            "on_screen": [[o.name, o.side] for o in s.on_screen],
            "focus": getattr(s.picture, "focus", ""),
        }
        for s in small_timeline.shots
    ]
    path = GOLDENS / "small_conversation.json"
    if update_goldens or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, indent=1) + "\n")
    assert got == json.loads(path.read_text())
    # every shot says what it shows, and no one changes side inside the scene
    sides: dict[str, str] = {}
    for s in small_timeline.shots:
        assert s.framing
        for o in s.on_screen:
            assert sides.setdefault(o.name, o.side) == o.side


def test_long_line_cuts_to_the_listener(small_timeline) -> None:  # type: ignore[no-untyped-def]
    """A long line in a conversation: the speaker, then the listener's reaction close-up."""
    shots = [s for s in small_timeline.shots if s.framing != "card"]
    speaker, reaction = shots[-2], shots[-1]
    assert reaction.id.split("-")[1] == "reaction"
    assert reaction.framing == "close" and reaction.picture.focus == "BOB"
    assert speaker.picture.focus == "ANNA"
    # the speaker's mouth moves in the first half only; the listener's never
    (anna,) = [f for f in speaker.picture.figures if f.name == "ANNA"]
    assert anna.visemes and all(
        v.start < speaker.frames / float(small_timeline.fps) for v in anna.visemes
    )
    assert not any(f.visemes for f in reaction.picture.figures)


def test_camera_continuity_on_rendered_frames(small_timeline) -> None:  # type: ignore[no-untyped-def]
    """Inside a shot consecutive frames barely differ; the big differences are the cuts."""
    from screenplay.cache import Cache
    from screenplay.render.assets import PicturesAssetProvider
    from screenplay.render.compositor import Compositor

    comp = Compositor(small_timeline, PicturesAssetProvider(Cache()))
    inside: list[float] = []
    cuts: list[float] = []
    prev = None
    for shot in small_timeline.shots:
        if shot.framing == "card":
            prev = None
            continue
        for i in range(shot.frames):
            f = comp.frame(shot, i).astype(np.int16)
            if prev is not None:
                d = float(np.abs(f - prev).mean())
                (cuts if i == 0 else inside).append(d)
            prev = f
    assert inside and cuts
    # a walking entrance, blinking, breathing and lip-sync move a few pixels; a cut moves many
    assert max(inside) < 6.0, max(inside)
    assert np.median(inside) < 1.0
    assert min(cuts) > 2 * np.median(inside)
    assert np.mean(cuts) > 8.0


def test_storyboard_one_thumbnail_per_shot(small_timeline) -> None:  # type: ignore[no-untyped-def]
    from screenplay.commands.storyboard import storyboard

    board = storyboard(small_timeline, columns=4, thumb_w=160)
    n = len(small_timeline.shots)
    rows = (n + 3) // 4
    th = round(160 * small_timeline.height / small_timeline.width)
    th += th % 2
    assert board.shape == (10 + rows * (th + 46 + 10), 10 + 4 * (160 + 10), 3)
    # thumbnails differ from each other (each shows its own shot), the gaps are background
    first = board[10 : 10 + th, 10:170].astype(int)
    second = board[10 : 10 + th, 180:340].astype(int)
    assert np.abs(first - second).mean() > 5


def test_figure_stands_on_its_feet() -> None:
    from screenplay.pictures.figure import back_view, bust_size, figure

    w, h = bust_size(400)
    bust = np.zeros((h, w, 4), np.uint8)
    # a head (skin) and shoulders (clothes) reaching the bottom edge, like a portrait
    import cv2

    cv2.ellipse(bust, (w // 2, h // 3), (w // 6, h // 5), 0, 0, 360, (210, 170, 140, 255), -1)
    cv2.rectangle(bust, (w // 8, int(h * 0.62)), (w - w // 8, h - 1), (40, 60, 120, 255), -1)
    sprite, placed = figure(bust, 400)
    assert sprite.shape[0] == 400 and sprite.shape[2] == 4
    alpha = sprite[..., 3]
    rows = np.flatnonzero(alpha.max(axis=1) > 0)
    assert rows[0] <= 2 and rows[-1] >= 390  # head at the top, shoes on the bottom row
    # the torso continues the bust's clothes: same colour just below the bust
    below = sprite[placed.y + h + 5, sprite.shape[1] // 2, :3].astype(int)
    assert np.abs(below - np.array([40, 60, 120])).max() < 20
    back = back_view(bust, 120, 160)
    assert back.shape == (160, 120, 4) and back[..., 3].max() > 200


def test_sitting_and_standing_from_action_lines() -> None:
    beats, st, _ = _staged(
        "INT. ROOM - DAY\n\nANNA sits on the floor by the wall.\n\nBOB\nMay I?\n\n"
        "BOB sits down beside her.\n\nANNA\nStay.\n\nANNA gets up and goes to the window.\n\n"
        "BOB\nWait.\n"
    )
    seated = [(beats[i].kind, st[i].presence.seated) for i in sorted(st)]
    assert seated == [
        ("action", ("ANNA",)),
        ("line", ("ANNA",)),
        ("action", ("ANNA", "BOB")),
        ("line", ("ANNA", "BOB")),
        ("action", ("BOB",)),
        ("line", ("BOB",)),
    ]
    # a seated character's head is lower, and the framing follows it
    last = st[max(st)]
    assert last.marks["BOB"].seated and not last.marks["ANNA"].seated
    assert last.marks["BOB"].head_top > last.marks["ANNA"].head_top


def test_split_screen_keeps_each_character_on_their_side(tmp_path: Path) -> None:
    """Dual dialogue as a split screen: the halves follow the scene's marks (ANNA came
    first, so she is on the left), not the order of the cues."""
    from screenplay.build import prepare
    from screenplay.cache import Cache

    diags = Diagnostics()
    body = (
        "INT. ROOM - DAY\n\nANNA sits. BOB waits.\n\nANNA\nWell?\n\n"
        "[[shot split]]\n\nBOB\nNow.\n\nANNA ^\nNow.\n"
    )
    film = compile_source(Source("t.film", HEAD + body), None, diags)
    _, tl = prepare(film, diags, Cache(tmp_path / "cache"), locked=True)
    assert tl is not None, [d.message for d in diags.items]
    sides = {}
    for shot in tl.shots:
        for o in shot.on_screen:
            sides.setdefault(o.name, set()).add(o.side)
    (split,) = [s for s in tl.shots if s.framing == "split"]
    assert [(o.name, o.side) for o in split.on_screen] == [("ANNA", "left"), ("BOB", "right")]
    assert split.picture.left == film.cast["ANNA"].face  # type: ignore[union-attr]
    assert sides == {"ANNA": {"left"}, "BOB": {"right"}}
