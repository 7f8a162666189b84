"""Diagnostic codes of variants, viewer feedback, ``tune`` and the executors (SP1100–SP1129).

The variants pass reports problems with alternatives in the film (an axis
with one value, a ``[[variant]]`` note in the wrong place); the commands
report a ``--variant`` that names nothing, feedback lines that cannot be used
(skipped and counted, never fatal) and an executor that cannot start.  The
registry (:mod:`screenplay.diagnostics.codes`) merges :data:`CODES`.
"""

from __future__ import annotations

AXIS_ONE_VALUE = "SP1100"
DUPLICATE_ALTERNATIVE = "SP1101"
UNKNOWN_VARIANT = "SP1102"
MISPLACED_VARIANT_NOTE = "SP1103"
STALE_LOCKED_VARIANT = "SP1104"
NESTED_ALTERNATIVES = "SP1105"
TOO_MANY_VARIANTS = "SP1106"
FEEDBACK_NOT_JSON = "SP1107"
FEEDBACK_UNKNOWN_VARIANT = "SP1108"
RATING_OUT_OF_RANGE = "SP1109"
FEEDBACK_UNREADABLE = "SP1110"
EXECUTOR_UNAVAILABLE = "SP1111"
NO_VARIANTS = "SP1112"
BAD_VARIANT_NOTE = "SP1113"

CODES: dict[str, tuple[str, str]] = {
    AXIS_ONE_VALUE: (
        "an axis with one value",
        "A variant slot (`# Ending [[variant ending=happy]]`) needs at least two values "
        "among the sections or scenes that name it, or there is nothing to choose. Mark "
        "the other alternative (`[[variant ending=sad]]`) or remove the note.",
    ),
    DUPLICATE_ALTERNATIVE: (
        "the same alternative twice",
        "`voice: carlos | carlos` lists one value twice: the two variants would be the "
        "same film under two ids. Remove the repetition.",
    ),
    UNKNOWN_VARIANT: (
        "no such variant",
        "`--variant` takes an id from `screenplay variants FILE` (e.g. `--variant 3fa9c2d1`) "
        "or choices written `AXIS=VALUE,AXIS=VALUE` (e.g. `--variant MAN.voice=joe`). "
        "The id or an axis or value named there does not exist in this film.",
    ),
    MISPLACED_VARIANT_NOTE: (
        "a variant note outside a heading",
        "`[[variant SLOT=VALUE]]` marks the section (`# Ending [[variant ending=happy]]`) or "
        "scene (`INT. ROOM - NIGHT [[variant ending=sad]]`) it follows: write it on the "
        "heading's line or on the line right after it. Anywhere else it would mark nothing.",
    ),
    STALE_LOCKED_VARIANT: (
        "the locked variant no longer exists",
        "The lock file's `variant` section (written by `screenplay tune --write-lock`) "
        "chooses an axis or a value the film no longer has; the film's first alternative "
        "is built for that axis. Run `screenplay tune --write-lock` again or edit the lock.",
    ),
    NESTED_ALTERNATIVES: (
        "alternatives inside alternatives",
        "`voice: carlos(rate=1|2) | joe` nests one set of alternatives in another; write "
        "them as one flat list (`carlos(rate=1) | carlos(rate=2) | joe`).",
    ),
    TOO_MANY_VARIANTS: (
        "too many variants",
        "The axes multiply to more variants than can be listed or built at once. Build "
        "chosen variants with `--variant`, or let `screenplay tune` pick which to test next.",
    ),
    FEEDBACK_NOT_JSON: (
        "a feedback line that is not JSON",
        "Each line of a feedback file is one JSON object: "
        '`{"variant": "3fa9c2d1", "viewer": "ann", "rating": 4}` and/or `"watched_s": 52.5`. '
        "A line that is not is skipped (and counted); the rest are used.",
    ),
    FEEDBACK_UNKNOWN_VARIANT: (
        "feedback for a variant the film does not have",
        "The line names a variant id that `screenplay variants FILE` does not list (an old "
        "id from before an axis changed, or a typo). It is skipped and counted.",
    ),
    RATING_OUT_OF_RANGE: (
        "a rating out of range",
        "Ratings are whole or fractional numbers from 1 to 5, and `watched_s` a number of "
        "seconds ≥ 0. A line with anything else is skipped and counted.",
    ),
    FEEDBACK_UNREADABLE: (
        "feedback file unreadable",
        "The feedback file could not be read (missing, not a file, not UTF-8 text).",
    ),
    EXECUTOR_UNAVAILABLE: (
        "executor unavailable",
        "`--executor ray` needs the `ray` package (`pip install 'screenplay[cluster]'`) and, "
        "with `SCREENPLAY_RAY_ADDRESS`, a reachable cluster whose nodes share the cache "
        "folder (`SCREENPLAY_CACHE_DIR` on a shared filesystem).",
    ),
    NO_VARIANTS: (
        "a film without alternatives",
        "`--variant`, `--all-variants`, `tune` and `review` need alternatives in the film: "
        "`voice: carlos | joe`, `[[generate 4 lines seed=1|2]]`, or sections marked "
        "`[[variant ending=happy]]`.",
    ),
    BAD_VARIANT_NOTE: (
        "a variant note that cannot be read",
        "A variant note is `[[variant SLOT=VALUE]]` (or `[[variant SLOT VALUE]]`) with a "
        "slot and a value made of letters, digits, `_` and `-`.",
    ),
}
