"""Building variants: distinct films that share their common shots; Ray builds the same bytes.

Real (tiny) builds, so ``slow``; CI runs them (``ray`` comes with the
``cluster`` extra that install.sh installs).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from screenplay.api import load_film
from screenplay.cache import Cache
from screenplay.variants.batch import VariantOutcome, build_variants

pytestmark = pytest.mark.slow

FILM = """\
Title: Tiny Variants
Format: 320x180, 12 fps

use voices

cast ANNA
    voice: kate | ellen
cast BEN
    voice: angus

INT. KITCHEN - DAY

Anna waits by the table.

BEN
Is it late?

# End [[variant ending=stay]]

INT. KITCHEN - NIGHT

ANNA
Stay a while.

# End [[variant ending=go]]

EXT. STREET - NIGHT

ANNA
Go home.

# Credits

>THE END<
"""


def _md5(p: Path) -> str:
    return hashlib.md5(p.read_bytes()).hexdigest()


def _variants(film: Path) -> list[Any]:
    f, diags = load_film(film)
    assert f is not None and not [d for d in diags if d.severity.value == "error"]
    return list(f.script.extra["axes"].variants())


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[VariantOutcome]]:
    d = tmp_path_factory.mktemp("local")
    film = d / "tiny.film"
    film.write_text(FILM)
    outcomes = build_variants(film, _variants(film), cache=Cache(d / "cache"), jobs=1)
    return film, outcomes


def test_all_variants_are_distinct_films_that_reuse_shared_shots(
    local: tuple[Path, list[VariantOutcome]],
) -> None:
    film, outcomes = local
    assert [o.ok for o in outcomes] == [True] * 4, [
        x.one_line() for o in outcomes for x in o.diagnostics
    ]
    outputs = [o.output for o in outcomes]
    assert [p.name for p in outputs] == [f"tiny.{o.variant.id}.mp4" for o in outcomes]
    assert len({_md5(p) for p in outputs}) == 4
    first, *rest = outcomes
    assert first.segments_reused == 0
    total = first.segments_rendered + first.segments_reused
    # Every later variant re-renders only the shots its choices change (the voice
    # changes Anna's shots; the ending its last scene), and reuses the rest.
    for o in rest:
        assert o.segments_reused > 0, o
        assert o.segments_rendered < total, o
    rendered = sum(o.segments_rendered for o in outcomes)
    assert rendered < len(outcomes) * total * 0.75
    # the variant with both choices changed re-renders nothing new: the voice
    # variant rendered Anna's shots, the ending variant the street
    both = next(o for o in outcomes if o.variant.choice == {"ANNA.voice": "ellen", "ending": "go"})
    assert both.segments_rendered <= 1


def test_ray_builds_the_same_bytes_as_the_local_executor(
    local: tuple[Path, list[VariantOutcome]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ray = pytest.importorskip("ray")
    from screenplay.executor import RayExecutor

    calls: list[tuple[str, int]] = []
    real_run = RayExecutor.run

    def spy(self: RayExecutor, fn: Any, items: Any, **kw: Any) -> Any:
        calls.append((fn.__name__, len(items)))
        return real_run(self, fn, items, **kw)

    monkeypatch.setattr(RayExecutor, "run", spy)
    monkeypatch.delenv("SCREENPLAY_RAY_ADDRESS", raising=False)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        film = tmp_path / "tiny.film"
        film.write_text(FILM)
        variants = _variants(film)[:2]
        outcomes = build_variants(
            film, variants, cache=Cache(tmp_path / "cache"), executor=RayExecutor(), jobs=2
        )
    finally:
        ray.shutdown()
    assert all(o.ok for o in outcomes), [x.one_line() for o in outcomes for x in o.diagnostics]
    # voices, shots and the second variant all ran as Ray tasks
    names = [n for n, _ in calls]
    assert "_speak_task" in names and "worker_render" in names and "build_one" in names
    local_by_id = {o.variant.id: o.output for o in local[1]}
    for o in outcomes:
        assert _md5(o.output) == _md5(local_by_id[o.variant.id])
        srt = o.output.with_suffix(".srt")
        assert srt.read_bytes() == local_by_id[o.variant.id].with_suffix(".srt").read_bytes()


def test_build_cli_variant_and_all_variants_reuse_the_cache(
    local: tuple[Path, list[VariantOutcome]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from screenplay.cli import main

    film, outcomes = local
    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(film.parent / "cache"))
    monkeypatch.chdir(film.parent)
    out = film.parent / "one.mp4"
    assert main(["build", "tiny.film", "--variant", "ANNA.voice=ellen", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "segments rendered 0" in err  # everything this variant shows is in the cache
    ellen = next(
        o for o in outcomes if o.variant.choice == {"ANNA.voice": "ellen", "ending": "stay"}
    )
    assert out.read_bytes() == ellen.output.read_bytes()
    assert main(["build", "tiny.film", "--all-variants"]) == 0
    err = capsys.readouterr().err
    assert err.count("up to date") == 4  # the manifest knows each variant's output
