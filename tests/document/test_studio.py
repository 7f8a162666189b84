"""``screenplay studio`` in a real browser: Debian's chromium, headless, driven by Playwright.

Loads the page, clicks a line, checks the video seeked to that line's beat and
the beat is highlighted; then saves the file and checks the page reloads the
rebuilt film in place (server-sent events).  Skipped only when chromium is
not installed locally (CI installs it through install.sh).
"""

from __future__ import annotations

import json
import shutil
import socket
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from screenplay.studio.app import Studio, StudioServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]

TINY = """Title: Tiny
Format: 160x90, 12 fps

cast ANNA
    voice: espeak(variant="f2")
cast TOM
    voice: espeak(variant="m3")

INT. ROOM - DAY

ANNA
Hello there.

TOM
Hi.

EXT. STREET - NIGHT

ANNA
Goodbye now.
"""

pytestmark = [
    pytest.mark.slow,  # builds real (tiny) films
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="chromium is not installed (CI installs it)"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _state(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url + "state", timeout=10) as r:
        return json.loads(r.read())  # type: ignore[no-any-return]


def _wait(url: str, pred: Any, timeout: float) -> dict[str, Any]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        st = _state(url)
        if pred(st):
            return st
        time.sleep(0.2)
    raise AssertionError(f"studio did not get there in {timeout} s: {_state(url)['message']}")


@pytest.fixture
def studio(tmp_path: Path) -> Any:
    film = tmp_path / "tiny.film"
    film.write_text(TINY)
    work = tmp_path / "work"
    work.mkdir()
    server = StudioServer(Studio(film, work), port=_free_port())
    server.start(watch=True)
    assert server.wait_started()
    yield server
    server.stop()


def test_click_a_line_seeks_the_film_and_saving_reloads_it(studio: StudioServer) -> None:
    from playwright import sync_api  # the dev extra; only chromium may be missing locally

    url = studio.url
    st = _wait(url, lambda s: s["state"] in ("ready", "failed"), 180)
    assert st["state"] == "ready", st["message"]
    street = next(b for b in st["beats"] if b["line"] == 17)  # EXT. STREET - NIGHT

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page()
            page.goto(url)
            page.wait_for_function("document.getElementById('film').readyState >= 1", timeout=30000)
            assert page.evaluate("document.getElementById('film').currentTime") == 0

            page.click('.screenplay > .el.scene[data-line="17"]')
            page.wait_for_function(
                f"Math.abs(document.getElementById('film').currentTime - {street['start']}) < 0.05",
                timeout=10000,
            )
            # the playing beat is highlighted in the script
            page.wait_for_selector('.screenplay > .el.scene[data-line="17"].playing', timeout=5000)

            # clicking a dialogue block seeks to its line's beat
            page.click('.screenplay > .dialogue-block[data-line="14"]')
            tom = next(b for b in st["beats"] if b["line"] == 15)
            page.wait_for_function(
                f"Math.abs(document.getElementById('film').currentTime - {tom['start']}) < 0.05",
                timeout=10000,
            )

            # saving the file rebuilds the preview; the page reloads the film in place
            studio.studio.film.write_text(TINY.replace("Hi.", "Hi. How was the day?"))
            st2 = _wait(url, lambda s: s["film_version"] >= 2 and s["state"] == "ready", 180)
            page.wait_for_function(
                f"document.getElementById('film').src.endsWith('?v={st2['film_version']}')",
                timeout=10000,
            )
            page.wait_for_function("document.getElementById('film').readyState >= 1", timeout=30000)
            assert "How was the day?" in page.inner_text("#script")
        finally:
            browser.close()


def test_a_broken_save_keeps_the_last_film_and_shows_the_error(studio: StudioServer) -> None:
    url = studio.url
    _wait(url, lambda s: s["state"] == "ready", 180)
    studio.studio.film.write_text(TINY.replace('espeak(variant="m3")', "nobody"))
    st = _wait(url, lambda s: s["state"] == "failed", 60)
    assert st["film_version"] == 1 and st["errors"] >= 1 and "SP1005" in st["message"]
    with urllib.request.urlopen(url + "script", timeout=10) as r:
        html = r.read().decode()
    assert 'data-code="SP0202"' in html
    with urllib.request.urlopen(url + "film.mp4?v=1", timeout=10) as r:
        assert r.status == 200
