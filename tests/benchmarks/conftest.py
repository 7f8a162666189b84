"""Benchmarks are measurements, not the fast loop: every one is marked ``slow``.

They still run in CI (``python -m pytest -q``, benchmarks disabled: each runs once
as a test); ``python -m pytest -m "not slow"`` skips them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.slow)
