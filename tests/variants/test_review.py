"""The review page: variants side by side, rated in a real browser, downloaded as JSONL for tune."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from screenplay.variants.axes import Variant
from screenplay.variants.review import review_html

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

FILM = """\
Title: Review </script> Me
Format: 320x180, 12 fps

use voices

cast ANNA
    voice: kate | ellen

INT. ROOM - DAY

ANNA
Hello.
"""


def test_the_page_embeds_variants_safely_and_blind_by_default() -> None:
    v = Variant("abcd1234", {"ANNA.voice": "</script><b>"})
    page = review_html("T </script>", [(v, "t.abcd1234.mp4")])
    assert "</script><b>" not in page and "T &lt;/script&gt;" in page
    assert '"choice": null' in page  # blind: the page does not say what was chosen
    shown = review_html("T", [(v, "t.abcd1234.mp4")], show_choices=True)
    assert "\\u003c/script\\u003e\\u003cb\\u003e" in shown


def _tiny_mp4(path: Path, seconds: int = 3) -> None:
    import av
    import numpy as np

    with av.open(str(path), "w") as out:
        s = out.add_stream("libx264", rate=10)
        s.width, s.height, s.pix_fmt = 64, 36, "yuv420p"
        for i in range(seconds * 10):
            frame = av.VideoFrame.from_ndarray(np.full((36, 64, 3), i * 8 % 255, np.uint8))
            frame.pts, frame.time_base = i, Fraction(1, 10)
            for p in s.encode(frame):
                out.mux(p)
        for p in s.encode(None):
            out.mux(p)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "screenplay", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_review_needs_built_variants(tmp_path: Path) -> None:
    (tmp_path / "r.film").write_text(FILM)
    r = _cli("review", "r.film", cwd=tmp_path)
    assert r.returncode == 1 and "SP1112" in r.stderr and "--all-variants" in r.stderr
    assert not (tmp_path / "r.review.html").exists()


@pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="chromium is not installed (CI installs it)"
)
def test_viewers_rate_variants_side_by_side_and_tune_reads_the_download(tmp_path: Path) -> None:
    from playwright import sync_api

    (tmp_path / "r.film").write_text(FILM)
    listing = json.loads(_cli("variants", "r.film", "--format", "json", cwd=tmp_path).stdout)
    ids = [v["id"] for v in listing["variants"]]
    for vid in ids:
        _tiny_mp4(tmp_path / f"r.{vid}.mp4")
    r = _cli("review", "r.film", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    page_path = tmp_path / "r.review.html"

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
        )
        try:
            page = browser.new_page(accept_downloads=True)
            page.goto(page_path.as_uri())
            assert page.locator(".card video").count() == 2  # side by side, both playable
            page.wait_for_function(
                "[...document.querySelectorAll('video')].every(v => v.readyState >= 1)",
                timeout=30000,
            )
            page.fill("#viewer", "ann")
            page.click(f'.card[data-variant="{ids[0]}"] .stars button[data-rating="2"]')
            page.click(f'.card[data-variant="{ids[1]}"] .stars button[data-rating="5"]')
            # watch the second one for a moment
            page.evaluate(
                "id => { const v = document.querySelector(`.card[data-variant='${id}'] video`);"
                " v.muted = true; v.play(); }",
                ids[1],
            )
            page.wait_for_timeout(1500)
            assert page.inner_text("#status") == "2 of 2 rated"
            # a reload keeps the ratings (localStorage)
            page.reload()
            page.wait_for_function(
                "document.querySelectorAll('.stars button.on').length === 7", timeout=10000
            )
            with page.expect_download() as dl:
                page.click("#download")
            download = dl.value
            assert download.suggested_filename == "r.feedback-ann.jsonl"
            feedback = tmp_path / "feedback.jsonl"
            download.save_as(str(feedback))
        finally:
            browser.close()

    lines = [json.loads(x) for x in feedback.read_text().splitlines()]
    by_id = {x["variant"]: x for x in lines}
    assert by_id[ids[0]]["rating"] == 2 and by_id[ids[1]]["rating"] == 5
    assert all(x["viewer"] == "ann" and x["duration_s"] == pytest.approx(3, abs=0.2) for x in lines)
    assert by_id[ids[1]]["watched_s"] > 0.3
    t = _cli("tune", "r.film", "feedback.jsonl", "--format", "json", cwd=tmp_path)
    assert t.returncode == 0, t.stderr
    out = json.loads(t.stdout)
    assert out["records"] == 2 and out["skipped"] == {} and out["best"]["id"] == ids[1]
