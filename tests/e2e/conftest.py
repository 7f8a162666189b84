"""Fixtures for end-to-end builds: a private cache and a small film."""

from __future__ import annotations

from pathlib import Path

import pytest

SMALL_FILM = """\
Title: A Small Film
Author: the test suite
Format: 128x72, 12 fps

use voices, faces, rooms, music

cast ANNA
    face: woman
    voice: kate
cast BEN
    face: man
    voice: angus
set KITCHEN
    image: kitchen
cue THEME
    music: calm_piano

INT. KITCHEN - DAY

[[music THEME fade-in 1s]]

ANNA
Is it morning already?

BEN
(quietly)
It is always morning somewhere.

CUT TO:

EXT. STREET - NIGHT

ANNA
Then let us *go* there.

[[music THEME stop fade-out 1s]]
"""


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(d))
    return d


@pytest.fixture
def small_film(tmp_path: Path) -> Path:
    p = tmp_path / "small.film"
    p.write_text(SMALL_FILM, encoding="utf-8")
    return p
