"""``screenplay print``: PDF golden pages, FDX and HTML output, bad input."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from screenplay.cli import main
from screenplay.document.fonts import courier_prime_dir

HERE = Path(__file__).parent
GOLDEN_FILM = HERE / "golden.film"
GOLDENS = HERE / "goldens"
DPI = 40

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed"
)


def render_pages(pdf: Path, out: Path) -> list[Path]:
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-gray", "-png", str(pdf), str(out / "page")],
        check=True,
        capture_output=True,
    )
    return sorted(out.glob("page-*.png"))


@needs_poppler
@pytest.mark.skipif(courier_prime_dir() is None, reason="fonts-courier-prime not installed")
def test_pdf_matches_golden_pages(tmp_path: Path, update_goldens: bool) -> None:
    from PIL import Image

    pdf = tmp_path / "golden.pdf"
    assert main(["print", str(GOLDEN_FILM), "-o", str(pdf)]) == 0
    pages = render_pages(pdf, tmp_path)
    assert len(pages) == 5  # title page + 4 pages of script
    if update_goldens:
        GOLDENS.mkdir(exist_ok=True)
        for old in GOLDENS.glob("page-*.png"):
            old.unlink()
        for p in pages:
            shutil.copy(p, GOLDENS / p.name)
    expected = sorted(GOLDENS.glob("page-*.png"))
    assert [p.name for p in pages] == [p.name for p in expected]
    for got, want in zip(pages, expected, strict=True):
        a = np.asarray(Image.open(got).convert("L"), dtype=np.int16)
        b = np.asarray(Image.open(want).convert("L"), dtype=np.int16)
        assert a.shape == b.shape, got.name
        diff = np.abs(a - b)
        # Anti-aliasing may move by a level or two between poppler builds; a moved
        # line of text changes hundreds of pixels by far more.
        assert diff.mean() < 1.0, (got.name, diff.mean())
        assert (diff > 96).mean() < 0.002, (got.name, (diff > 96).mean())


@needs_poppler
def test_pdf_text_has_page_numbers_more_and_contd(tmp_path: Path) -> None:
    pdf = tmp_path / "g.pdf"
    assert main(["print", str(GOLDEN_FILM), "-o", str(pdf), "--production"]) == 0
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.split("\f")
    assert "THE GOLDEN PAGE" in pages[0]
    assert not pages[1].lstrip().startswith("1.")  # no number on the first page
    assert pages[2].strip().splitlines()[0].strip() == "2."
    assert "(MORE)" in text and "(CONT'D)" in text
    assert "PRODUCTION SHEET" in text and "ANNA" in text.split("PRODUCTION SHEET")[1]
    assert "voice: audrey" not in pages[1]  # production lines are not printed
    assert "hold 2s" not in text


def test_format_from_suffix_fdx(tmp_path: Path) -> None:
    out = tmp_path / "script.fdx"
    assert main(["print", str(GOLDEN_FILM), "-o", str(out)]) == 0
    root = ET.parse(out).getroot()
    assert root.tag == "FinalDraft"
    paras = root.find("Content")
    assert paras is not None
    types = [p.get("Type") for p in paras]
    assert types[:4] == ["Transition", "Scene Heading", "Action", "Character"]
    heading = paras[1]
    assert heading.get("Number") == "1"
    styles = {t.get("Style") for t in paras[2].iter("Text")}
    assert {"Bold", "Italic", "Underline"} <= styles
    assert root.find("Content/Paragraph/DualDialogue") is not None
    tp = root.find("TitlePage/Content")
    assert tp is not None and any("Golden" in (t.text or "") for t in tp.iter("Text"))
    assert "audrey" not in out.read_text()


def test_html(tmp_path: Path) -> None:
    out = tmp_path / "script.html"
    assert main(["print", str(GOLDEN_FILM), "--format", "html", "-o", str(out)]) == 0
    html = out.read_text()
    assert '<div class="el scene" data-line="13"' in html
    assert "<strong>loudly</strong>" in html and "<em>badly</em>" in html
    assert 'class="dual"' in html and "audrey" not in html


def test_unknown_format_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["print", str(GOLDEN_FILM), "--format", "docx"])
    assert exc.value.code == 2
    assert "invalid choice: 'docx'" in capsys.readouterr().err


def test_errors_still_print_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s.pdf"
    assert main(["print", str(GOLDEN_FILM), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "SP0202" in err and "warning[SP1000]" in err
    assert out.read_bytes().startswith(b"%PDF")


def test_missing_file_and_unwritable_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["print", str(tmp_path / "nope.film")]) == 1
    assert "SP0304" in capsys.readouterr().err
    assert main(["print", str(GOLDEN_FILM), "-o", str(tmp_path / "no" / "dir" / "x.pdf")]) == 0
    blocked = tmp_path / "file"
    blocked.write_text("")
    assert main(["print", str(GOLDEN_FILM), "-o", str(blocked / "x.pdf")]) == 1
    assert "SP1002" in capsys.readouterr().err


def test_same_script_same_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert main(["print", str(GOLDEN_FILM), "-o", str(a)]) == 0
    assert main(["print", str(GOLDEN_FILM), "-o", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()


def test_without_courier_prime_the_core_font_is_used_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import screenplay.document.fonts as fonts

    monkeypatch.setattr(fonts, "courier_prime_dir", lambda: None)
    out = tmp_path / "core.pdf"
    assert main(["print", str(GOLDEN_FILM), "-o", str(out)]) == 0
    assert "warning[SP1001]" in capsys.readouterr().err
    data = out.read_bytes()
    assert b"/BaseFont /Courier" in data and b"CourierPrime" not in data


def test_every_document_code_is_explained() -> None:
    from screenplay.diagnostics.codes import explain
    from screenplay.document.errors import CODES

    assert all(c.startswith("SP10") and 1000 <= int(c[2:]) <= 1019 for c in CODES)
    for code in CODES:
        entry = explain(code)
        assert entry is not None and len(entry[1]) > 60, code
