"""Find Courier Prime (Debian's ``fonts-courier-prime``) and make it embeddable.

Courier Prime ships as OpenType with CFF outlines.  fpdf2 embeds CFF fonts
under a TrueType font descriptor, which PDF readers accept but poppler warns
about ("Mismatch between font type and embedded font file"), so each face is
converted once to TrueType outlines (fontTools' cu2qu, the same conversion as
fontTools' ``otf2ttf`` example) and kept in the cache, keyed by the font file's
content.  When no Courier Prime is installed the PDF falls back to the PDF
core font Courier (same metrics: 10 characters per inch).
"""

from __future__ import annotations

import io
from pathlib import Path

from screenplay.cache import Cache, digest

#: fpdf2 style → file name in the font directory.
FACES = {
    "": "Courier Prime.otf",
    "B": "Courier Prime Bold.otf",
    "I": "Courier Prime Italic.otf",
    "BI": "Courier Prime Bold Italic.otf",
}
SEARCH_DIRS = (
    Path("/usr/share/fonts/opentype/courier-prime"),
    Path("/usr/share/fonts/truetype/courier-prime"),
    Path("/usr/local/share/fonts/courier-prime"),
)
CONVERTER_VERSION = 1


def courier_prime_dir() -> Path | None:
    for d in SEARCH_DIRS:
        if all((d / f).is_file() for f in FACES.values()):
            return d
    return None


def otf_to_ttf(data: bytes) -> bytes:
    """Convert a CFF-flavoured OpenType font to TrueType (quadratic) outlines."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(io.BytesIO(data))
    if "CFF " not in font:
        return data
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        # max_err 1 unit of a 1000-unit em: invisible at any print size
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    font["head"].indexToLocFormat = 0
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font.sfntVersion = "\x00\x01\x00\x00"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def truetype_faces(cache: Cache | None = None) -> dict[str, Path] | None:
    """Courier Prime's four faces as TrueType files (converted once, cached), or None."""
    src = courier_prime_dir()
    if src is None:
        return None
    cache = cache or Cache()
    out: dict[str, Path] = {}
    for style, name in FACES.items():
        path = src / name
        key = digest("courier-prime-ttf", CONVERTER_VERSION, path)
        target = cache.path("fonts", key, ".ttf")
        if not target.is_file():
            target = cache.put_bytes("fonts", key, otf_to_ttf(path.read_bytes()), ".ttf")
        if not target.is_file():  # cache disabled: a private temporary copy
            import tempfile

            tmp = Path(tempfile.mkdtemp(prefix="screenplay-fonts-")) / f"{key}.ttf"
            tmp.write_bytes(otf_to_ttf(path.read_bytes()))
            target = tmp
        out[style] = target
    return out
