"""Subtitles: ``.srt``/``.vtt`` sidecars, the MP4 ``mov_text`` track, burned-in cues.

One cue per :class:`~screenplay.timeline.Subtitle` of the timeline, in time
order, clipped to the film.  Frame positions convert to milliseconds exactly
(``Fraction`` arithmetic, rounded once).  Styled runs keep their style
everywhere: ``<i>``/``<b>``/``<u>`` tags in SRT and WebVTT (WebVTT also names
the speaker with a ``<v>`` voice span), ``styl`` records in the 3GPP timed
text samples muxed into the MP4, and the matching fonts when burned in.

Sidecars are written atomically (:func:`screenplay.cache.atomic_path`), so an
interrupted build never leaves a truncated subtitle file.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from screenplay.cache import atomic_path
from screenplay.syntax.emphasis import StyledRun
from screenplay.timeline import Subtitle, Timeline

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Cue:
    start: int  # frame
    end: int  # frame, exclusive
    runs: tuple[StyledRun, ...]
    speaker: str = ""


def cues(timeline: Timeline) -> list[Cue]:
    """The timeline's subtitles as cues: ordered, clipped to the film, empty ones dropped."""
    out = []
    for sub in timeline.subtitles:
        start, end = max(0, sub.start), min(timeline.frames, sub.end)
        if end <= start or not sub.text.strip():
            continue
        out.append(Cue(start, end, _clean_runs(sub.runs), sub.speaker))
    out.sort(key=lambda c: (c.start, c.end))
    return out


def _clean_runs(runs: tuple[StyledRun, ...]) -> tuple[StyledRun, ...]:
    # A blank line ends a cue in SRT and WebVTT: keep at most single line breaks.
    cleaned = []
    for r in runs:
        text = r.text.replace("\r", "")
        while "\n\n" in text:
            text = text.replace("\n\n", "\n")
        cleaned.append(StyledRun(text, r.italic, r.bold, r.underline))
    return tuple(cleaned)


def frame_ms(frame: int, fps: Fraction) -> int:
    """Milliseconds at the start of ``frame`` (exact, rounded half up)."""
    exact = Fraction(frame) * 1000 / fps
    return int(exact + Fraction(1, 2))


def _clock(ms: int, sep: str) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _tagged(runs: tuple[StyledRun, ...], escape: bool) -> str:
    parts = []
    for r in runs:
        text = r.text
        if escape:
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if not text:
            continue
        # Keep whitespace outside the tags so players do not render styled spaces.
        core = text.strip(" ")
        lead = text[: len(text) - len(text.lstrip(" "))]
        trail = text[len(text.rstrip(" ")) :] if core else ""
        if core:
            if r.underline:
                core = f"<u>{core}</u>"
            if r.italic:
                core = f"<i>{core}</i>"
            if r.bold:
                core = f"<b>{core}</b>"
        parts.append(lead + core + trail)
    return "".join(parts).strip()


def srt_text(timeline: Timeline) -> str:
    blocks = []
    for n, c in enumerate(cues(timeline), 1):
        start = _clock(frame_ms(c.start, timeline.fps), ",")
        end = _clock(frame_ms(c.end, timeline.fps), ",")
        blocks.append(f"{n}\n{start} --> {end}\n{_tagged(c.runs, escape=False)}\n")
    return "\n".join(blocks)


def vtt_text(timeline: Timeline) -> str:
    blocks = ["WEBVTT\n"]
    for n, c in enumerate(cues(timeline), 1):
        start = _clock(frame_ms(c.start, timeline.fps), ".")
        end = _clock(frame_ms(c.end, timeline.fps), ".")
        body = _tagged(c.runs, escape=True)
        if c.speaker:
            speaker = c.speaker.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            body = f"<v {speaker}>{body}"
        blocks.append(f"{n}\n{start} --> {end}\n{body}\n")
    return "\n".join(blocks)


def public_mode() -> int:
    """Permissions for a file the user asked for: ``0o666`` minus the umask.

    Temporary files are created private (``0o600``); a film or sidecar renamed
    from one must get the permissions any other new file of the user would.
    """
    import os

    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)  # no /proc: read the umask by setting it (and restore it)
    os.umask(mask)
    return 0o666 & ~mask


def _write_public(path: Path, text: str) -> None:
    import os

    with atomic_path(Path(path)) as tmp:
        tmp.write_text(text, encoding="utf-8")
        os.chmod(tmp, public_mode())


def write_srt(timeline: Timeline, path: Path) -> None:
    """Write the SubRip sidecar (UTF-8) atomically."""
    _write_public(path, srt_text(timeline))


def write_vtt(timeline: Timeline, path: Path) -> None:
    """Write the WebVTT sidecar (UTF-8) atomically."""
    _write_public(path, vtt_text(timeline))


