"""Prompts and post-processing: whatever a model writes, the result is valid Fountain."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shape import dialogue_blocks

from screenplay.dialogue.errors import CODES, validate_generate_args
from screenplay.dialogue.prompt import (
    build_prompt,
    continuation_done,
    next_speaker,
    postprocess,
    words_in,
)

SCRIPT = """Title: The Empty Room
Author: GPT-2 and the writer
Format: 1280x720, 24 fps

use voices, faces

cast MAN "The man"
    face: portrait(seed=7, age=45, hair="grey")
    voice: carlos

INT. EMPTY ROOM - DAY

A man enters the room. /* cut this */

[[music THEME fade-in 2s]]

MAN
(looking out of the window)
It still hasn't begun.

WOMAN
It began a long time ago.
"""
CAST = ("MAN", "WOMAN")


def test_prompt_keeps_title_and_cast_and_drops_production() -> None:
    p = build_prompt(SCRIPT, "lines", 3, None, CAST)
    assert p.startswith(
        "Title: The Empty Room\nAuthor: GPT-2 and the writer\nCharacters: MAN, WOMAN\n"
    )
    for junk in ("cast MAN", "voice: carlos", "[[", "/*", "Format:", "use voices"):
        assert junk not in p
    assert "INT. EMPTY ROOM - DAY" in p and p.endswith("It began a long time ago.\n\n")


def test_prompt_for_a_line_ends_with_the_cue() -> None:
    assert build_prompt(SCRIPT, "line_for", 1, "MAN", CAST).endswith("\n\nMAN\n")
    assert next_speaker(SCRIPT, CAST) == "MAN"


def test_prompt_keeps_the_end_of_a_long_script_within_budget() -> None:
    long = SCRIPT + "".join(f"\nMAN\nLine number {i}.\n" for i in range(500))
    p = build_prompt(long, "lines", 2, None, CAST, max_chars=1000)
    assert len(p) <= 1000 and "Line number 499." in p and "Title: The Empty Room" in p
    assert "Line number 10." not in p


def test_prompt_at_the_very_start() -> None:
    assert build_prompt("", "words", 30, None, ()) == "FADE IN:\n\n"


def test_lines_clean_into_dialogue_blocks() -> None:
    raw = (
        "Because there's nothing in it... yet.\n\n"
        "WOMAN\n(softly)\nYou're not supposed to *say* that [[note]] to me.\n\n"
        "MAN\nThen I won't say it, I won't say it, I won't say it, I won't say it\n\n"
        "FADE TO BLUE\nJULIA & CO\n"
    )
    out = postprocess(raw, "lines", 5, "MAN", CAST, context=SCRIPT)
    blocks = dialogue_blocks(out)
    assert blocks == [
        ("MAN", "Because there's nothing in it... yet."),
        ("WOMAN", "You're not supposed to say that to me."),
        ("MAN", "Then I won't say it..."),
    ]
    assert "(softly)" in out


def test_lines_respect_the_count_and_stop_at_repeats() -> None:
    raw = "Yes.\n\nWOMAN\nNo.\n\nMAN\nMaybe so.\n\nWOMAN\nPerhaps not.\n"
    assert len(dialogue_blocks(postprocess(raw, "lines", 2, "MAN", CAST))) == 2
    echo = "It still hasn't begun.\n\nWOMAN\nIt began a long time ago.\n"
    assert postprocess(echo, "lines", 2, "MAN", CAST, context=SCRIPT) == ""
    loop = "We wait here.\n\nWOMAN\nWe wait.\n\nMAN\nWe wait here.\n\nWOMAN\nWe wait.\n"
    assert len(dialogue_blocks(postprocess(loop, "lines", 4, "MAN", CAST))) == 2


def test_same_speaker_twice_ends_the_run() -> None:
    raw = "One.\n\nMAN\nTwo more words.\n"
    assert dialogue_blocks(postprocess(raw, "lines", 3, "MAN", CAST)) == [("MAN", "One.")]


def test_chat_markers_urls_and_junk_names_are_dropped() -> None:
    raw = "Sure, see www.example.com for more<|im_end|>\nassistant\nWOMAN\nHello."
    assert postprocess(raw, "lines", 2, "MAN", CAST) == ""
    raw2 = "All right.\n\nWOMANWOMAN\nHi.\n"
    assert dialogue_blocks(postprocess(raw2, "lines", 2, "MAN", CAST)) == [("MAN", "All right.")]


def test_new_characters_may_appear() -> None:
    raw = "Who's there?\n\nDOCTOR REYES\nOnly me.\n"
    assert dialogue_blocks(postprocess(raw, "lines", 2, "MAN", CAST))[1] == (
        "DOCTOR REYES",
        "Only me.",
    )


def test_long_lines_are_cut_at_a_sentence_end() -> None:
    raw = "I know. " + "and then we walked " * 20
    out = postprocess(raw, "line_for", 1, "MAN", CAST)
    assert out == "I know."
    unfinished = postprocess("we were never going to", "line_for", 1, "MAN", CAST)
    assert unfinished == "We were never going to..."


def test_line_for_is_one_line_without_cue() -> None:
    out = postprocess("(sighs) It is late.\n\nWOMAN\nSo late.", "line_for", 1, "MAN", CAST)
    assert out == "It is late."
    assert postprocess("\n\nWOMAN\nSo late.", "line_for", 1, "MAN", CAST) == ""


def test_words_mode_gives_about_n_words_ending_a_sentence() -> None:
    raw = (
        "The rain keeps falling on the window. The man does not move. "
        "Somewhere a door closes and the woman looks up at last, waiting.\n\n"
        "WOMAN\nDid you hear that?\n\nINT. HALL - NIGHT\n"
    )
    out = postprocess(raw, "words", 12, None, CAST)
    paras = dialogue_blocks(out, allow_action=True)
    assert paras[0][0] == "" and out.endswith(".")
    assert 8 <= words_in(out) <= 24
    assert "INT." not in postprocess(raw, "words", 200, None, CAST)


def test_done_detection_for_stopping_early() -> None:
    assert not continuation_done("It is", "lines", 2, "MAN", CAST)
    assert continuation_done("It is.\n\nWOMAN\nYes.\n\n", "lines", 2, "MAN", CAST)
    assert not continuation_done("It is.\n\nWOMAN\nYes", "lines", 2, "MAN", CAST)
    assert continuation_done("It is.\n\n#### ??? 42\n", "lines", 5, "MAN", CAST)
    assert continuation_done("It is.\n\nFADE OUT\n\nMAN\n", "lines", 5, "MAN", CAST)
    assert continuation_done("Fine.\n\n", "line_for", 1, "MAN", CAST)


_junk = st.text(
    alphabet=st.sampled_from(list("abcXYZ MAN WOMAN \n\n\n()[]*_#~^.!?:,'\"<|>/=@ 0123456789é")),
    max_size=400,
)


@settings(max_examples=300, deadline=None)
@given(raw=_junk, count=st.integers(1, 5), mode=st.sampled_from(["lines", "words", "line_for"]))
def test_any_garbage_gives_valid_fountain(raw: str, count: int, mode: str) -> None:
    out = postprocess(raw, mode, count, "MAN" if mode != "words" else None, CAST)  # type: ignore[arg-type]
    if mode == "line_for":
        assert "\n" not in out
        if out:
            dialogue_blocks("MAN\n" + out)
    else:
        blocks = dialogue_blocks(out, allow_action=(mode == "words"))
        if mode == "lines":
            assert len(blocks) <= count


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        ({"count": 12, "unit": "lines"}, []),
        ({"count": "80", "unit": "words", "seed": "3", "temperature": "0.7", "model": "gpt2"}, []),
        ({"count": 0, "unit": "lines"}, ["SP0705"]),
        ({"count": 201, "unit": "lines"}, ["SP0705"]),
        ({"count": 2000, "unit": "words"}, []),
        ({"count": 2001, "unit": "words"}, ["SP0705"]),
        ({"count": "many", "unit": "lines"}, ["SP0705"]),
        ({"count": 3, "unit": "poems"}, ["SP0705"]),
        ({"unit": "lines"}, ["SP0705"]),
        ({"count": 3, "temperature": 0}, ["SP0706"]),
        ({"count": 3, "temperature": 2.5}, ["SP0706"]),
        ({"count": 3, "seed": -1}, ["SP0707"]),
        ({"count": 3, "seed": 1.5}, ["SP0707"]),
        ({"count": 3, "model": 7}, ["SP0708"]),
        ({"count": 3, "sead": 7}, ["SP0708"]),
    ],
)
def test_generate_arguments(args: dict[str, object], codes: list[str]) -> None:
    problems = validate_generate_args(args)
    assert [p[0] for p in problems] == codes
    for code, message, help_ in problems:
        assert code in CODES and message and help_
    if "sead" in args:
        assert "seed" in problems[0][2]


# --------------------------------------------------------------------------
# cast declarations: linear on pathological lines, same answers as the old regex
# --------------------------------------------------------------------------

#: The expression ``cast_declarations`` replaced: quadratic on a long line of spaces.
_OLD_CAST_DECL = (
    r"^cast[ \t]+(?P<name>[^\"#\n]+?)[ \t]*(?:\"[^\"]*\")?[ \t]*(?:#.*)?$"  # reference only
)


def _old_declarations(text: str) -> list[str]:
    import re

    return [m.group("name") for m in re.finditer(_OLD_CAST_DECL, text, re.MULTILINE)]


def test_cast_declarations_agree_with_the_old_expression() -> None:
    import random

    from screenplay.dialogue.prompt import cast_declarations, cue_name

    rng = random.Random(13)
    alphabet = ["cast", "cast ", " ", "\t", "A", "MAN", '"', "#", "x", "\n", "label"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14)))
        ours = [cue_name(n) for n in cast_declarations(text)]
        # line by line: the old `"[^"]*"` let a label run on over line breaks (a bug)
        old = [cue_name(n) for ln in text.split("\n") for n in _old_declarations(ln)]
        old = [n for n in old if n]
        assert ours == old, repr(text)
    sample = 'cast MAN "The man"  # lead\ncast  WOMAN\ncast GHOST "unclosed\ncasting X\n'
    assert list(cast_declarations(sample)) == ["MAN", "WOMAN"]


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    "shape",
    [
        lambda n: "cast A" + " " * n + 'x"\n',  # the quadratic case of the old regex
        lambda n: "cast A" + " " * n + "\n",
        lambda n: 'cast A "' + " " * n + "\n",
        lambda n: "cast A" + ' "x"' * (n // 4) + "\n",
        lambda n: "cast \n" * (n // 6),
    ],
)
def test_known_cast_is_linear_on_100k_character_lines(shape: Any) -> None:
    """Each shape at 100,000 characters; quadratic work would take minutes (the timeout fails)."""
    from screenplay.dialogue.prompt import known_cast

    text = shape(100_000)
    assert len(text) >= 50_000
    known_cast(text + "\nINT. ROOM - DAY\n\nMAN\nHello.\n")
