"""Locate shared/conformance (beside the repository, as on CI)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def conformance_dir(name: str) -> Path:
    for base in (REPO.parent / "shared" / "conformance", REPO / "shared" / "conformance"):
        if (base / name).is_dir():
            return base / name
    return REPO.parent / "shared" / "conformance" / name
