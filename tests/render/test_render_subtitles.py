"""Subtitle sidecars, the MP4 timed-text samples and burned-in cues."""

from __future__ import annotations

import re
import struct
from fractions import Fraction
from pathlib import Path

import numpy as np
from render_films import small_film, span

from screenplay.render.subtitles import (
    SubtitleBurner,
    cues,
    frame_ms,
    movtext_samples,
    srt_text,
    write_srt,
    write_vtt,
)
from screenplay.syntax.emphasis import StyledRun
from screenplay.timeline import Subtitle, Timeline


def _timeline(*subs: Subtitle, frames: int = 240, fps: Fraction = Fraction(24)) -> Timeline:
    from screenplay.timeline import CardPicture, Shot

    shot = Shot("s", 0, frames, CardPicture("black"), span(1))
    return Timeline(fps=fps, width=128, height=72, frames=frames, shots=(shot,), subtitles=subs)


def test_srt_order_times_and_styles(tmp_path: Path) -> None:
    tl = _timeline(
        Subtitle(48, 96, (StyledRun("Second "), StyledRun("line", italic=True)), span(3)),
        Subtitle(
            0,
            24,
            (StyledRun("First", bold=True), StyledRun(" & "), StyledRun("u", underline=True)),
            span(2),
        ),
        Subtitle(230, 300, (StyledRun("Runs past the end"),), span(4)),
        Subtitle(250, 260, (StyledRun("After the end"),), span(5)),
        Subtitle(10, 20, (StyledRun("   "),), span(6)),
    )
    path = tmp_path / "film.srt"
    write_srt(tl, path)
    text = path.read_text("utf-8")
    blocks = text.strip().split("\n\n")
    assert len(blocks) == 3
    assert blocks[0] == "1\n00:00:00,000 --> 00:00:01,000\n<b>First</b> & <u>u</u>"
    assert blocks[1] == "2\n00:00:02,000 --> 00:00:04,000\nSecond <i>line</i>"
    # Clipped to the film (240 frames = 10 s).
    assert blocks[2].splitlines()[1] == "00:00:09,583 --> 00:00:10,000"
    assert not list(tmp_path.glob("*.part"))


def test_vtt_escapes_and_names_the_speaker(tmp_path: Path) -> None:
    tl = _timeline(
        Subtitle(24, 48, (StyledRun("a < b"), StyledRun(" --> ", italic=True)), span(2), "ANNA"),
    )
    path = tmp_path / "film.vtt"
    write_vtt(tl, path)
    text = path.read_text("utf-8")
    assert text.startswith("WEBVTT\n\n")
    cue = text.split("\n\n")[1]
    assert cue.splitlines()[1] == "00:00:01.000 --> 00:00:02.000"
    assert cue.splitlines()[2] == "<v ANNA>a &lt; b <i>--&gt;</i>"


def test_ntsc_rate_milliseconds_are_exact() -> None:
    fps = Fraction(24000, 1001)
    assert frame_ms(24, fps) == 1001
    assert frame_ms(1, fps) == 42  # 41.708… rounds to 42


def test_blank_lines_cannot_end_a_cue_early() -> None:
    tl = _timeline(Subtitle(0, 24, (StyledRun("one\n\n\ntwo"),), span(2)))
    assert "one\ntwo" in srt_text(tl)


def test_movtext_merges_overlapping_cues_and_styles_runs() -> None:
    tl = _timeline(
        Subtitle(0, 48, (StyledRun("No."),), span(2)),
        Subtitle(24, 72, (StyledRun("Yes", italic=True),), span(3)),
    )
    samples = movtext_samples(tl)
    assert [(a, b) for a, b, _ in samples] == [(0, 24), (24, 48), (48, 72)]
    _, _, both = samples[1]
    (n,) = struct.unpack(">H", both[:2])
    assert both[2 : 2 + n].decode() == "No.\nYes"
    styl = both[2 + n :]
    size, tag, count = struct.unpack(">I4sH", styl[:10])
    assert (tag, count, size) == (b"styl", 1, len(styl))
    start, end, font_id, flags = struct.unpack(">HHHB", styl[10:17])
    assert (start, end, flags) == (4, 7, 2)  # "Yes" is italic


def test_cues_are_sorted() -> None:
    tl = small_film()
    starts = [c.start for c in cues(tl)]
    assert starts == sorted(starts) and len(starts) == len(tl.subtitles)


def test_burned_text_is_readable_at_preview_size() -> None:
    burner = SubtitleBurner(128, 72)
    frame = np.full((72, 128, 3), 128, np.uint8)
    out = burner.burn(frame, [Subtitle(0, 1, (StyledRun("I never said that"),), span(1))])
    assert out is not frame and (frame == 128).all()
    changed = np.abs(out.astype(int) - frame).sum(axis=2) > 0
    ys, xs = np.nonzero(changed)
    # Inside the safe area: above the bottom margin, inside the side margins.
    assert ys.max() < 72 - 3 and ys.min() > 72 // 2
    assert xs.min() >= 128 * 0.05 and xs.max() <= 128 * 0.95
    # Glyphs are at least 9 px tall and white text with a dark outline is present.
    assert burner.size >= 9
    assert (out > 220).all(axis=2).sum() > 30 and (out < 40).all(axis=2).sum() > 30


def test_burned_long_cue_wraps_within_margins() -> None:
    burner = SubtitleBurner(128, 72)
    long = (StyledRun("This is a rather long line that must wrap to fit"),)
    img = burner.overlay(long)
    assert img.shape[1] <= 128 and img.shape[0] < 72 * 0.6


def test_srt_timestamps_format() -> None:
    text = srt_text(small_film())
    for line in text.splitlines():
        if "-->" in line:
            assert re.fullmatch(r"\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}", line)