# --------------------------------------------------------------------------
# MP4 timed text (mov_text / tx3g)
# --------------------------------------------------------------------------

#: The ASS header FFmpeg's mov_text encoder turns into the track's
#: TextSampleEntry (default style, font table).  Only the encoder's
#: initialisation uses it; the samples themselves are built here.
MOVTEXT_HEADER = (
    b"[Script Info]\nScriptType: v4.00+\nPlayResX: 384\nPlayResY: 288\n\n"
    b"[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, "
    b"OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, "
    b"Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
    b"Style: Default,Sans,18,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,0\n\n"
    b"[Events]\nFormat: Layer, Start, End, Style, Name, Text, Effect, MarginL, MarginR, MarginV\n"
)

_FONT_SIZE = 18


def _movtext_payload(runs: tuple[StyledRun, ...]) -> bytes:
    """One 3GPP timed-text sample: UTF-8 text plus a ``styl`` box for styled runs."""
    text = ""
    styles = []
    for r in runs:
        start = len(text)
        text += r.text
        flags = (1 if r.bold else 0) | (2 if r.italic else 0) | (4 if r.underline else 0)
        if flags and len(text) > start:
            # Offsets are in characters (what FFmpeg's reader and QuickTime expect).
            styles.append(
                struct.pack(">HHHBBI", start, len(text), 1, flags, _FONT_SIZE, 0xFFFFFFFF)
            )
    data = text.encode("utf-8")[:65535]
    payload = struct.pack(">H", len(data)) + data
    if styles:
        payload += struct.pack(">I4sH", 10 + 12 * len(styles), b"styl", len(styles))
        payload += b"".join(styles)
    return payload


def movtext_samples(timeline: Timeline) -> list[tuple[int, int, bytes]]:
    """Non-overlapping ``(start_frame, end_frame, payload)`` samples for the MP4 text track.

    A timed-text track shows one sample at a time, so overlapping cues (dual
    dialogue) are merged: each interval between cue boundaries shows every
    cue active in it, one per line.
    """
    cs = cues(timeline)
    bounds = sorted({c.start for c in cs} | {c.end for c in cs})
    out: list[tuple[int, int, bytes]] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        active = [c for c in cs if c.start <= a and c.end >= b]
        if not active:
            continue
        runs: list[StyledRun] = []
        for i, c in enumerate(active):
            if i:
                runs.append(StyledRun("\n"))
            runs.extend(c.runs)
        out.append((a, b, _movtext_payload(tuple(runs))))
    return out


# --------------------------------------------------------------------------
# Burned-in subtitles
# --------------------------------------------------------------------------


class SubtitleBurner:
    """Draws subtitles onto frames: white text with a dark outline, inside safe margins.

    Sizes follow the frame height (about 5.5 % of it, never below 9 px so
    that a 128×72 preview stays readable); lines wrap within the central 84 %
    of the width; the block sits above a bottom margin of 7 % of the height.
    Rendered cues are cached, so burning costs one small alpha blend per frame.
    """

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.size = max(9, round(height * 0.055))
        self.margin_x = round(width * 0.08)
        self.margin_bottom = max(3, round(height * 0.07))
        self._cache: dict[tuple[StyledRun, ...], np.ndarray] = {}

    def overlay(self, runs: tuple[StyledRun, ...]) -> np.ndarray:
        """The RGBA image of one cue (cached)."""
        found = self._cache.get(runs)
        if found is not None:
            return found
        key = runs
        from screenplay.render.text import render_lines, wrap_runs

        max_w = self.width - 2 * self.margin_x
        size = self.size
        if size <= 12:
            # Hairline strokes vanish into the outline at preview sizes: use the bold face.
            runs = tuple(StyledRun(r.text, r.italic, True, r.underline) for r in runs)
        lines = wrap_runs(runs, "sans", size, max_w)
        # Prefer two lines: shrink a long cue a little before giving it a third.
        while len(lines) > 2 and size > max(7, round(self.size * 0.75)):
            size -= 1
            lines = wrap_runs(runs, "sans", size, max_w)
        img = render_lines(
            lines,
            "sans",
            size,
            color=(255, 255, 255),
            line_height=1.2,
            outline=max(1, round(size / 11)),
            outline_color=(0, 0, 0),
        )
        self._cache[key] = img
        return img

    def burn(self, frame: np.ndarray, subs: Sequence[Subtitle | Cue]) -> np.ndarray:
        """A copy of ``frame`` with ``subs`` drawn at the bottom (later cues stacked above)."""
        from screenplay.render.layers import over

        if not subs:
            return frame
        out = frame.copy()
        bottom = self.height - self.margin_bottom
        for sub in subs:
            img = self.overlay(sub.runs)
            h, w = img.shape[:2]
            over(out, img, (self.width - w) // 2, bottom - h)
            bottom -= h
        return out
