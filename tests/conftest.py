"""Shared test setup: an isolated cache for every test session, and --update-goldens."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# No test may write to the user's cache: point the default at a session temp dir
# (tests that need their own cache still set SCREENPLAY_CACHE_DIR themselves).
os.environ.setdefault("SCREENPLAY_CACHE_DIR", tempfile.mkdtemp(prefix="screenplay-test-cache-"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite expected outputs under tests/cases/ instead of comparing",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))
