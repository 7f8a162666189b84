"""Procedural portraits: goldens, determinism, talking and blinking regions, bad parameters."""

from __future__ import annotations

import numpy as np
import pytest

from screenplay.backends.protocols import VISEMES, AssetSpec, BackendError
from screenplay.pictures.engine import EYE_LEVELS, PortraitFace, backend
from screenplay.pictures.portrait import regions, render, resolve_look

MAN = {
    "seed": 7,
    "age": 45,
    "presentation": "masculine",
    "hair": "short",
    "hair_color": "grey",
    "clothing": "jacket",
    "beard": "stubble",
}
WOMAN = {
    "seed": 11,
    "age": 30,
    "presentation": "feminine",
    "hair": "long",
    "hair_color": "dark-brown",
    "clothing": "dress",
    "clothing_color": "white",
}


def face(params: dict, cache) -> PortraitFace:  # type: ignore[no-untyped-def]
    f = backend().face(AssetSpec("face", "portrait", params), cache)
    assert isinstance(f, PortraitFace)
    return f


@pytest.mark.parametrize(
    "name,params",
    [
        ("man", MAN),
        ("woman", WOMAN),
        ("seed5", {"seed": 5, "background": "soft"}),
        ("oldglasses", {"seed": 9, "age": 80, "glasses": "round", "hair": "bald", "beard": "full"}),
    ],
)
def test_portrait_golden(name, params, cache, golden) -> None:  # type: ignore[no-untyped-def]
    golden(f"portrait-{name}-128x72", face(params, cache).frame(128, 72))


def test_same_seed_same_pixels(cache) -> None:  # type: ignore[no-untyped-def]
    a = face({"seed": 3}, cache).frame(160, 90, "a", 0.5)
    b = render(resolve_look({"seed": 3}), 160, 90, "a", 0.5).rgba8()
    assert np.array_equal(a, b)


def test_different_seeds_clearly_different(cache) -> None:  # type: ignore[no-untyped-def]
    frames = [
        face({"seed": s, "background": "soft"}, cache).frame(128, 72).astype(np.float32)
        for s in range(8)
    ]
    for i in range(len(frames)):
        for j in range(i + 1, len(frames)):
            dist = np.abs(frames[i] - frames[j]).mean()
            assert dist > 4.0, f"seeds {i} and {j} look alike (mean distance {dist:.1f})"


def test_fixing_one_param_keeps_the_other_auto_choices() -> None:
    a = resolve_look({"seed": 12})
    b = resolve_look({"seed": 12, "clothing_color": "red"})
    assert (a.skin, a.hair, a.eyes, a.hair_style) == (b.skin, b.hair, b.eyes, b.hair_style)


def test_transparent_background_and_opaque_face(cache) -> None:  # type: ignore[no-untyped-def]
    img = face(MAN, cache).frame(320, 180)
    assert img.shape == (180, 320, 4) and img.dtype == np.uint8
    assert img[0, 0, 3] == 0 and img[5, -5, 3] == 0  # no backdrop by default
    assert img[int(180 * 0.44), 160, 3] == 255  # the face itself is opaque
    soft = face({**MAN, "background": "soft"}, cache).frame(320, 180)
    assert soft[0, 0, 3] == 255


def test_visemes_change_only_the_mouth(cache) -> None:  # type: ignore[no-untyped-def]
    f = face(WOMAN, cache)
    rest = f.frame(320, 180).astype(np.int16)
    x0, y0, x1, y1 = regions(f.look, 320, 180)["mouth"]
    seen = set()
    for v in VISEMES:
        img = f.frame(320, 180, viseme=v).astype(np.int16)
        diff = np.abs(img - rest).max(axis=2)
        outside = diff.copy()
        outside[y0:y1, x0:x1] = 0
        assert outside.max() == 0, f"viseme {v} changed pixels outside the mouth"
        seen.add(img[y0:y1, x0:x1].tobytes())
        if v not in ("rest", "mbp"):
            assert diff[y0:y1, x0:x1].mean() > 2.0, f"viseme {v} barely changes the mouth"
    assert len(seen) == len(VISEMES)  # every mouth shape is distinct


def test_blink_changes_only_the_eyes(cache) -> None:  # type: ignore[no-untyped-def]
    f = face(MAN, cache)
    opened = f.frame(320, 180, eyes=1.0).astype(np.int16)
    closed = f.frame(320, 180, eyes=0.0).astype(np.int16)
    half = f.frame(320, 180, eyes=0.5).astype(np.int16)
    x0, y0, x1, y1 = regions(f.look, 320, 180)["eyes"]
    diff = np.abs(closed - opened).max(axis=2)
    assert diff[y0:y1, x0:x1].mean() > 3.0
    diff[y0:y1, x0:x1] = 0
    assert diff.max() == 0
    # half-closed lies between open and closed
    d_half = np.abs(half - opened).mean()
    assert 0 < d_half < np.abs(closed - opened).mean()


def test_layered_frames_equal_full_repaints(cache) -> None:  # type: ignore[no-untyped-def]
    f = face({"seed": 2, "beard": "full", "glasses": "square"}, cache)
    for v, e in (("a", 1.0), ("o", 0.0), ("fv", 0.5)):
        assert np.array_equal(f.frame(256, 144, v, e), f.render_exact(256, 144, v, e))


def test_layers_are_cached_on_disk(cache) -> None:  # type: ignore[no-untyped-def]
    face(MAN, cache).frame(200, 112)
    assert cache.misses["faces"] == 1
    again = face(MAN, cache)
    img = again.frame(200, 112, "e")
    assert cache.hits["faces"] == 1
    assert np.array_equal(img, again.render_exact(200, 112, "e"))


def test_any_resolution_is_the_same_drawing(cache) -> None:  # type: ignore[no-untyped-def]
    import cv2

    f = face(WOMAN | {"background": "soft"}, cache)
    big = f.frame(1280, 720)
    small = f.frame(128, 72)
    down = cv2.resize(big, (128, 72), interpolation=cv2.INTER_AREA)
    assert np.abs(down.astype(np.int16) - small.astype(np.int16)).mean() < 4.0
    tall = f.frame(90, 160)  # portrait orientation still fits the head
    assert tall.shape == (160, 90, 4)


def test_unknown_viseme_reads_as_rest_and_eye_levels_quantise(cache) -> None:  # type: ignore[no-untyped-def]
    f = face(MAN, cache)
    assert np.array_equal(f.frame(128, 72, "zz"), f.frame(128, 72, "rest"))
    step = 1.0 / EYE_LEVELS
    assert np.array_equal(f.frame(128, 72, eyes=0.5 + step * 0.2), f.frame(128, 72, eyes=0.5))


def test_credit_names_the_seed(cache) -> None:  # type: ignore[no-untyped-def]
    assert face(MAN, cache).credit == "procedural portrait (seed 7)"


@pytest.mark.parametrize(
    "params,code",
    [
        ({"seed": 1, "clothing_color": "blurple"}, "SP0503"),
        ({"seed": 1, "hair": "mohawk"}, "SP0505"),
        ({"seed": 1, "age": 200}, "SP0505"),
    ],
)
def test_bad_parameters_are_backend_errors(params, code, cache) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BackendError) as err:
        face(params, cache)
    assert err.value.code == code and err.value.help


def test_unknown_colour_suggests_a_name() -> None:
    from screenplay.pictures.draw import colour

    with pytest.raises(BackendError) as err:
        colour("navvy")
    assert "navy" in err.value.help
    assert colour("#ff0000") == (1.0, 0.0, 0.0)
