"""Procedural sets: goldens, determinism, the scene heading's influence, overrides."""

from __future__ import annotations

import numpy as np
import pytest

from screenplay.backends.protocols import AssetSpec, BackendError, SceneInfo
from screenplay.passes.resolve import auto_set
from screenplay.pictures.engine import ProceduralSet, backend
from screenplay.pictures.sets import light_for, place_for, resolve_set

EMPTY_DAY = SceneInfo(True, "EMPTY ROOM", "DAY")


def make(ctor: str, params: dict, scene: SceneInfo, cache) -> ProceduralSet:  # type: ignore[no-untyped-def]
    s = backend().set(AssetSpec("set", ctor, params), scene, cache)
    assert isinstance(s, ProceduralSet)
    return s


@pytest.mark.parametrize(
    "name,ctor,params,scene",
    [
        (
            "empty-room-day",
            "room",
            {"seed": 3, "window": "left", "palette": "bare", "door": False},
            EMPTY_DAY,
        ),
        ("kitchen-night", "room", {"seed": 5}, SceneInfo(True, "KITCHEN", "NIGHT")),
        ("street-dusk", "exterior", {"seed": 11}, SceneInfo(False, "MAIN STREET", "DUSK")),
        ("forest-day", "exterior", {"seed": 12}, SceneInfo(False, "FOREST", "DAY")),
    ],
)
def test_set_golden(name, ctor, params, scene, cache, golden) -> None:  # type: ignore[no-untyped-def]
    img = make(ctor, params, scene, cache).frame(128, 72)
    assert img.shape == (72, 128, 3) and img.dtype == np.uint8
    golden(f"set-{name}-128x72", img)


def test_same_seed_same_pixels_different_seed_differs(cache) -> None:  # type: ignore[no-untyped-def]
    scene = SceneInfo(True, "ROOM", "DAY")
    a = make("room", {"seed": 1}, scene, cache).frame(160, 90)
    b = make("room", {"seed": 1}, scene, cache).frame(160, 90)
    c = make("room", {"seed": 2, "palette": "dark"}, scene, cache).frame(160, 90)
    assert np.array_equal(a, b)
    assert np.abs(a.astype(np.int16) - c.astype(np.int16)).mean() > 10


@pytest.mark.parametrize("ctor,location", [("room", "EMPTY ROOM"), ("exterior", "STREET")])
def test_time_of_day_grades_the_light(ctor, location, cache) -> None:  # type: ignore[no-untyped-def]
    means = {}
    for time in ("DAY", "DUSK", "NIGHT"):
        img = make(ctor, {"seed": 4}, SceneInfo(ctor == "room", location, time), cache).frame(
            128, 72
        )
        means[time] = img.astype(np.float32).mean(axis=(0, 1))
    assert means["NIGHT"].sum() < means["DUSK"].sum() < means["DAY"].sum()
    assert means["NIGHT"][2] > means["NIGHT"][0]  # night is blue
    assert means["DUSK"][0] > means["DUSK"][2]  # dusk is warm


def test_place_words_pick_furniture_and_landscape() -> None:
    assert resolve_set("room", {"seed": 1}, SceneInfo(True, "KITCHEN", "DAY")).furniture == "table"
    assert (
        resolve_set("room", {"seed": 1}, SceneInfo(True, "JOHN'S BEDROOM", "DAY")).furniture
        == "bed"
    )
    assert resolve_set("exterior", {}, SceneInfo(False, "DARK FOREST", "NIGHT")).kind == "forest"
    assert place_for("THE BEACH HOUSE") == "beach" and place_for("ROOM") is None
    assert light_for("LATER THAT NIGHT") == "night" and light_for("") == "day"
    assert light_for("SUNSET") == "dusk" and light_for("EARLY MORNING") == "dawn"


def test_spec_parameters_override_the_heading(cache) -> None:  # type: ignore[no-untyped-def]
    night = SceneInfo(True, "KITCHEN", "NIGHT")
    look = resolve_set(
        "room", {"seed": 1, "light": "day", "furniture": "sofa", "window": "none"}, night
    )
    assert (look.light, look.furniture, look.window) == ("day", "sofa", "none")
    a = make("room", {"seed": 1, "window": "left"}, EMPTY_DAY, cache).frame(128, 72)
    b = make("room", {"seed": 1, "window": "right"}, EMPTY_DAY, cache).frame(128, 72)
    # the window (bright sky) moves from the left half to the right half
    assert a[:, :64].mean() - a[:, 64:].mean() > b[:, :64].mean() - b[:, 64:].mean()


def test_set_cached_on_disk(cache) -> None:  # type: ignore[no-untyped-def]
    first = make("room", {"seed": 8}, EMPTY_DAY, cache).frame(96, 54)
    again = make("room", {"seed": 8}, EMPTY_DAY, cache).frame(96, 54)
    assert cache.hits["sets"] == 1 and np.array_equal(first, again)


def test_every_place_renders(cache) -> None:  # type: ignore[no-untyped-def]
    from screenplay.pictures.schema import PLACES

    for place in PLACES:
        img = make(
            "exterior", {"seed": 1, "place": place}, SceneInfo(False, "", "DAY"), cache
        ).frame(64, 36)
        assert img.std() > 10, place


def test_auto_set_spec_follows_int_ext() -> None:
    assert auto_set(SceneInfo(True, "FOREST CABIN", "DAY")).constructor == "room"
    assert auto_set(SceneInfo(False, "HOUSE", "DAY")).constructor == "exterior"
    assert auto_set(SceneInfo(None, "BEACH", "DAY")).constructor == "exterior"


def test_bad_set_parameters(cache) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BackendError) as err:
        make("room", {"window": "ceiling"}, EMPTY_DAY, cache)
    assert err.value.code == "SP0505"
    with pytest.raises(BackendError) as err:
        make("room", {"wall_color": "plaid"}, EMPTY_DAY, cache)
    assert err.value.code == "SP0503"
    with pytest.raises(BackendError):
        backend().set(AssetSpec("set", "spaceship", {}), EMPTY_DAY, cache)


def test_light_tint_for_grading_faces() -> None:
    from screenplay.pictures.engine import light_tint

    day = light_tint(SceneInfo(True, "ROOM", "DAY"))
    night = light_tint(SceneInfo(True, "ROOM", "NIGHT"))
    dusk = light_tint(SceneInfo(True, "ROOM", "DUSK"))
    assert all(0.95 <= c <= 1.0 for c in day)
    assert sum(night) < sum(dusk) < sum(day) and night[2] > night[0] and dusk[0] > dusk[2]
    forced = light_tint(
        SceneInfo(True, "ROOM", "DAY"), AssetSpec("set", "room", {"light": "night"})
    )
    assert forced == night
    assert light_tint(SceneInfo(True, "ROOM", "NIGHT"), AssetSpec("set", "file", {})) == (
        1.0,
        1.0,
        1.0,
    )
