"""Typography for cards and burned-in subtitles (Pillow + FreeType).

Faces: DejaVu Sans (subtitles, credits) and DejaVu Serif (titles, centered
text), found in the usual font folders.  Debian's ``fonts-dejavu-core`` has
the upright and bold faces, ``fonts-dejavu-extra`` the italics; matplotlib,
when installed, bundles the whole family too.  A missing italic is slanted
from the upright face and a missing bold is emboldened with a stroke of its
own colour, so styled runs always *look* styled.  With no DejaVu anywhere,
Pillow's bundled scalable font (``ImageFont.load_default(size=…)``, Pillow ≥
10.1) stands in.  :func:`font_identity` names the files in use; it is part of
every segment cache key, so installing a font re-renders the text it changes.

Text arrives as :class:`~screenplay.syntax.emphasis.StyledRun` s (italic, bold,
underline); :func:`wrap_runs` breaks them into lines that fit a width and
:func:`render_lines` draws those lines onto a transparent RGBA image.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from screenplay.syntax.emphasis import StyledRun

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image, ImageFont

Family = Literal["sans", "serif"]

#: Slant of a synthesized italic (horizontal shift per pixel of height).
_SLANT = 0.21

_FILES: dict[tuple[str, bool, bool], str] = {
    ("sans", False, False): "DejaVuSans.ttf",
    ("sans", True, False): "DejaVuSans-Bold.ttf",
    ("sans", False, True): "DejaVuSans-Oblique.ttf",
    ("sans", True, True): "DejaVuSans-BoldOblique.ttf",
    ("serif", False, False): "DejaVuSerif.ttf",
    ("serif", True, False): "DejaVuSerif-Bold.ttf",
    ("serif", False, True): "DejaVuSerif-Italic.ttf",
    ("serif", True, True): "DejaVuSerif-BoldItalic.ttf",
}


def _font_dirs() -> list[Path]:
    dirs = [
        Path("/usr/share/fonts/truetype/dejavu"),
        Path("/usr/share/fonts/dejavu"),
        Path("/usr/share/fonts/TTF"),
        Path("/usr/local/share/fonts"),
        Path.home() / ".local/share/fonts",
        Path("/Library/Fonts"),
    ]
    # matplotlib ships the complete DejaVu family; find it without importing it.
    spec = importlib.util.find_spec("matplotlib")
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            dirs.append(Path(loc) / "mpl-data" / "fonts" / "ttf")
    return dirs


@cache
def _font_file(family: str, bold: bool, italic: bool) -> Path | None:
    name = _FILES[(family, bold, italic)]
    for d in _font_dirs():
        p = d / name
        if p.is_file():
            return p
    return None


@dataclass(frozen=True)
class FontChoice:
    """A concrete font for one style, with what has to be synthesized."""

    font: ImageFont.FreeTypeFont | ImageFont.ImageFont
    size: int
    synth_bold: int  # extra stroke width in px (0: the font is bold or no bold wanted)
    synth_italic: bool


def _resolve(family: str, bold: bool, italic: bool) -> tuple[Path | None, bool, bool]:
    """The file to use for a style and which parts of the style must be synthesized."""
    exact = _font_file(family, bold, italic)
    if exact is not None:
        return exact, False, False
    # Prefer keeping the weight from a file and faking the slant (slant looks better faked).
    for b, i in ((bold, False), (False, italic), (False, False)):
        p = _font_file(family, b, i)
        if p is not None:
            return p, bold and not b, italic and not i
    if family != "sans":
        return _resolve("sans", bold, italic)
    return None, bold, italic


@lru_cache(maxsize=256)
def font(family: Family, size: int, bold: bool = False, italic: bool = False) -> FontChoice:
    """The font for ``family`` at ``size`` px with ``bold``/``italic``."""
    from PIL import ImageFont

    path, fake_bold, fake_italic = _resolve(family, bold, italic)
    f: ImageFont.FreeTypeFont | ImageFont.ImageFont
    if path is not None:
        f = ImageFont.truetype(str(path), size)
    else:
        f = ImageFont.load_default(size=size)
    return FontChoice(f, size, max(1, round(size / 24)) if fake_bold else 0, fake_italic)


def font_identity() -> tuple[str, ...]:
    """Which font files are in use (part of every cache key that draws text)."""
    out = []
    for family, bold, italic in sorted(_FILES):
        path, fb, fi = _resolve(family, bold, italic)
        out.append(f"{family}:{int(bold)}{int(italic)}={path.name if path else 'pillow'}:{fb}{fi}")
    return tuple(out)


# --------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Atom:
    """A piece of one run without line breaks: a word, or the spaces between words."""

    text: str
    run: StyledRun
    width: float

    @property
    def space(self) -> bool:
        return self.text.isspace()


Line = list[Atom]


def _measure(family: Family, size: int, run: StyledRun, text: str) -> float:
    fc = font(family, size, run.bold, run.italic)
    width = float(fc.font.getlength(text))
    return width + 2 * fc.synth_bold


def wrap_runs(
    runs: tuple[StyledRun, ...], family: Family, size: int, max_width: float
) -> list[Line]:
    """Greedy word wrap of styled runs into lines no wider than ``max_width`` px.

    ``\\n`` in a run forces a break.  A single word wider than the line is
    kept whole (on its own line) rather than cut.
    """
    lines: list[Line] = [[]]
    for run in runs:
        parts = run.text.split("\n")
        for pi, part in enumerate(parts):
            if pi > 0:
                lines.append([])
            for tok in re.findall(r"\s+|\S+", part):
                atom = Atom(tok, run, _measure(family, size, run, tok))
                line = lines[-1]
                used = sum(a.width for a in line)
                if atom.space:
                    if line:
                        line.append(atom)
                    continue
                # A word continues the previous atom when no space separates them
                # (e.g. "*wo*rd"): move the whole word when it does not fit.
                word_start = len(line)
                while word_start > 0 and not line[word_start - 1].space:
                    word_start -= 1
                if used + atom.width > max_width and word_start > 0:
                    word = line[word_start:]
                    del line[word_start:]
                    while line and line[-1].space:
                        line.pop()
                    lines.append(word + [atom])
                else:
                    line.append(atom)
    for line in lines:
        while line and line[-1].space:
            line.pop()
    return lines


def line_width(line: Line) -> float:
    return sum(a.width for a in line)


def render_lines(
    lines: list[Line],
    family: Family,
    size: int,
    *,
    color: tuple[int, int, int] = (255, 255, 255),
    align: Literal["center", "left", "right"] = "center",
    line_height: float = 1.3,
    outline: int = 0,
    outline_color: tuple[int, int, int] = (0, 0, 0),
    width: int | None = None,
) -> np.ndarray:
    """Draw ``lines`` onto a transparent RGBA image just big enough to hold them.

    ``outline`` px of ``outline_color`` around the glyphs keeps subtitles
    readable on any picture.  Returns ``(h, w, 4)`` uint8.
    """
    import numpy as np
    from PIL import Image

    pad = outline + max(2, round(size * (_SLANT + 0.05)))
    step = max(1, round(size * line_height))
    block_w = int(max((line_width(line) for line in lines), default=0) + 0.999)
    img_w = width if width is not None else block_w + 2 * pad
    img_h = step * max(1, len(lines)) + 2 * pad
    img = Image.new("RGBA", (img_w, img_h), (0, 0, 0, 0))
    ascent = round(size * 0.95)
    for li, line in enumerate(lines):
        lw = line_width(line)
        if align == "center":
            x = (img_w - lw) / 2
        elif align == "right":
            x = img_w - pad - lw
        else:
            x = float(pad)
        baseline = pad + li * step + ascent
        for atom in line:
            _draw_atom(img, atom, family, size, x, baseline, color, outline, outline_color)
            x += atom.width
    return np.asarray(img)


def _draw_atom(
    img: Image.Image,
    atom: Atom,
    family: Family,
    size: int,
    x: float,
    baseline: int,
    color: tuple[int, int, int],
    outline: int,
    outline_color: tuple[int, int, int],
) -> None:
    from PIL import Image, ImageDraw

    fc = font(family, size, atom.run.bold, atom.run.italic)
    target = img
    ox, oy = x + fc.synth_bold, baseline
    if fc.synth_italic:
        # Draw upright on a scratch layer, then shear it about the baseline.
        margin = outline + fc.synth_bold + round(size * _SLANT) + 2
        sw = int(atom.width + 2 * margin)
        sh = int(size * 1.6 + 2 * margin)
        target = Image.new("RGBA", (sw, sh), (0, 0, 0, 0))
        ox, oy = margin + fc.synth_bold, margin + round(size * 1.2)
    d = ImageDraw.Draw(target)
    if not atom.space:
        if outline:
            d.text(
                (ox, oy),
                atom.text,
                font=fc.font,
                anchor="ls",
                fill=outline_color,
                stroke_width=outline + fc.synth_bold,
                stroke_fill=outline_color,
            )
        d.text(
            (ox, oy),
            atom.text,
            font=fc.font,
            anchor="ls",
            fill=color,
            stroke_width=fc.synth_bold,
            stroke_fill=color,
        )
    if atom.run.underline:
        thick = max(1, round(size / 15))
        uy = oy + max(1, round(size * 0.12))
        x0, x1 = ox - fc.synth_bold, ox - fc.synth_bold + atom.width
        if outline:
            d.rectangle(
                (x0 - outline, uy - outline, x1 + outline, uy + thick - 1 + outline),
                fill=outline_color,
            )
        d.rectangle((x0, uy, x1, uy + thick - 1), fill=color)
    if fc.synth_italic:
        sheared = target.transform(
            target.size,
            Image.Transform.AFFINE,
            (1, _SLANT, -_SLANT * oy, 0, 1, 0),
            resample=Image.Resampling.BILINEAR,
        )
        dx, dy = round(x - (ox - fc.synth_bold)), baseline - oy
        # alpha_composite refuses negative destinations: crop what falls outside.
        cx, cy = max(0, -dx), max(0, -dy)
        if cx or cy:
            sheared = sheared.crop((cx, cy, sheared.width, sheared.height))
        img.alpha_composite(sheared, (dx + cx, dy + cy))
