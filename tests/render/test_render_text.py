"""Typography: emphasis markup, word wrap, styled drawing and font fallbacks."""

from __future__ import annotations

import numpy as np
import pytest

from screenplay.render import text
from screenplay.syntax.emphasis import StyledRun, styled_runs


def test_parse_emphasis() -> None:
    runs = styled_runs("A *quiet* **room**, _here_ ***both*** 2*3 \\*x\\*")
    styled = [(r.text, r.italic, r.bold, r.underline) for r in runs]
    assert ("quiet", True, False, False) in styled
    assert ("room", False, True, False) in styled
    assert ("here", False, False, True) in styled
    assert ("both", True, True, False) in styled
    assert "".join(r.text for r in runs) == "A quiet room, here both 2*3 *x*"


def test_wrap_keeps_words_and_styles() -> None:
    runs = (StyledRun("I never "), StyledRun("said", italic=True), StyledRun(" that, never"))
    lines = text.wrap_runs(runs, "sans", 20, 120)
    assert len(lines) >= 2
    for line in lines:
        assert text.line_width(line) <= 120 or len([a for a in line if not a.space]) == 1
    words = [a.text for line in lines for a in line if not a.space]
    assert words == ["I", "never", "said", "that,", "never"]
    said = next(a for line in lines for a in line if a.text == "said")
    assert said.run.italic


def test_styles_change_pixels() -> None:
    def draw(run: StyledRun) -> np.ndarray:
        return text.render_lines(text.wrap_runs((run,), "sans", 24, 500), "sans", 24)

    plain = draw(StyledRun("Styled"))
    for style in ({"italic": True}, {"bold": True}, {"underline": True}):
        other = draw(StyledRun("Styled", **style))
        assert other.shape != plain.shape or np.abs(other.astype(int) - plain).sum() > 1000, style


def test_missing_italic_font_is_synthesized(monkeypatch: pytest.MonkeyPatch) -> None:
    real = text._font_file

    def no_italics(family: str, bold: bool, italic: bool):  # type: ignore[no-untyped-def]
        return None if italic else real(family, bold, italic)

    monkeypatch.setattr(text, "_font_file", no_italics)
    text.font.cache_clear()
    try:
        choice = text.font("serif", 30, italic=True)
        assert choice.synth_italic
        run = StyledRun("Slant", italic=True)
        img = text.render_lines(text.wrap_runs((run,), "serif", 30, 500), "serif", 30)
        upright = text.render_lines(
            text.wrap_runs((StyledRun("Slant"),), "serif", 30, 500), "serif", 30
        )

        # Sheared about the baseline: the glyphs' top rows move right relative to the bottom.
        def ink_x(img: np.ndarray, rows: slice) -> float:
            a = img[rows, :, 3].astype(float)
            return float((a.sum(axis=0) * np.arange(a.shape[1])).sum() / a.sum())

        ys = np.nonzero(img[..., 3].max(axis=1))[0]
        top, bottom = slice(ys.min(), ys.min() + 6), slice(ys.max() - 6, ys.max())
        ys_u = np.nonzero(upright[..., 3].max(axis=1))[0]
        top_u, bottom_u = slice(ys_u.min(), ys_u.min() + 6), slice(ys_u.max() - 6, ys_u.max())
        slant = ink_x(img, top) - ink_x(img, bottom)
        slant_upright = ink_x(upright, top_u) - ink_x(upright, bottom_u)
        assert slant > slant_upright + 2
    finally:
        text.font.cache_clear()


def test_font_identity_names_files() -> None:
    ident = text.font_identity()
    assert len(ident) == 8 and all("=" in x for x in ident)
