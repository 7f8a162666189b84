"""Choosing a variant and lowering the film to it, before resolve.

The film is parsed once as written (alternatives kept: :mod:`screenplay.variants.axes`
reads the axes).  When it has axes, the chosen variant is *lowered into the
source text*: each ``A | B | C`` becomes the chosen option, written where it
stood (the text before it blanked, so the option keeps its line and column),
and the lines of every section or scene marked with another value of a slot
become empty lines.  The lowered text is parsed again and everything after
(resolve, check, fill with its lock keys, diagnostics with their line
numbers) sees an ordinary film.  A film without alternatives is not touched
at all, so its build is byte-identical to what it was.

Which variant: the one asked for (``--variant ID`` or ``AXIS=VALUE,…``), else
the one the lock file records (``screenplay tune --write-lock``), else every
axis's first value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from screenplay.diagnostics import Diagnostic, Diagnostics
from screenplay.diagnostics.core import did_you_mean
from screenplay.syntax import ast
from screenplay.syntax.parser import parse_source
from screenplay.syntax.source import Source, Span
from screenplay.variants import errors
from screenplay.variants.axes import Analysis, Variant, analyze


@dataclass(frozen=True)
class Chosen:
    """The variant a film was lowered to (kept in ``Script.extra["variant"]``)."""

    variant: Variant
    #: Where the choice came from: "default", "lock" or "request".
    origin: str


def lower(source: Source, analysis: Analysis, choice: Mapping[str, str]) -> str:
    """The source text of one variant (line numbers and the chosen options' columns kept)."""
    text = source.text
    edits: list[tuple[int, int, str]] = []
    for axis in analysis.axes:
        if axis.kind != "value":
            continue
        index = axis.values.index(choice.get(axis.name, axis.default))
        for occ in axis.occurrences:
            start, end = occ.options[index]
            before = "".join("\n" if c == "\n" else " " for c in text[occ.start : start])
            after = "\n" * text[end : occ.end].count("\n")
            edits.append((occ.start, occ.end, before + text[start:end] + after))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    blank: set[int] = set()
    for axis in analysis.axes:
        if axis.kind != "slot":
            continue
        keep = choice.get(axis.name, axis.default)
        for region in axis.regions:
            if region.value != keep:
                blank.update(range(region.first_line, region.last_line + 1))
    if blank:
        lines = text.split("\n")
        text = "\n".join("" if n + 1 in blank else line for n, line in enumerate(lines))
    return text


def parse_choice(
    request: str, analysis: Analysis, diags: Diagnostics, where: Span
) -> dict[str, str] | None:
    """``3fa9c2d1`` (an id) or ``MAN.voice=joe,ending=sad`` → the choice; None after SP1102."""
    request = request.strip()
    if "=" not in request:
        ids = {v.id: v for v in _bounded_variants(analysis)}
        if request in ids:
            return dict(ids[request].choice)
        close = did_you_mean(request, list(ids), cutoff=0.5)
        diags.error(
            errors.UNKNOWN_VARIANT,
            where,
            f"this film has no variant `{request}`",
            (f"did you mean `{close}`?\n" if close else "")
            + "`screenplay variants FILE` lists the ids; or choose by axis: "
            "`--variant AXIS=VALUE,AXIS=VALUE`",
        )
        return None
    choice: dict[str, str] = {}
    ok = True
    for part in request.split(","):
        name, _, value = part.partition("=")
        name, value = name.strip(), value.strip()
        axis = analysis.axis(name)
        if axis is None:
            close = did_you_mean(name, [a.name for a in analysis.axes])
            axes = ", ".join(f"`{a.name}`" for a in analysis.axes)
            diags.error(
                errors.UNKNOWN_VARIANT,
                where,
                f"this film has no axis `{name}`",
                (f"did you mean `{close}`?\n" if close else "") + f"its axes: {axes}",
            )
            ok = False
            continue
        if value not in axis.values:
            close = did_you_mean(value, axis.values)
            vals = ", ".join(f"`{v}`" for v in axis.values)
            diags.error(
                errors.UNKNOWN_VARIANT,
                where,
                f"`{name}` has no value `{value}`",
                (f"did you mean `{close}`?\n" if close else "") + f"its values: {vals}",
            )
            ok = False
            continue
        choice[name] = value
    return analysis.complete(choice) if ok else None


def _bounded_variants(analysis: Analysis) -> list[Variant]:
    from screenplay.variants.axes import MAX_VARIANTS

    out: list[Variant] = []
    for v in analysis.variants():
        out.append(v)
        if len(out) >= MAX_VARIANTS:
            break
    return out


def locked_choice(path: Path | None) -> tuple[dict[str, str], Span | None]:
    """The variant recorded in the film's lock file, if any (a broken lock reads as none:
    the fill pass reports it)."""
    if path is None:
        return {}, None
    from screenplay.dialogue.lock import LockError, LockFile

    lock_path = path.with_name(path.name + ".lock")
    try:
        lock = LockFile.load(lock_path)
    except (LockError, OSError):
        return {}, None
    return dict(lock.variant), Span(str(lock_path), 0, 0, 0, 0)


def parse_variant(
    source: Source,
    path: Path | None,
    diags: Diagnostics,
    request: str | Mapping[str, str] | None = None,
) -> ast.Script:
    """Parse ``source`` as the requested variant (see the module docstring)."""
    first = Diagnostics()
    script, _ = parse_source(source, first)
    analysis = analyze(script, source, first)
    if not analysis.axes:
        diags.extend(first.items)
        if request is not None:
            diags.error(
                errors.NO_VARIANTS,
                Span(source.name, 0, 0, 0, 0),
                "this film has no alternatives, so no variants",
                "write alternatives: `voice: carlos | joe`, or mark sections "
                "`[[variant ending=happy]]`",
            )
        return script
    where = Span(source.name, 0, 0, 0, 0)
    origin = "default"
    choice: dict[str, str] | None = None
    if isinstance(request, str):
        choice = parse_choice(request, analysis, first, where)
        origin = "request"
    elif request is not None:
        choice = analysis.complete(request)
        origin = "request"
    else:
        locked, lock_span = locked_choice(path)
        if locked:
            choice = {}
            for name, value in locked.items():
                axis = analysis.axis(name)
                if axis is None or value not in axis.values:
                    first.warning(
                        errors.STALE_LOCKED_VARIANT,
                        lock_span or where,
                        f"the lock chooses `{name}: {value}`, which this film no longer has",
                        "the first alternative is built; run `screenplay tune --write-lock` "
                        "again or edit the lock's `variant` section",
                    )
                    continue
                choice[name] = value
            choice = analysis.complete(choice)
            origin = "lock"
    if choice is None:
        choice = analysis.default_choice()
        if request is not None:
            origin = "default"
    variant = analysis.variant(choice)
    lowered = Source(source.name, lower(source, analysis, choice), source.path)
    second = Diagnostics()
    result, _ = parse_source(lowered, second)
    # The first parse saw the whole file (every alternative); the second repeats
    # most of its findings.  Report each problem once.
    seen = {_key(d) for d in first.items}
    diags.extend(first.items)
    diags.extend(d for d in second.items if _key(d) not in seen)
    result.extra["variant"] = Chosen(variant, origin)
    result.extra["axes"] = analysis
    result.extra["lowered_source"] = lowered
    return result


def _key(d: Diagnostic) -> tuple[str, str, str]:
    return (d.code, str(d.span), d.message)
