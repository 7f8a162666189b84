"""One owner per concept: each test pins a rule that used to have two disagreeing owners."""

from __future__ import annotations

from pathlib import Path

from screenplay.backends.protocols import SceneInfo
from screenplay.passes.bind import collect
from screenplay.passes.resolve import auto_set
from tests.core.helpers import codes, front

REPO = Path(__file__).resolve().parents[2]

BEACH_AT_NIGHT = """\
set BEACH

EXT. BEACH - NIGHT

The sea.
"""


def test_a_declared_set_without_image_follows_its_heading() -> None:
    film, diags = front(BEACH_AT_NIGHT)
    assert not diags.has_errors, codes(diags)
    decl = film.sets["BEACH"]
    # resolve always assigns a picture, and the heading decides room vs exterior
    assert decl.spec is not None and decl.spec.constructor == "exterior"
    assert decl.scene == SceneInfo(False, "BEACH", "NIGHT")
    scene = next(b for b in collect(film, diags).beats if b.kind == "scene")
    assert scene.set is not None and scene.set.spec == decl.spec
    assert scene.set.scene.time == "NIGHT"


def test_auto_set_is_the_one_room_or_exterior_rule() -> None:
    assert auto_set(SceneInfo(True, "FOREST CABIN", "DAY")).constructor == "room"
    assert auto_set(SceneInfo(False, "HOUSE", "DAY")).constructor == "exterior"
    # neither INT. nor EXT.: the location's words decide
    assert auto_set(SceneInfo(None, "BEACH", "DAY")).constructor == "exterior"
    assert auto_set(SceneInfo(None, "OFFICE", "DAY")).constructor == "room"


def test_undeclared_sets_get_the_same_picture_as_declared_ones() -> None:
    film, _ = front("EXT. BEACH - NIGHT\n\nThe sea.\n")
    assert film.sets["BEACH"].spec == auto_set(SceneInfo(False, "BEACH", "NIGHT"))


def test_one_emphasis_parser_for_subtitles_speech_and_say() -> None:
    from screenplay.syntax.emphasis import emphasized_words, plain_text, styled_runs
    from screenplay.voices.backend import clean_text

    # an unclosed marker is literal text everywhere (subtitles and speech agree)
    assert plain_text("**bold*") == "**bold*" == clean_text("**bold*")
    assert styled_runs("**bold*")[0].bold is False
    assert emphasized_words("**bold*") == ()
    line = "I *never* said **that**,  _ever_."
    assert clean_text(line) == "I never said that, ever." == " ".join(plain_text(line).split())
    assert emphasized_words(line) == ("never", "that", "ever")
    say = (REPO / "screenplay/commands/say.py").read_text()
    assert "emphasized_words(text)" in say and "re.finditer" not in say


def test_the_narrator_is_cast_by_the_voices_rule() -> None:
    from screenplay.passes.bind import narrator_of
    from screenplay.passes.resolve import load_presets
    from screenplay.voices.casting import default_voices

    film, _ = front("Narration: on\n\nINT. ROOM - DAY\n\nA door opens.\n")
    narrator = narrator_of(film)
    voices = dict(load_presets("voice"))
    expected = default_voices(["NARRATOR"], voices, set())["NARRATOR"]
    assert narrator is not None and narrator.voice == voices[expected]
    assert "narrator" in (expected + voices[expected].label).lower()
    # a speaking NARRATOR gets the same voice from resolve's auto-casting
    spoken, _ = front("INT. ROOM - DAY\n\nNARRATOR\nA door opens.\n")
    assert spoken.cast["NARRATOR"].voice == narrator.voice


