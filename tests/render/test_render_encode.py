"""End to end: timelines become MP4s (H.264 + AAC + subtitles + chapters), incrementally."""

from __future__ import annotations

import os
import re
import shutil
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from render_doubles import FlatAssets
from render_films import small_film, soundtrack

from screenplay.backends.protocols import BackendError
from screenplay.cache import Cache
from screenplay.render import errors
from screenplay.render.encode import probe, render_film

needs_ffprobe = pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe not installed")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cache:
    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(tmp_path / "cache"))
    return Cache(tmp_path / "cache")


def video_packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as c:
        return [bytes(p) for p in c.demux(c.streams.video[0]) if p.size]


def srt_cues(path: Path) -> list[tuple[float, float, str]]:
    out = []
    for block in path.read_text("utf-8").strip().split("\n\n"):
        lines = block.splitlines()
        a, b = re.findall(r"(\d\d):(\d\d):(\d\d),(\d{3})", lines[1])
        secs = [int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000 for h, m, s, ms in (a, b)]
        out.append((secs[0], secs[1], "\n".join(lines[2:])))
    return out


@needs_ffprobe
def test_small_film_end_to_end(tmp_path: Path, cache: Cache) -> None:
    tl = small_film()
    out = tmp_path / "out" / "film.mp4"
    stages: list[str] = []
    report = render_film(
        tl, FlatAssets(), soundtrack(tl), out, cache, progress=lambda s, d, n: stages.append(s)
    )
    assert {"render", "audio", "mux"} <= set(stages)
    assert report.frames == tl.frames and report.segments == len(tl.shots)
    assert report.segments_rendered == len(tl.shots) and report.segments_reused == 0
    info = probe(out)
    streams = {s["codec_type"]: s for s in info["streams"]}
    v, a = streams["video"], streams["audio"]
    assert (v["codec_name"], v["pix_fmt"], v["width"], v["height"]) == ("h264", "yuv420p", 128, 72)
    assert int(v["nb_read_frames"]) == tl.frames
    assert Fraction(v["avg_frame_rate"]) == 24
    assert abs(float(v["duration"]) - float(tl.duration)) < 1 / 24
    assert (a["codec_name"], a["sample_rate"], a["channels"]) == ("aac", "48000", 2)
    assert abs(float(a["duration"]) - float(tl.duration)) < 0.03
    assert abs(float(info["format"]["duration"]) - float(tl.duration)) < 0.03
    assert streams["subtitle"]["codec_name"] == "mov_text" and report.subtitle_track
    assert [c["tags"]["title"] for c in info["chapters"]] == ["Opening", "Street"]
    assert float(info["chapters"][1]["start_time"]) == pytest.approx(
        tl.chapters[1].start / 24, abs=1e-3
    )
    assert info["format"]["tags"]["title"] == "The Empty Room"
    # faststart: the index (moov) comes before the media data (mdat).
    head = out.read_bytes()
    assert head.find(b"moov") < head.find(b"mdat")
    # Sidecars: one cue per spoken line, in order, inside the film.
    cues = srt_cues(report.srt)
    assert len(cues) == len(tl.subtitles)
    assert [c[0] for c in cues] == sorted(c[0] for c in cues)
    assert all(0 <= s < e <= float(tl.duration) + 1e-3 for s, e, _ in cues)
    assert "<i>said</i>" in cues[0][2] and "<b>did</b>" in cues[1][2]
    assert report.vtt.read_text("utf-8").startswith("WEBVTT")
    assert not list(out.parent.glob(".*part"))
    # The first frame is the title card fading in from black; the picture moves on.
    with av.open(str(out)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert frames[0].mean() < 20 and frames[12].max() > 150
    assert len(frames) == tl.frames


def test_rebuild_reuses_everything_and_is_identical(tmp_path: Path, cache: Cache) -> None:
    tl = small_film()
    out = tmp_path / "film.mp4"
    render_film(tl, FlatAssets(), soundtrack(tl), out, cache)
    first = out.read_bytes()
    again = render_film(tl, FlatAssets(), soundtrack(tl), out, cache)
    assert again.segments_rendered == 0 and again.segments_reused == again.segments
    assert again.audio_reused
    assert out.read_bytes() == first


def test_one_word_edit_rerenders_one_segment_and_equals_a_clean_build(
    tmp_path: Path, cache: Cache
) -> None:
    before = small_film("I never said that")
    after = small_film("I never said anything")
    assert after.frames != before.frames  # later shots moved
    render_film(before, FlatAssets(), soundtrack(before), tmp_path / "a.mp4", cache)
    inc = render_film(
        after, FlatAssets(), soundtrack(after, seed=1), tmp_path / "b.mp4", cache, jobs=2
    )
    assert inc.segments_rendered == 1, inc  # (rendered in-process: little to do)
    assert inc.segments_reused == inc.segments - 1
    assert not inc.audio_reused  # audio is part of the build: new speech, new AAC
    clean_cache = Cache(tmp_path / "clean-cache")
    clean = render_film(
        after, FlatAssets(), soundtrack(after, seed=1), tmp_path / "c.mp4", clean_cache
    )
    assert clean.segments_rendered == clean.segments
    assert video_packets(tmp_path / "b.mp4") == video_packets(tmp_path / "c.mp4")
    assert (tmp_path / "b.mp4").read_bytes() == (tmp_path / "c.mp4").read_bytes()


def test_burned_subtitles_are_part_of_the_segment_key(tmp_path: Path, cache: Cache) -> None:
    tl = small_film()
    plain = render_film(tl, FlatAssets(), soundtrack(tl), tmp_path / "a.mp4", cache)
    burned = render_film(
        tl, FlatAssets(), soundtrack(tl), tmp_path / "b.mp4", cache, burn_subtitles=True
    )
    # Only shots showing a subtitle change.
    with_subs = {
        s.id for s in tl.shots for sub in tl.subtitles if sub.start < s.end and sub.end > s.start
    }
    assert burned.segments_rendered == len(with_subs)
    assert plain.segments_rendered == plain.segments


def test_quality_presets_and_long_shots_split_into_segments(tmp_path: Path, cache: Cache) -> None:
    from render_films import ROOM, SCENE

    from screenplay.syntax.source import Span
    from screenplay.timeline import SetPicture, Shot, Timeline

    long = Shot("s", 0, 24 * 23, SetPicture(ROOM, SCENE), Span("f", 1, 1, 1, 2))
    tl = Timeline(fps=Fraction(24), width=64, height=36, frames=long.frames, shots=(long,))
    report = render_film(
        tl,
        FlatAssets(),
        np.zeros((tl.samples, 2), np.float32),
        tmp_path / "p.mp4",
        cache,
        quality="preview",
    )
    assert report.segments == 3  # 10 s + 10 s + 3 s
    with av.open(str(tmp_path / "p.mp4")) as c:
        assert c.streams.video[0].frames == tl.frames
        assert len(c.chapters()) == 0 and len(c.streams.subtitles) == 0


def test_user_errors_have_codes(tmp_path: Path, cache: Cache) -> None:
    tl = small_film()
    (tmp_path / "dir.mp4").mkdir()
    with pytest.raises(BackendError) as e:
        render_film(tl, FlatAssets(), soundtrack(tl), tmp_path / "dir.mp4", cache)
    assert e.value.code == errors.OUTPUT_IS_DIRECTORY
    bad = soundtrack(tl)
    bad[100] = np.nan
    with pytest.raises(BackendError) as e:
        render_film(tl, FlatAssets(), bad, tmp_path / "x.mp4", cache)
    assert e.value.code == errors.BAD_SOUNDTRACK
    (tmp_path / "file").write_text("")
    with pytest.raises(BackendError) as e:
        render_film(tl, FlatAssets(), soundtrack(tl), tmp_path / "file" / "x.mp4", cache)
    assert e.value.code == errors.OUTPUT_NOT_WRITABLE
    assert not (tmp_path / "x.mp4").exists()


def test_codes_are_in_range() -> None:
    assert errors.CODES and all(re.fullmatch(r"SP08\d\d", c) for c in errors.CODES)
    assert all(title and len(text) > 40 for title, text in errors.CODES.values())


def test_sweep_removes_only_dead_writers_temp_files(tmp_path: Path) -> None:
    import subprocess
    import sys

    from screenplay.render.segments import sweep_stale

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = tmp_path / f".film.mp4.abc123.{dead.pid}.mp4.part"
    live = tmp_path / f".film.mp4.def456.{os.getpid()}.mp4.part"
    other = tmp_path / f".other.mp4.ghi789.{dead.pid}.mp4.part"
    film = tmp_path / "film.mp4"
    for p in (orphan, live, other, film):
        p.write_bytes(b"x")
    assert sweep_stale(tmp_path, ("film.mp4",)) == 1
    assert not orphan.exists() and live.exists() and other.exists() and film.exists()
    assert sweep_stale(tmp_path) == 1 and not other.exists()


@needs_ffprobe
@pytest.mark.parametrize("fps", [Fraction(24000, 1001), Fraction(25)])
def test_other_frame_rates_keep_exact_frame_counts(
    tmp_path: Path, cache: Cache, fps: Fraction
) -> None:
    tl = small_film(width=64, height=36, fps=fps, subtitles=False)
    report = render_film(tl, FlatAssets(), soundtrack(tl), tmp_path / "f.mp4", cache, jobs=1)
    v = next(s for s in probe(report.output)["streams"] if s["codec_type"] == "video")
    assert int(v["nb_read_frames"]) == tl.frames
    assert Fraction(v["avg_frame_rate"]) == fps
    assert abs(float(v["duration"]) - float(tl.duration)) < 1 / float(fps)


@pytest.mark.parametrize("jobs", [1, 2])
def test_picture_errors_from_workers_keep_their_code(
    tmp_path: Path, cache: Cache, jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from screenplay.render import encode

    monkeypatch.setattr(encode, "POOL_MIN_PIXELS", 0)  # really use workers with jobs=2

    from render_doubles import BrokenFaceAssets, spec

    tl = small_film(subtitles=False)
    broken = spec("face", (1, 2, 3), "broken")
    shots = tuple(
        dataclasses.replace(s, picture=dataclasses.replace(s.picture, face=broken))
        if s.picture.kind == "speaker" and s.transition.kind == "cut"
        else s
        for s in tl.shots
    )
    tl = dataclasses.replace(tl, shots=shots)
    with pytest.raises(BackendError) as e:
        render_film(tl, BrokenFaceAssets(), soundtrack(tl), tmp_path / "f.mp4", cache, jobs=jobs)
    assert (e.value.code, e.value.help) == ("SP0500", "check the path")
    assert not (tmp_path / "f.mp4").exists() and not list(tmp_path.glob(".*part"))


def test_identical_shots_share_one_segment(tmp_path: Path, cache: Cache) -> None:
    from screenplay.syntax.source import Span
    from screenplay.timeline import CardPicture, Shot, Timeline

    card = CardPicture("centered", ("LATER",))
    shots = (
        Shot("a", 0, 12, card, Span("f", 1, 1, 1, 2)),
        Shot("b", 12, 6, CardPicture("black"), Span("f", 2, 1, 2, 2)),
        Shot("c", 18, 12, card, Span("f", 3, 1, 3, 2)),
    )
    tl = Timeline(fps=Fraction(24), width=64, height=36, frames=30, shots=shots)
    report = render_film(
        tl, FlatAssets(), np.zeros((tl.samples, 2), np.float32), tmp_path / "f.mp4", cache
    )
    assert (report.segments, report.segments_rendered, report.segments_reused) == (3, 2, 1)
    with av.open(str(tmp_path / "f.mp4")) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert len(frames) == 30 and frames[15].max() < 10 and frames[25].max() > 100


@pytest.mark.parametrize("quality", ["preview", "default", "final"])
def test_join_of_very_short_segments_decodes_every_frame(
    tmp_path: Path, cache: Cache, quality: str
) -> None:
    """Short shots have no B-frames while longer ones do: the join must still be exact."""
    from render_films import ANNA, ROOM, SCENE

    from screenplay.render.compositor import Compositor
    from screenplay.syntax.source import Span
    from screenplay.timeline import Camera, CardPicture, SetPicture, Shot, SpeakerPicture, Timeline

    pics = [
        CardPicture("black"),
        SetPicture(ROOM, SCENE),
        CardPicture("centered", ("A",)),
        SpeakerPicture(ROOM, SCENE, ANNA),
        SetPicture(ROOM, SCENE, Camera(1.0, 1.3)),
    ]
    shots, start = [], 0
    for k, n in enumerate([1, 2, 1, 5, 1, 3, 1, 1, 12, 1]):
        shots.append(Shot(str(k), start, n, pics[k % 5], Span("f", k + 1, 1, k + 1, 2)))
        start += n
    tl = Timeline(fps=Fraction(24), width=64, height=36, frames=start, shots=tuple(shots))
    silence = np.zeros((tl.samples, 2), np.float32)
    render_film(tl, FlatAssets(), silence, tmp_path / "f.mp4", cache, quality=quality)  # type: ignore[arg-type]
    with av.open(str(tmp_path / "f.mp4")) as c:
        decoded = [f.to_ndarray(format="rgb24").astype(int) for f in c.decode(video=0)]
    assert len(decoded) == tl.frames
    comp = Compositor(tl, FlatAssets())
    expected = [comp.frame(s, i).astype(int) for s in tl.shots for i in range(s.frames)]
    errors = [np.abs(d - e).mean() for d, e in zip(decoded, expected, strict=True)]
    assert max(errors) < (12 if quality == "preview" else 6), errors


def test_disk_full_is_a_user_error_and_leaves_nothing(
    tmp_path: Path, cache: Cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from screenplay.render import encode

    tl = small_film()
    out = tmp_path / "film.mp4"
    render_film(tl, FlatAssets(), soundtrack(tl), out, cache)
    before = out.read_bytes()

    def full(*args: object, **kw: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(encode, "_verify", full)  # fails after the muxed file was written
    with pytest.raises(BackendError) as e:
        render_film(small_film("I never said anything"), FlatAssets(), soundtrack(tl), out, cache)
    assert e.value.code == errors.DISK_FULL
    assert out.read_bytes() == before  # the previous film is untouched
    assert not list(tmp_path.glob(".*part"))


def test_outputs_get_the_users_permissions(tmp_path: Path, cache: Cache) -> None:
    tl = small_film(width=64, height=36)
    old = os.umask(0o027)
    try:
        report = render_film(tl, FlatAssets(), soundtrack(tl), tmp_path / "f.mp4", cache)
    finally:
        os.umask(old)
    for p in (report.output, report.srt, report.vtt):
        assert p.stat().st_mode & 0o777 == 0o640, p
