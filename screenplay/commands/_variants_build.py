"""``screenplay build`` with ``--variant``, ``--all-variants`` or ``--executor``.

Kept apart from :mod:`screenplay.commands.build` so the plain build's path
(and its up-to-date answer before the compiler loads) is unchanged.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

    from screenplay.diagnostics import Diagnostics
    from screenplay.executor import Executor
    from screenplay.film import Film
    from screenplay.variants.axes import Analysis


def load_axes(
    path: Path, allow_outside: bool, console: Console, nothing: str
) -> tuple[Film, Analysis, Diagnostics] | None:
    """The film at ``path`` and its axes of alternatives, for ``tune`` and ``review``.

    None (with the diagnostics printed) when the film does not load or has no
    alternatives; ``nothing`` says what the command cannot do without them.
    """
    from screenplay.api import load_film
    from screenplay.backends.protocols import outside_assets
    from screenplay.commands._common import report
    from screenplay.diagnostics import Diagnostics
    from screenplay.syntax.source import Span
    from screenplay.variants import errors
    from screenplay.variants.axes import Analysis

    with outside_assets(allow_outside):
        film, items = load_film(path)
    diags = Diagnostics()
    diags.extend(items)
    analysis = film.script.extra.get("axes") if film is not None else None
    if film is not None and not isinstance(analysis, Analysis):
        diags.error(
            errors.NO_VARIANTS,
            Span(str(path), 0, 0, 0, 0),
            f"this film has no alternatives, so {nothing}",
            "write alternatives: `voice: carlos | joe`, or mark sections "
            "`[[variant ending=happy]]`",
        )
    if film is None or diags.has_errors or not isinstance(analysis, Analysis):
        report(diags.items, film, console=console)
        return None
    return film, analysis, diags


def _executor(args: argparse.Namespace, console: Console) -> tuple[bool, Executor | None]:
    from screenplay.executor import ExecutorUnavailable, RayExecutor, make_executor
    from screenplay.variants import errors

    if args.executor in (None, "local"):
        return True, None
    executor = make_executor(args.executor)
    if isinstance(executor, RayExecutor):
        try:
            executor.start()
        except ExecutorUnavailable as e:
            _fail(console, errors.EXECUTOR_UNAVAILABLE, str(e), args)
            return False, None
    return True, executor


def _fail(console: Console, code: str, message: str, args: argparse.Namespace) -> None:
    from screenplay.commands._common import report
    from screenplay.diagnostics import Diagnostics
    from screenplay.syntax.source import Span

    d = Diagnostics()
    d.error(code, Span(str(args.file), 0, 0, 0, 0), message)
    report(d.items, None, console=console)


def run_variants(args: argparse.Namespace, console: Console) -> int:
    from screenplay.api import load_film
    from screenplay.commands._common import progress_bar, report
    from screenplay.variants.axes import Analysis
    from screenplay.variants.batch import VariantOutcome, build_variants, variant_output
    from screenplay.variants.select import Chosen

    ok, executor = _executor(args, console)
    if not ok:
        return 1
    kwargs: dict[str, Any] = dict(
        quality=args.quality,
        jobs=args.jobs,
        locked=args.locked,
        size=args.size,
        fps=args.fps,
        burn_subtitles=args.burn_subtitles,
        allow_outside_assets=args.allow_outside_assets,
        skip_if_up_to_date=True,
    )
    if args.variant is None and not args.all_variants:
        from screenplay.build import build

        result = build(args.file, args.output, executor=executor, **kwargs)
        failed = report(result.diagnostics, result.film, console=console)
        if not result.ok or failed:
            console.print("[bold red]build failed[/]: no film was written")
            return 1
        from screenplay.build import describe

        what = (
            result.summary
            if result.up_to_date
            else describe(result.timeline)
            if result.timeline
            else ""
        )
        state = "up to date" if result.up_to_date else "built"
        console.print(f"[bold green]{state}[/] {result.output}  ({what})")
        return 0

    # Which variants: read the axes (and check the request) with the front end.
    film, diags = load_film(args.file, args.variant)
    if film is None or any(d.severity.value == "error" for d in diags):
        report(diags, film, console=console)
        console.print("[bold red]build failed[/]: no film was written")
        return 1
    chosen = film.script.extra.get("variant")
    analysis = film.script.extra.get("axes")
    if not isinstance(chosen, Chosen) or not isinstance(analysis, Analysis):
        from screenplay.variants import errors

        _fail(
            console,
            errors.NO_VARIANTS,
            "this film has no alternatives, so no variants",
            args,
        )
        return 1
    if args.all_variants:
        from screenplay.variants.axes import MAX_VARIANTS

        if analysis.count > MAX_VARIANTS:
            from screenplay.variants import errors

            _fail(
                console,
                errors.TOO_MANY_VARIANTS,
                f"{analysis.count} variants; at most {MAX_VARIANTS} are built at once",
                args,
            )
            return 1
        variants = list(analysis.variants())
    else:
        variants = [chosen.variant]
    out = args.output
    if not args.all_variants and out is not None:
        # One variant with -o: exactly that file.
        outputs = {variants[0].id: out}
    else:
        outputs = {v.id: variant_output(args.file, v.id, out) for v in variants}

    outcomes: list[VariantOutcome] = []
    with progress_bar(console, transient=False) as bar:
        task = bar.add_task("Building variants", total=len(variants))

        def on_done(o: VariantOutcome) -> None:
            outcomes.append(o)
            bar.update(task, advance=1)

        if len(variants) == 1 and out is not None:
            import json

            from screenplay.variants.batch import build_one

            kwargs["executor"] = executor
            on_done(
                build_one((str(args.file), str(out), json.dumps(variants[0].as_dict()), kwargs))
            )
        else:
            build_variants(
                args.file, variants, out=out, executor=executor, on_done=on_done, **kwargs
            )
    failed = False
    for o in outcomes:
        failed |= report(o.diagnostics, None, console=console) or not o.ok
        choice = ", ".join(f"{k}={v}" for k, v in o.variant.choice.items())
        if not o.ok:
            console.print(f"[bold red]failed[/] {o.variant.id} ({choice}): no film was written")
            continue
        state = "up to date" if o.up_to_date else "built"
        console.print(
            f"[bold green]{state}[/] {outputs.get(o.variant.id, o.output)}  ({o.summary})"
        )
        console.print(
            f"  {o.variant.id}: {choice}; segments rendered {o.segments_rendered}, "
            f"reused {o.segments_reused}"
        )
    return 1 if failed else 0
