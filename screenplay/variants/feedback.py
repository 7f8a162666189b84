"""Viewer feedback: one JSON object per line, read leniently.

::

    {"variant": "4f53cda1", "viewer": "ann", "rating": 4}
    {"variant": "196ce6b6", "viewer": "bob", "watched_s": 21.5, "duration_s": 30.0}
    {"variant": "196ce6b6", "viewer": "bob", "rating": 2, "watched_s": 30.0}

``rating`` is 1–5 (fractions allowed); ``watched_s`` how long the viewer
watched, ``duration_s`` how long the film is (the review page writes both;
without it the built ``FILE.ID.mp4`` is measured).  A line that is not JSON,
names a variant the film does not have, or holds a value out of range is
skipped: a warning says where, the count is reported, and the rest is used —
feedback files are collected from many people and one bad line must never
throw the others away.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

from screenplay.diagnostics import Diagnostics
from screenplay.syntax.source import Span
from screenplay.variants import errors

#: Individual warnings per kind of problem; beyond this only the count is reported.
MAX_WARNINGS = 5
RATING_MIN = 1.0
RATING_MAX = 5.0


@dataclass(frozen=True)
class Record:
    variant: str
    viewer: str
    rating: float | None
    watched_s: float | None
    duration_s: float | None
    line: int


@dataclass
class Feedback:
    records: list[Record] = field(default_factory=list)
    #: skipped lines by reason: "not_json", "unknown_variant", "out_of_range"
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def total_skipped(self) -> int:
        return sum(self.skipped.values())


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    v = float(value)
    return v if math.isfinite(v) else None


def read_feedback(
    path: Path,
    known: Collection[str],
    diags: Diagnostics,
    *,
    duration_of: Callable[[str], float | None] | None = None,
) -> Feedback:
    """Read ``path``; ``known`` are the film's variant ids.  Problems are warnings in ``diags``
    (SP1107–SP1109, at most :data:`MAX_WARNINGS` of each kind); an unreadable file is
    error SP1110."""
    from screenplay.syntax.files import UnusableFile, read_user_bytes

    fb = Feedback()
    try:
        raw = read_user_bytes(Path(path), 256 * 1024 * 1024)
        text = raw.decode("utf-8")
    except UnusableFile as e:
        diags.error(
            errors.FEEDBACK_UNREADABLE,
            Span(str(path), 0, 0, 0, 0),
            f"cannot read the feedback file {path}: {'no such file' if e.missing else e.reason}",
        )
        return fb
    except UnicodeDecodeError:
        diags.error(
            errors.FEEDBACK_UNREADABLE,
            Span(str(path), 0, 0, 0, 0),
            f"the feedback file {path} is not UTF-8 text",
        )
        return fb
    warned: dict[str, int] = {}

    def skip(kind: str, code: str, lineno: int, line: str, message: str, help: str) -> None:  # noqa: A002
        fb.skipped[kind] = fb.skipped.get(kind, 0) + 1
        warned[kind] = warned.get(kind, 0) + 1
        if warned[kind] <= MAX_WARNINGS:
            end = max(2, len(line) + 1)
            diags.warning(code, Span(str(path), lineno, 1, lineno, end), message, help, "skipped")

    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            skip(
                "not_json",
                errors.FEEDBACK_NOT_JSON,
                lineno,
                line,
                "this feedback line is not JSON",
                'each line is one object: {"variant": "ID", "viewer": "NAME", "rating": 4}',
            )
            continue
        if not isinstance(obj, dict):
            skip(
                "not_json",
                errors.FEEDBACK_NOT_JSON,
                lineno,
                line,
                "this feedback line is not a JSON object",
                'each line is one object: {"variant": "ID", "viewer": "NAME", "rating": 4}',
            )
            continue
        vid = obj.get("variant")
        if not isinstance(vid, str) or vid not in known:
            from screenplay.diagnostics.core import did_you_mean

            close = did_you_mean(str(vid), list(known), cutoff=0.6) if vid else None
            skip(
                "unknown_variant",
                errors.FEEDBACK_UNKNOWN_VARIANT,
                lineno,
                line,
                f"this film has no variant `{vid}`" if vid else "this line names no `variant`",
                (f"did you mean `{close}`? " if close else "")
                + "`screenplay variants FILE` lists the ids",
            )
            continue
        rating = obj.get("rating")
        watched = obj.get("watched_s")
        duration = obj.get("duration_s")
        r = _number(rating) if rating is not None else None
        w = _number(watched) if watched is not None else None
        d = _number(duration) if duration is not None else None
        bad = (
            (rating is not None and (r is None or not RATING_MIN <= r <= RATING_MAX))
            or (watched is not None and (w is None or w < 0))
            or (duration is not None and (d is None or d <= 0))
            or (rating is None and watched is None)
        )
        if bad:
            skip(
                "out_of_range",
                errors.RATING_OUT_OF_RANGE,
                lineno,
                line,
                "a rating must be a number from 1 to 5"
                if rating is not None and (r is None or not RATING_MIN <= r <= RATING_MAX)
                else "this line has no usable `rating` or `watched_s`",
                "`rating`: 1–5; `watched_s`: seconds ≥ 0; `duration_s`: seconds > 0",
            )
            continue
        if w is not None and d is None and duration_of is not None:
            d = duration_of(vid)
        viewer = obj.get("viewer")
        fb.records.append(Record(vid, str(viewer) if viewer is not None else "", r, w, d, lineno))
    for kind, n in warned.items():
        if n > MAX_WARNINGS:
            code = {
                "not_json": errors.FEEDBACK_NOT_JSON,
                "unknown_variant": errors.FEEDBACK_UNKNOWN_VARIANT,
            }.get(kind, errors.RATING_OUT_OF_RANGE)
            diags.warning(
                code,
                Span(str(path), 0, 0, 0, 0),
                f"{n - MAX_WARNINGS} more lines like these were skipped",
            )
    return fb
