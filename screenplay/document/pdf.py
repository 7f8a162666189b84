"""Draw a laid-out screenplay (:mod:`screenplay.document.layout`) as a PDF with fpdf2.

Every line sits on the 12-point grid the layout computed; this module only
places text: page numbers top right from page 2 (``2.``), scene numbers in
both margins, and an optional production sheet after the script.  The font is
Courier Prime from Debian's ``fonts-courier-prime`` (converted to TrueType
outlines once, see :mod:`screenplay.document.fonts`), else the PDF core font
Courier.  The PDF is written to a temporary file and renamed, so a failed
print never leaves half a PDF behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from screenplay.cache import atomic_path
from screenplay.document.layout import CPI, LPI, Cell, Document, Row

PT = 72.0  # points per inch
LINE = PT / LPI  # 12 pt
CHAR = PT / CPI  # 7.2 pt
#: Baseline offset inside a 12-pt line (Courier's ascent is about 0.75 em).
BASELINE = 9.0
FAMILY = "CourierPrime"


class PdfWriter:
    def __init__(self, doc: Document, *, title: str = "", author: str = "") -> None:
        from fpdf import FPDF

        self.doc = doc
        paper = doc.paper
        self.pdf = FPDF(unit="pt", format=(paper.width * PT, paper.height * PT))
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(0, 0, 0)
        self.pdf.set_creator("screenplay")
        # A fixed creation date keeps the same script printing to the same bytes.
        from datetime import UTC, datetime

        self.pdf.set_creation_date(datetime(2000, 1, 1, tzinfo=UTC))
        if title:
            self.pdf.set_title(title)
        if author:
            self.pdf.set_author(author)
        self.family = self._fonts()

    def _fonts(self) -> str:
        from screenplay.document.fonts import truetype_faces

        faces = truetype_faces()
        if faces is None:
            return "Courier"
        for style, path in faces.items():
            self.pdf.add_font(FAMILY, style, str(path))
        return FAMILY

    # -- drawing -------------------------------------------------------------
    def _y(self, line: int) -> float:
        return self.doc.paper.top * PT + line * LINE + BASELINE

    def _text(self, x_in: float, line: int, cell: Cell) -> None:
        text = cell.text
        x = x_in * PT
        if cell.align == "right":
            x = (cell.x + cell.width) * PT - len(text) * CHAR
        elif cell.align == "center":
            x = (cell.x + cell.width / 2) * PT - len(text) * CHAR / 2
        y = self._y(line)
        for run in cell.runs:
            style = ("B" if run.bold else "") + ("I" if run.italic else "")
            self.pdf.set_font(self.family, style, 12)
            self.pdf.text(x, y, run.text)
            w = len(run.text) * CHAR
            if run.underline and run.text.strip():
                self.pdf.set_line_width(0.6)
                self.pdf.line(x, y + 1.6, x + w, y + 1.6)
            x += w

    def _row(self, line: int, row: Row) -> None:
        for cell in row.cells:
            self._text(cell.x, line, cell)
        if row.scene_number:
            n = row.scene_number
            self.pdf.set_font(self.family, "", 12)
            left = self.doc.paper.left - 0.5  # right edge of the left number
            self.pdf.text(left * PT - len(n) * CHAR, self._y(line), n)
            right = self.doc.paper.width - self.doc.paper.right + 0.3
            self.pdf.text(right * PT, self._y(line), n)

    def _page_number(self, number: int) -> None:
        text = f"{number}."
        paper = self.doc.paper
        self.pdf.set_font(self.family, "", 12)
        x = (paper.width - paper.right) * PT - len(text) * CHAR
        # half an inch from the top edge
        self.pdf.text(x, 0.5 * PT + BASELINE, text)

    def draw(self, appendix: Sequence[Sequence[Row]] = ()) -> None:
        if self.doc.title is not None:
            self.pdf.add_page()
            for line, row in self.doc.title.rows:
                self._row(line, row)
        for page in self.doc.pages:
            self.pdf.add_page()
            if page.number > 1:
                self._page_number(page.number)
            for i, row in enumerate(page.rows):
                self._row(i, row)
        n = len(self.doc.pages)
        for extra in appendix:
            n += 1
            self.pdf.add_page()
            self._page_number(n)
            for i, row in enumerate(extra):
                self._row(i, row)

    def save(self, path: Path) -> None:
        with atomic_path(path) as tmp:
            self.pdf.output(str(tmp))


def write_pdf(
    doc: Document,
    path: Path,
    *,
    title: str = "",
    author: str = "",
    appendix: Sequence[Sequence[Row]] = (),
) -> str:
    """Write ``doc`` to ``path``; return the font family used."""
    w = PdfWriter(doc, title=title, author=author)
    w.draw(appendix)
    w.save(path)
    return w.family
