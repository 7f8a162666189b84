"""Alternatives in the language: axes, stable variant ids, lowering before resolve."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from screenplay.api import compile_source, load_film
from screenplay.diagnostics import Diagnostics
from screenplay.syntax import ast
from screenplay.syntax.parser import parse_source
from screenplay.syntax.source import Source
from screenplay.variants.axes import analyze
from screenplay.variants.select import Chosen, lower, parse_variant

REPO = Path(__file__).resolve().parents[2]

FILM = """\
Title: Two Endings
Format: 320x180, 12 fps

use voices, faces, music

cast MAN
    face: portrait(seed=1 | 2, age=40)
    voice: carlos | joe
cue THEME
    music: drone(key="D minor") | lullaby(tempo=0.6)

INT. ROOM - DAY

[[music THEME]]

MAN
Hello?

[[generate 2 lines seed=1|2|3]]

# Ending [[variant ending=happy]]

INT. ROOM - NIGHT

MAN
Good night.

# Ending [[variant ending=sad]]

INT. ROOM - NIGHT

MAN
Goodbye.

# Credits

>THE END<
"""


def _analyze(text: str) -> tuple[Source, object, Diagnostics]:
    src = Source("f.film", text)
    d = Diagnostics()
    script, _ = parse_source(src, d)
    return src, analyze(script, src, d), d


def test_axes_are_named_stably_and_listed_in_source_order() -> None:
    _, a, d = _analyze(FILM)
    assert not d.items
    assert [(x.name, x.values) for x in a.axes] == [
        ("MAN.face.seed", ["1", "2"]),
        ("MAN.voice", ["carlos", "joe"]),
        ("THEME.music", ['drone(key="D minor")', "lullaby(tempo=0.6)"]),
        ("generate#1.seed", ["1", "2", "3"]),
        ("ending", ["happy", "sad"]),
    ]
    assert a.count == 2 * 2 * 2 * 3 * 2
    ids = [v.id for v in a.variants()]
    assert len(set(ids)) == len(ids) == a.count
    assert all(len(i) == 8 for i in ids)


def test_ids_are_stable_under_unrelated_edits() -> None:
    _, a, _ = _analyze(FILM)
    edited = FILM.replace("Hello?", "Hello? Is anybody here?").replace(
        "INT. ROOM - DAY", "INT. ROOM - DAY\n\nA bare room.\n\nMAN\nStill nothing."
    )
    _, b, _ = _analyze(edited)
    assert [v.as_dict() for v in a.variants()] == [v.as_dict() for v in b.variants()]
    # changing a choice changes the id; the default is the same whatever the values
    choice = {"MAN.voice": "joe", "ending": "sad"}
    assert a.variant(choice).id != a.variant({}).id
    assert a.variant(choice).id == b.variant(choice).id


def test_adding_an_axis_keeps_the_ids_of_the_variants_that_existed() -> None:
    """Feedback collected before an axis was added still names the same films."""
    _, a, _ = _analyze(FILM)
    _, b, _ = _analyze(FILM.replace("    voice: carlos | joe", "    voice: carlos | joe | kate"))
    for v in a.variants():
        assert b.variant(v.choice).id == v.id
    more = FILM.replace("cast MAN\n", "cast WOMAN\n    voice: audrey | ellen\ncast MAN\n")
    _, c, _ = _analyze(more)
    assert c.axes[0].name == "WOMAN.voice"
    for v in a.variants():
        assert c.variant(v.choice).id == v.id


def test_lowering_keeps_lines_and_the_chosen_options_column() -> None:
    src, a, _ = _analyze(FILM)
    text = lower(src, a, {"MAN.voice": "joe", "ending": "sad", "generate#1.seed": "3"})
    lines, orig = text.split("\n"), FILM.split("\n")
    assert len(lines) == len(orig)
    i = next(n for n, ln in enumerate(orig) if "carlos | joe" in ln)
    assert lines[i].rstrip().endswith("joe") and lines[i].index("joe") == orig[i].index("joe")
    assert "carlos" not in lines[i]
    assert "Good night." not in text and "Goodbye." in text
    assert "seed=    3]]" in text or "seed=3]]" in text.replace(" ", "")
    assert "THE END" in text  # the next section closes the slot's region


def test_default_variant_is_the_first_alternatives() -> None:
    d = Diagnostics()
    film = compile_source(Source("f.film", FILM), None, d)
    chosen = film.script.extra["variant"]
    assert isinstance(chosen, Chosen) and chosen.origin == "default"
    assert film.cast["MAN"].voice.params["voice"] == "rms"  # carlos is flite rms
    texts = [el.text for el in film.script.body if isinstance(el, ast.Section)]
    assert texts == ["Ending", "Credits"]
    film2 = compile_source(Source("f.film", FILM), None, Diagnostics(), "MAN.voice=joe,ending=sad")
    assert film2.cast["MAN"].voice.constructor == "piper"
    lines = [
        p.text
        for el in film2.script.body
        if isinstance(el, ast.DialogueBlock)
        for p in el.parts
        if isinstance(p, ast.DialogueLine)
    ]
    assert lines == ["Hello?", "Goodbye."]


def test_each_generate_seed_gets_its_own_lock_key() -> None:
    from screenplay.passes.fill import find_holes

    keys = set()
    for seed in ("1", "2", "3"):
        film = compile_source(
            Source("f.film", FILM), None, Diagnostics(), {"generate#1.seed": seed}
        )
        (hole,) = find_holes(film)
        assert hole.seed == int(seed)
        keys.add(hole.key)
    assert len(keys) == 3


@pytest.mark.parametrize("name", ["the_empty_room.film", "lighthouse.film", "night_shift.fountain"])
def test_films_without_alternatives_are_parsed_exactly_as_before(name: str) -> None:
    src = Source.read(REPO / "examples" / name)
    plain, _ = parse_source(src, Diagnostics())
    d = Diagnostics()
    script = parse_variant(src, None, d, None)
    assert script == plain and "variant" not in script.extra
    film, _ = load_film(REPO / "examples" / name)
    assert film is not None and film.source is not None and film.source.text == src.text


def test_the_example_lock_round_trips_unchanged() -> None:
    from screenplay.dialogue.lock import LockFile

    text = (REPO / "examples" / "the_empty_room.film.lock").read_text()
    lock = LockFile.loads(text)
    assert not lock.variant and lock.dumps() == text


def test_lock_variant_section_round_trips_and_chooses_the_plain_build(tmp_path: Path) -> None:
    from screenplay.dialogue.lock import LockFile

    film = tmp_path / "f.film"
    film.write_text(FILM)
    lock = LockFile()
    lock.variant = {"MAN.voice": "joe", "ending": "sad"}
    lock.variant_id = "x"
    lock.save(film.with_name("f.film.lock"))
    again = LockFile.load(film.with_name("f.film.lock"))
    assert again.variant == lock.variant and again.variant_id == "x"
    f, diags = load_film(film)
    assert f is not None and not [d for d in diags if d.severity.value == "error"]
    chosen = f.script.extra["variant"]
    assert chosen.origin == "lock" and chosen.variant.choice["ending"] == "sad"
    # an explicit request wins over the lock
    f2, _ = load_film(film, "ending=happy")
    assert f2 is not None and f2.script.extra["variant"].variant.choice["MAN.voice"] == "carlos"


def test_a_stale_locked_choice_is_a_warning_and_the_default_is_built(tmp_path: Path) -> None:
    film = tmp_path / "f.film"
    film.write_text(FILM)
    film.with_name("f.film.lock").write_text(
        "format: 2\n\nvariant abc\n  MAN.voice: nobody\n  ending: sad\n"
    )
    f, diags = load_film(film)
    assert [d.code for d in diags] == ["SP1104"]
    assert f is not None and f.script.extra["variant"].variant.choice == {
        **f.script.extra["axes"].default_choice(),
        "ending": "sad",
    }


def _codes(text: str) -> list[str]:
    _, _, d = _analyze(text)
    return [x.code for x in d.items]


def test_a_slot_with_one_value_is_an_error() -> None:
    text = FILM.replace("# Ending [[variant ending=sad]]", "# Ending")
    assert _codes(text) == ["SP1100"]


def test_a_repeated_alternative_is_an_error() -> None:
    assert _codes(FILM.replace("carlos | joe", "carlos | carlos")) == ["SP1101"]


def test_nested_alternatives_are_an_error() -> None:
    assert _codes(FILM.replace("carlos | joe", "carlos(rate=1|2) | joe")) == ["SP1105"]


def test_a_variant_note_away_from_a_heading_is_an_error() -> None:
    text = FILM.replace("MAN\nHello?", "[[variant ending=happy]]\n\nMAN\nHello?")
    assert "SP1103" in _codes(text)
    assert _codes(FILM.replace("[[variant ending=sad]]", "[[variant ending]]")) == [
        "SP1113",
        "SP1100",
    ]


def test_an_unknown_variant_is_an_error_with_did_you_mean(tmp_path: Path) -> None:
    film = tmp_path / "f.film"
    film.write_text(FILM)
    f, _ = load_film(film)
    assert f is not None
    real = next(iter(f.script.extra["axes"].variants())).id
    _, diags = load_film(film, real[:-1] + ("0" if real[-1] != "0" else "1"))
    (d,) = [d for d in diags if d.severity.value == "error"]
    assert d.code == "SP1102" and f"did you mean `{real}`" in d.help
    _, diags = load_film(film, "MAN.vocie=joe")
    assert [d.code for d in diags] == ["SP1102"] and "MAN.voice" in diags[0].help
    _, diags = load_film(film, "MAN.voice=jo")
    assert [d.code for d in diags] == ["SP1102"] and "`joe`" in diags[0].help


def test_a_variant_of_a_film_without_alternatives_is_an_error() -> None:
    src = REPO / "examples" / "night_shift.fountain"
    _, diags = load_film(src, "abc")
    assert [d.code for d in diags if d.severity.value == "error"] == ["SP1112"]


def test_every_code_is_registered_and_explained() -> None:
    from screenplay.diagnostics.codes import explain
    from screenplay.variants import errors

    for code in errors.CODES:
        assert code.startswith("SP11") and 1100 <= int(code[2:]) <= 1129
        title, text = explain(code) or ("", "")
        assert title and len(text) > 40


def test_the_example_has_four_axes_and_every_variant_checks_clean(tmp_path: Path) -> None:
    shutil.copy(REPO / "examples" / "variants.film", tmp_path / "variants.film")
    f, diags = load_film(tmp_path / "variants.film")
    assert f is not None and not [d for d in diags if d.severity.value == "error"]
    axes = f.script.extra["axes"]
    assert [a.name for a in axes.axes] == ["MAN.voice", "THEME.music", "generate#1.seed", "ending"]
    assert axes.count == 16
    # both seeds of its [[generate]] are locked: every variant builds without a model
    for v in axes.variants():
        film, diags = load_film(tmp_path / "variants.film", v.choice)
        assert film is not None and not [d for d in diags if d.severity.value == "error"]
    from screenplay.passes.fill import find_holes

    shutil.copy(REPO / "examples" / "variants.film.lock", tmp_path / "variants.film.lock")
    from screenplay.dialogue.lock import LockFile

    lock = LockFile.load(tmp_path / "variants.film.lock")
    for seed in ("1", "2"):
        film, _ = load_film(tmp_path / "variants.film", {"generate#1.seed": seed})
        assert film is not None
        (hole,) = find_holes(film)
        assert lock.get(hole.key) is not None