def test_directive_vocabulary_is_directives_specs() -> None:
    from screenplay.dialogue.errors import validate_generate_args
    from screenplay.directives import SPECS
    from screenplay.staging.checks import STAGING_DIRECTIVES
    from screenplay.syntax.parser import DIRECTIVES

    assert set(DIRECTIVES) == set(SPECS)
    assert set(STAGING_DIRECTIVES) == {"shot", "enter", "exit", "place"}
    # every option the directive declares is accepted by the dialogue package
    assert validate_generate_args({"count": 2, "unit": "lines", "top_p": 0.9}) == []
    for option in SPECS["generate"].options:
        problems = validate_generate_args({"count": 2, option: 1})
        assert not any("unknown generate argument" in m for _, m, _ in problems), option


def test_generate_with_top_p_checks_clean() -> None:
    film, diags = front("INT. ROOM - DAY\n\nA door.\n\n[[generate 2 lines top_p=0.9]]\n")
    assert not diags.has_errors and "SP0708" not in codes(diags), codes(diags)


def test_backend_warnings_carry_their_code() -> None:
    import pickle
    import warnings

    from screenplay.backends.protocols import BackendWarning, caught_backend_warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn(
            BackendWarning("SP0504", "no face found: SP9999 in text", "crop"), stacklevel=1
        )
        warnings.warn("an unrelated warning", UserWarning, stacklevel=1)
    (w,) = caught_backend_warnings(caught)
    assert (w.code, w.message, w.help) == ("SP0504", "no face found: SP9999 in text", "crop")
    again = pickle.loads(pickle.dumps(w))  # render workers send them across processes
    assert (again.code, again.message, again.help) == (w.code, w.message, w.help)


def test_use_voices_hint_only_without_use_voices() -> None:
    def help_of(text: str) -> str:
        _, diags = front(text)
        return next(d.help for d in diags.items if d.code == "SP0202")

    assert "use voices" in help_of("cast ANNA\n    voice: nobodyknows\n")
    assert "use voices" not in help_of("use voices\n\ncast ANNA\n    voice: nobodyknows\n")


def test_cache_keys_include_the_package_version(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from screenplay import cache

    before = cache.digest("voices", "carlos", "Hello.")
    monkeypatch.setattr(cache, "__version__", "999.0.0")
    assert cache.digest("voices", "carlos", "Hello.") != before


def test_seeds_do_not_follow_the_package_version(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from screenplay import cache

    before = cache.stable_digest("carlos", "Hello.")
    monkeypatch.setattr(cache, "__version__", "999.0.0")
    assert cache.stable_digest("carlos", "Hello.") == before


def test_every_music_backend_can_probe() -> None:
    """`probe` is part of the music protocol: bind calls it without asking."""
    from screenplay.backends import registry

    for ctor in registry.constructors("music").values():
        backend = registry.backend_for(ctor)
        assert callable(getattr(backend, "probe", None)), ctor.name


def test_the_voice_backend_names_its_cache_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """bind takes the key from the backend (Speech.key), it does not hash the line again."""
    from screenplay.backends.protocols import Delivery
    from screenplay.cache import Cache
    from screenplay.passes.resolve import load_presets
    from screenplay.voices.backend import backend, load_speech, speech_key

    spec = load_presets("voice")["carlos"]  # flite: fast and always installed
    cache = Cache(tmp_path)
    first = backend().speak(spec, "Hello there.", Delivery(), cache)
    again = backend().speak(spec, "Hello there.", Delivery(), cache)
    assert first.key == again.key == speech_key(spec, "Hello there.", Delivery())
    assert load_speech(cache, first.key) is not None


def test_a_directive_is_read_once() -> None:
    from screenplay.directives import _lower, interpret
    from screenplay.syntax import ast

    film, _ = front("INT. A - DAY\n\n[[music THEME fade-in 2s]]\n")
    (d,) = [n for n in film.script.walk() if isinstance(n, ast.Directive)]
    _lower.cache_clear()
    first, _ = interpret(d)
    first["cue"] = "CHANGED"  # callers own their copy
    again, _ = interpret(d)
    assert again == {"cue": "THEME", "fade-in": 2.0}
    assert _lower.cache_info().misses == 1 and _lower.cache_info().hits == 1
