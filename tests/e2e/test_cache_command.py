"""``screenplay cache info`` / ``prune``: the cache's size per namespace, and pruning it
to a size by last use (issue #15)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from screenplay import cache as cache_mod
from screenplay.cache import Cache
from screenplay.cli import main


def _entry(root: Path, ns: str, key: str, size: int, age_s: float) -> Path:
    p = root / ns / key[:2] / f"{key}.bin"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(b"x" * size)
    t = time.time() - age_s
    os.utime(p, (t, t))
    return p


def test_prune_deletes_least_recently_used_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "cache"
    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(root))
    old = _entry(root, "segments", "aa01", 4000, 3 * 86400)
    mid = _entry(root, "voices", "bb02", 4000, 2 * 86400)
    used = _entry(root, "faces", "cc03", 4000, 1 * 86400)
    new = _entry(root, "segments", "dd04", 4000, 3600)
    part = root / "segments" / "aa" / ".aa05.mp4.x.123.mp4.part"
    part.write_bytes(b"y" * 10_000)  # a build's temporary: never the prune's business
    # A build reads `used`: that makes it the most recently used.
    assert Cache(root).get_bytes("faces", "cc03") is not None
    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert "segments" in out and "voices" in out and "faces" in out and "total" in out

    assert main(["cache", "prune", "--max-size", "9k", "--dry-run"]) == 0
    assert "would delete 2 entries" in capsys.readouterr().out
    assert old.exists() and mid.exists()
    assert main(["cache", "prune", "--max-size", "9k"]) == 0
    assert "deleted 2 entries (8.0 kB), 8.0 kB kept" in capsys.readouterr().out
    assert not old.exists() and not mid.exists() and not mid.parent.exists()
    assert used.exists() and new.exists() and part.exists()


def test_prune_keeps_entries_in_use_now(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    a = _entry(root, "segments", "aa01", 5000, 10)
    b = _entry(root, "segments", "bb02", 5000, 5)
    removed, freed, left = cache_mod.prune(root, 0)
    assert (removed, freed, left) == (0, 0, 10_000)  # a running build may need them
    assert a.exists() and b.exists()
    assert cache_mod.prune(root, 0, keep_recent_s=0)[0] == 2


def test_bad_size_is_a_diagnostic(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cache", "prune", "--max-size", "lots"]) == 1
    assert "SP0806" in capsys.readouterr().err
