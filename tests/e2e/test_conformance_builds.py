"""Any plain Fountain screenplay builds: every file of shared/conformance/fountain-objc.

Auto-cast, auto-set, no production lines at all; built tiny (64x36 at 6 fps)
to keep the suite fast — the pipeline is the same at any size.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from screenplay.build import build
from screenplay.cache import Cache
from screenplay.diagnostics import Severity
from tests.conformance.conftest import conformance_dir

pytestmark = pytest.mark.slow

FILES = sorted(conformance_dir("fountain-objc").glob("*.fountain"))


@pytest.mark.skipif(not FILES, reason="shared/conformance/fountain-objc not found")
def test_every_fountain_objc_file_builds(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    failures = {}
    for src in FILES:
        out = tmp_path / (src.stem + ".mp4")
        res = build(
            src, out, quality="preview", cache=cache, size=(64, 36), fps=Fraction(6), jobs=2
        )
        errors = [d.one_line() for d in res.diagnostics if d.severity is Severity.ERROR]
        if not res.ok or errors or not out.is_file():
            failures[src.name] = errors or "no output"
    assert not failures
