"""End-to-end: a small film builds to a real MP4 that measures right.

These build real films (voices, pictures, music, encoding) at tiny sizes.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from screenplay.build import build
from screenplay.cache import Cache

pytestmark = pytest.mark.slow


def _frames(path: Path) -> list[np.ndarray]:
    import av

    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def test_small_film_builds(small_film: Path, cache_dir: Path) -> None:
    import av

    out = small_film.with_suffix(".mp4")
    res = build(small_film, out, quality="preview", cache=Cache(cache_dir))
    assert res.ok, [d.one_line() for d in res.diagnostics]
    tl = res.timeline
    assert tl is not None and tl.fps == Fraction(12) and (tl.width, tl.height) == (128, 72)

    with av.open(str(out)) as c:
        kinds = {s.type: s.codec_context.name for s in c.streams}
        assert kinds["video"] == "h264" and kinds["audio"] == "aac"
        v = c.streams.video[0]
        assert v.codec_context.pix_fmt == "yuv420p"
        duration = float(c.duration / 1_000_000)
    frames = _frames(out)
    assert len(frames) == tl.frames
    assert abs(duration - float(tl.duration)) < 0.15

    # SRT: one cue per spoken line, in order, inside the film.
    srt = out.with_suffix(".srt").read_text(encoding="utf-8")
    cues = re.findall(
        r"(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})\n(.+?)\n\n",
        srt + "\n",
        re.S,
    )
    texts = [c[8] for c in cues]
    assert texts == [
        "Is it morning already?",
        "It is always morning somewhere.",
        "Then let us <i>go</i> there.",
    ]
    times = [
        (
            int(a) * 3600 + int(b) * 60 + int(c) + int(d) / 1000,
            int(e) * 3600 + int(f) * 60 + int(g) + int(h) / 1000,
        )
        for a, b, c, d, e, f, g, h, _ in cues
    ]
    assert all(s < e <= float(tl.duration) for s, e in times)
    assert all(times[i][1] <= times[i + 1][0] for i in range(len(times) - 1))
    assert out.with_suffix(".vtt").read_text(encoding="utf-8").startswith("WEBVTT")

    # The first frame of each scene shows its set.
    from screenplay.backends import registry
    from screenplay.timeline import SetPicture, StagePicture

    scene_shots = [s for s in tl.shots if s.id.split("-")[1] == "scene"]
    assert len(scene_shots) == 2
    looks = []
    for shot in scene_shots:
        pic = shot.picture
        assert isinstance(pic, SetPicture | StagePicture)
        ctor = registry.lookup("set", pic.set.constructor)
        expected = (
            registry.backend_for(ctor).set(pic.set, pic.scene, Cache(cache_dir)).frame(128, 72)
        )
        got = frames[shot.start + shot.transition.frames].astype(np.int16)
        # The characters stand below the top quarter of an establishing wide.
        top = 72 // 4
        diff = np.abs(got[:top] - expected[:top, :, :3].astype(np.int16)).mean()
        assert diff < 14, (shot.id, diff)
        looks.append(got)
    # …and the two scenes (a kitchen by day, a street by night) look different.
    assert np.abs(looks[0] - looks[1]).mean() > 20

    # The soundtrack is not silent and does not clip.
    with av.open(str(out)) as c:
        audio = np.concatenate([f.to_ndarray().reshape(-1) for f in c.decode(audio=0)])
    assert np.abs(audio).max() < 1.0 and np.sqrt(np.mean(audio**2)) > 0.01


def test_failed_build_writes_nothing(tmp_path: Path, cache_dir: Path) -> None:
    film = tmp_path / "bad.film"
    film.write_text("use voicez\n\nINT. ROOM - DAY\n\nBOB\nHi.\n", encoding="utf-8")
    out = tmp_path / "bad.mp4"
    res = build(film, out, quality="preview", cache=Cache(cache_dir))
    assert not res.ok
    assert any(d.code == "SP0201" for d in res.diagnostics)
    assert not out.exists() and not list(tmp_path.glob("*.part"))
