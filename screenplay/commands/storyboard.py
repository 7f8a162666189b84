"""``screenplay storyboard FILE -o board.png``: one thumbnail per shot, in script order.

A filmmaker's storyboard drawn by the film's own renderer: for every shot of
the timeline, the frame at its middle (one frame per shot, so it is cheap),
with the shot number, its framing, who is on screen (and on which side) and
the first words spoken in it.  Cards (title, credits) are included: the
board shows the whole film.

``--every 5 --video FILM.mp4`` draws a contact sheet of a *built* film
instead: one decoded frame every 5 seconds, labelled with its time and the
framing of the shot it belongs to.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from pathlib import Path

from screenplay.api import load_film
from screenplay.commands._common import report

NAME = "storyboard"
HELP = "draw one thumbnail per shot (framing, characters, first line) into a PNG"

THUMB_W = 384
COLUMNS = 4


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("-o", "--output", type=Path, default=None, help="PNG to write")
    p.add_argument("--columns", type=int, default=COLUMNS)
    p.add_argument("--thumb-width", type=int, default=THUMB_W)
    p.add_argument("--video", type=Path, default=None, help="a built MP4 of FILE")
    p.add_argument("--every", type=float, default=5.0, help="seconds between frames (--video)")


def run(args: argparse.Namespace) -> int:
    film, diags = load_film(args.file)
    if film is None or any(d.severity.value == "error" for d in diags):
        report(diags, film)
        return 1
    from screenplay.build import plan_timeline

    timeline, tdiags = plan_timeline(film)
    if timeline is None:
        report(tdiags, film)
        return 1
    if tdiags:
        report(tdiags, film)
    out = args.output or args.file.with_suffix(".storyboard.png")
    if args.video is not None:
        if not args.video.is_file():
            print(f"error: no such video `{args.video}` (build the film first)")
            return 1
        board = contact_sheet(
            timeline, args.video, max(0.5, args.every), max(1, args.columns), args.thumb_width
        )
    else:
        board = storyboard(timeline, max(1, args.columns), max(64, args.thumb_width))
    from PIL import Image

    tmp = out.with_name(f".{out.name}.{os.getpid()}.part")
    out.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(board).save(tmp, format="PNG")
    os.replace(tmp, out)
    print(f"{out}: {len(timeline.shots)} shots")
    return 0


def storyboard(timeline, columns: int = COLUMNS, thumb_w: int = THUMB_W):  # type: ignore[no-untyped-def]
    """The board as an RGB array (thumbnails rendered by the compositor at ``thumb_w``)."""
    import numpy as np
    from PIL import Image, ImageDraw

    from screenplay.cache import Cache
    from screenplay.pictures.contact_sheet import BG, DIM, INK, _font
    from screenplay.render.assets import PicturesAssetProvider
    from screenplay.render.compositor import Compositor

    th = round(thumb_w * timeline.height / timeline.width)
    th += th % 2
    small = dataclasses.replace(timeline, width=thumb_w, height=th)
    comp = Compositor(small, PicturesAssetProvider(Cache()))
    pad, text_h = 10, 46
    shots = small.shots
    rows = (len(shots) + columns - 1) // columns
    W = pad + columns * (thumb_w + pad)
    H = pad + rows * (th + text_h + pad)
    canvas = Image.new("RGB", (W, H), BG)
    draw = ImageDraw.Draw(canvas)
    big, tiny = _font(14), _font(12)
    for n, shot in enumerate(shots):
        r, c = divmod(n, columns)
        x, y = pad + c * (thumb_w + pad), pad + r * (th + text_h + pad)
        frame = comp.frame(
            shot, min(shot.frames - 1, max(shot.transition.frames, shot.frames // 2))
        )
        canvas.paste(Image.fromarray(np.ascontiguousarray(frame)), (x, y))
        who = ", ".join(f"{o.name} ({o.side[0].upper()})" for o in shot.on_screen)
        head = f"{n + 1}. {shot.framing.upper()}" + (f" · {who}" if who else "")
        draw.text((x, y + th + 4), head, fill=INK, font=big)
        line = _first_line(timeline, shot)
        if line:
            draw.text((x, y + th + 24), _clip(draw, line, tiny, thumb_w), fill=DIM, font=tiny)
    return np.asarray(canvas)


def contact_sheet(timeline, video: Path, every: float, columns: int, thumb_w: int):  # type: ignore[no-untyped-def]
    """One decoded frame of ``video`` every ``every`` seconds, labelled with time and framing."""
    import av
    import numpy as np
    from PIL import Image, ImageDraw

    from screenplay.pictures.contact_sheet import BG, INK, _font

    frames: list[tuple[float, np.ndarray]] = []
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        time_base = stream.time_base
        assert time_base is not None  # a decoded video stream has one
        want = 0.0
        for frame in container.decode(stream):
            t = float(frame.pts * time_base) if frame.pts is not None else 0.0
            if t + 1e-6 >= want:
                img = frame.to_ndarray(format="rgb24")
                frames.append((t, img))
                want += every
    th = round(thumb_w * timeline.height / timeline.width)
    pad, text_h = 8, 24
    rows = (len(frames) + columns - 1) // columns
    canvas = Image.new(
        "RGB", (pad + columns * (thumb_w + pad), pad + rows * (th + text_h + pad)), BG
    )
    draw = ImageDraw.Draw(canvas)
    font = _font(13)
    for n, (t, img) in enumerate(frames):
        r, c = divmod(n, columns)
        x, y = pad + c * (thumb_w + pad), pad + r * (th + text_h + pad)
        canvas.paste(Image.fromarray(img).resize((thumb_w, th), Image.Resampling.LANCZOS), (x, y))
        f = int(round(t * timeline.fps))
        shot = next((s for s in timeline.shots if s.start <= f < s.end), None)
        label = f"{int(t) // 60}:{t % 60:04.1f}"
        if shot is not None:
            who = ", ".join(o.name for o in shot.on_screen)
            label += f"  {shot.framing.upper()}" + (f" · {who}" if who else "")
        draw.text((x, y + th + 4), label, fill=INK, font=font)
    return np.asarray(canvas)


def _first_line(timeline, shot) -> str:  # type: ignore[no-untyped-def]
    for s in timeline.subtitles:
        if shot.start <= s.start < shot.end:
            who = f"{s.speaker}: " if s.speaker and s.speaker != "NARRATOR" else ""
            return who + " ".join(s.text.split())
    pic = shot.picture
    lines = getattr(pic, "lines", ())
    return " / ".join(x for x in lines if x)[:80]


def _clip(draw, text: str, font, width: int) -> str:  # type: ignore[no-untyped-def]
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"
