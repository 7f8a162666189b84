"""Auto-casting gives undeclared characters distinct, deterministic, fitting voices."""

from __future__ import annotations

from screenplay.passes.resolve import load_presets
from screenplay.voices.casting import default_voices, sex_of_name, sex_of_preset


def test_distinct_until_presets_run_out() -> None:
    presets = load_presets("voice")
    names = [f"CHARACTER {i}" for i in range(len(presets))]
    cast = default_voices(names, presets, set())
    assert len(set(cast.values())) == len(presets)
    more = default_voices([*names, "EXTRA"], presets, set())
    assert more["EXTRA"] in presets


def test_taken_presets_are_avoided() -> None:
    presets = load_presets("voice")
    taken = {"dicka", "carlos", "audrey"}
    cast = default_voices(["MAN", "WOMAN", "BOY", "GIRL"], presets, taken)
    assert not taken & set(cast.values())
    assert len(set(cast.values())) == 4


def test_deterministic_and_stable_when_characters_are_added_later() -> None:
    presets = load_presets("voice")
    first = default_voices(["ANNA", "BORIS", "CLERK"], presets, {"dicka"})
    assert default_voices(["ANNA", "BORIS", "CLERK"], presets, {"dicka"}) == first
    later = default_voices(["ANNA", "BORIS", "CLERK", "DRIVER", "OLD WOMAN"], presets, {"dicka"})
    assert {k: later[k] for k in first} == first


def test_names_that_say_their_sex_get_a_matching_voice() -> None:
    presets = load_presets("voice")
    cast = default_voices(["WOMAN", "MAN", "OLD WOMAN", "MRS. PARK", "BOY"], presets, set())
    for name in ("WOMAN", "OLD WOMAN", "MRS. PARK"):
        assert sex_of_preset(cast[name], presets[cast[name]]) == "f", (name, cast[name])
    for name in ("MAN", "BOY"):
        assert sex_of_preset(cast[name], presets[cast[name]]) == "m", (name, cast[name])
    assert default_voices(["NARRATOR"], presets, set()) == {"NARRATOR": "dicka"}
    # Plain characters take the narrator's preset last.
    assert "dicka" not in default_voices(["A", "B", "C"], presets, set()).values()


def test_sex_of_name() -> None:
    assert sex_of_name("OLD WOMAN") == "f"
    assert sex_of_name("WOMAN") == "f"
    assert sex_of_name("THE MAN") == "m"
    assert sex_of_name("MRS. DALLOWAY") == "f"
    assert sex_of_name("ZELDA") is None
