"""Fixtures for the document tools' tests: where shared/conformance is."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def conformance_dir() -> Path | None:
    """shared/conformance beside the repository (CI), or beside the worktrees (helpers)."""
    for base in (REPO.parent, REPO.parent.parent, REPO):
        if (base / "shared" / "conformance").is_dir():
            return base / "shared" / "conformance"
    return None
