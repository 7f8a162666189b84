"""The edit loop (#15): nothing changed → nothing done; an edit gives exactly the clean build."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from screenplay import manifest
from screenplay.build import build
from screenplay.cache import Cache

pytestmark = pytest.mark.slow


def test_noop_edit_and_clean_build_are_byte_identical(
    small_film: Path, tmp_path: Path, cache_dir: Path
) -> None:
    out = tmp_path / "small.mp4"
    first = build(small_film, out, quality="preview", jobs=1, skip_if_up_to_date=True)
    assert first.ok and not first.up_to_date and first.peak_rss > 50_000_000
    made = out.stat().st_mtime_ns

    # Nothing changed: nothing is done (and the film is not touched).
    t0 = time.perf_counter()
    again = build(small_film, out, quality="preview", jobs=1, skip_if_up_to_date=True)
    assert again.ok and again.up_to_date and time.perf_counter() - t0 < 1.0
    assert out.stat().st_mtime_ns == made
    # A save without a change (new mtime, same bytes) is still nothing.
    os.utime(small_film)
    assert build(small_film, out, quality="preview", jobs=1, skip_if_up_to_date=True).up_to_date
    # Other settings are another film.
    assert not manifest.check(
        Cache().root,
        out,
        manifest.settings_key(out, quality="default", size=None, fps=None, burn=None, locked=False),
    )

    # One word: a rebuild, byte-identical to a clean build of the edited source.
    text = small_film.read_text(encoding="utf-8")
    small_film.write_text(text.replace("always morning", "always evening"), encoding="utf-8")
    edited = build(small_film, out, quality="preview", jobs=1, skip_if_up_to_date=True)
    assert edited.ok and not edited.up_to_date
    assert edited.report.segments_rendered <= 2
    clean_dir = tmp_path / "clean"
    clean_dir.mkdir()
    shutil.copy(small_film, clean_dir / small_film.name)
    clean_out = clean_dir / "small.mp4"
    clean = build(
        clean_dir / small_film.name,
        clean_out,
        quality="preview",
        jobs=2,
        cache=Cache(tmp_path / "clean-cache"),
    )
    assert clean.ok
    for suffix in (".mp4", ".srt", ".vtt"):
        a, b = out.with_suffix(suffix).read_bytes(), clean_out.with_suffix(suffix).read_bytes()
        if suffix != ".mp4":  # sidecars name no paths; the film's bytes must match exactly
            a, b = a.replace(str(tmp_path).encode(), b""), b.replace(str(tmp_path).encode(), b"")
        assert a == b, suffix

    # A deleted output, or an output replaced by someone else, means: build.
    out.with_suffix(".srt").unlink()
    assert not build(small_film, out, quality="preview", jobs=1, skip_if_up_to_date=True).up_to_date
    assert out.with_suffix(".srt").is_file()


def test_manifest_sees_a_changed_asset_file(tmp_path: Path, cache_dir: Path) -> None:
    """A face photo (or any file a declaration names) is an input like the source."""
    from types import SimpleNamespace

    from screenplay.backends.protocols import AssetSpec

    photo = tmp_path / "faces" / "anna.png"
    photo.parent.mkdir()
    photo.write_bytes(b"not really a png")
    src = tmp_path / "f.film"
    src.write_text("INT. ROOM - DAY\n", encoding="utf-8")
    film = SimpleNamespace(
        path=src,
        sources={},
        base_dir=tmp_path,
        cast={
            "ANNA": SimpleNamespace(
                face=AssetSpec("face", "file", {"path": "faces/anna.png"}), voice=None
            )
        },
        sets={},
        cues={},
        presets={},
    )
    files = manifest.used_files(film)
    assert photo.resolve() in files and src.resolve() in files
    out = tmp_path / "f.mp4"
    out.write_bytes(b"film")
    settings = manifest.settings_key(out, quality="preview")
    manifest.record(Cache().root, out, files, settings, "summary")
    assert manifest.check(Cache().root, out, settings) == "summary"
    photo.write_bytes(b"another picture")
    assert manifest.check(Cache().root, out, settings) is None
    # The lock appearing is a change too (it was recorded as absent).
    photo.write_bytes(b"not really a png")
    os.utime(photo)
    manifest.record(Cache().root, out, files, settings, "summary")
    assert manifest.check(Cache().root, out, settings) == "summary"
    (tmp_path / "f.film.lock").write_text("x", encoding="utf-8")
    assert manifest.check(Cache().root, out, settings) is None
