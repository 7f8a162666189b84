"""Compare with an expected file, or (``pytest --update-goldens``) rewrite it."""

from __future__ import annotations

from pathlib import Path

import pytest


def check_golden(expected_path: Path, actual: str, update: bool) -> None:
    """Assert ``actual`` equals the golden; write it when updating or when it is new."""
    if update or not expected_path.exists():
        expected_path.write_text(actual, encoding="utf-8")
        if not update:
            pytest.fail(f"wrote new golden {expected_path.name}; review and commit it")
        return
    assert actual == expected_path.read_text(encoding="utf-8")
