"""Building many variants of one film: each into ``FILE.ID.mp4``, sharing the cache.

Variants differ in a few values (a voice, a score, an ending), so most of
their shots, voices and pictures are the same cache entries: the first
variant pays for them and the others render only what differs.  With the
local executor the variants are built one after another (each with ``jobs``
worker processes for its shots); with Ray the first variant is built here
(its voices and shots as Ray tasks) to fill the shared cache, and the others
are then built as Ray tasks of their own, side by side on the cluster.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from screenplay.diagnostics import Diagnostic
from screenplay.executor import Executor
from screenplay.variants.axes import Variant


@dataclass
class VariantOutcome:
    """What building one variant did (small and picklable: it returns from Ray tasks)."""

    variant: Variant
    output: Path
    ok: bool
    diagnostics: list[Diagnostic] = field(default_factory=list)
    summary: str = ""
    segments_rendered: int = 0
    segments_reused: int = 0
    seconds: float = 0.0
    up_to_date: bool = False
    frames_rendered: int = 0


def variant_output(path: Path, variant_id: str, out: Path | None = None) -> Path:
    """``film.film`` → ``film.ID.mp4`` (beside ``out`` when given: ``out.ID.mp4``)."""
    base = Path(out) if out is not None else Path(path).with_suffix(".mp4")
    return base.with_name(f"{base.stem}.{variant_id}{base.suffix or '.mp4'}")


def build_one(item: tuple[str, str, str, dict[str, Any]]) -> VariantOutcome:
    """Build one variant (a Ray task, or called here)."""
    import time

    from screenplay.build import build, describe

    path, out, variant_json, kwargs = item
    import json

    data = json.loads(variant_json)
    variant = Variant(data["id"], data["choice"])
    started = time.perf_counter()
    result = build(Path(path), Path(out), variant=variant.choice, **kwargs)
    rep = result.report
    return VariantOutcome(
        variant,
        Path(out),
        result.ok,
        list(result.diagnostics),
        result.summary
        if result.up_to_date
        else describe(result.timeline)
        if result.timeline
        else "",
        getattr(rep, "segments_rendered", 0),
        getattr(rep, "segments_reused", 0),
        time.perf_counter() - started,
        result.up_to_date,
        getattr(rep, "frames_rendered", 0),
    )


def _fill_all(path: Path, variants: Sequence[Variant], kwargs: dict[str, Any]) -> None:
    """Run the fill pass of each variant (what its build would do first); problems are
    left for the builds to report."""
    from screenplay.api import load_film
    from screenplay.backends.protocols import outside_assets
    from screenplay.diagnostics import Diagnostics
    from screenplay.passes.fill import fill

    with outside_assets(bool(kwargs.get("allow_outside_assets", False))):
        for v in variants:
            film, items = load_film(path, v.choice)
            if film is None or any(d.severity.value == "error" for d in items):
                continue
            fill(film, Diagnostics(), locked=bool(kwargs.get("locked", False)))


def build_variants(
    path: Path,
    variants: Sequence[Variant],
    *,
    out: Path | None = None,
    executor: Executor | None = None,
    on_done: Callable[[VariantOutcome], None] | None = None,
    **kwargs: Any,
) -> list[VariantOutcome]:
    """Build every variant in ``variants`` (keyword arguments as :func:`screenplay.build.build`)."""
    import json

    items = [
        (
            str(path),
            str(variant_output(path, v.id, out)),
            json.dumps(v.as_dict()),
            dict(kwargs),
        )
        for v in variants
    ]
    outcomes: list[VariantOutcome | None] = [None] * len(items)

    def done(i: int, o: VariantOutcome) -> None:
        outcomes[i] = o
        if on_done is not None:
            on_done(o)

    remote = executor is not None and not executor.local_processes
    if not remote or len(items) < 2:
        for i, item in enumerate(items):
            item[3]["executor"] = executor
            done(i, build_one(item))
    else:
        # Every variant's [[generate]] holes are filled (and locked) here first:
        # builds running side by side must only read the lock, never race to write it.
        _fill_all(path, variants, kwargs)
        # The first variant fills the shared cache (its own work as Ray tasks) …
        items[0][3]["executor"] = executor
        done(0, build_one(items[0]))
        # … then the others run as tasks of their own; inside a task the build
        # renders in-process (jobs=1): the cluster's parallelism is the variants.
        rest = []
        for item in items[1:]:
            kw = {k: v for k, v in item[3].items() if k not in ("executor", "progress")}
            kw["jobs"] = 1
            rest.append((item[0], item[1], item[2], kw))
        assert executor is not None
        for i, outcome in executor.run(build_one, rest, workers=len(rest)):
            done(i + 1, outcome)
    return [o for o in outcomes if o is not None]
