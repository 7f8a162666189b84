"""What each directive note means, and how its arguments are read.

Directives are notes, so a printed screenplay ignores them::

    [[music THEME fade-in 2s volume -6dB]]   start cue THEME (fade in over 2 s, 6 dB down)
    [[music THEME stop fade-out 3s]]         stop it
    [[hold 2s]]                              hold the picture for 2 s
    [[generate 12 lines seed=3]]             the dialogue model writes 12 dialogue blocks here
    [[generate 40 words temperature=0.7]]    …or about 40 words
    [[transition dissolve 1.5s]]             how the next shot begins
    [[camera push-in]]                       slow move on the current still (Ken Burns)
    [[narration off]]                        stop voicing action from here on
    [[shot close MAN]]                       frame the next beat (see screenplay.staging)
    [[enter WOMAN]]  [[exit MAN]]            who comes into / leaves the scene here
    [[place MAN left far]]                   where a character stands in this scene

An option may be written ``fade-in 2s`` or ``fade-in=2s``.  :func:`interpret`
returns a plain dict for the passes and a list of problems for the check pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from screenplay.diagnostics.codes import (
    BAD_DIRECTIVE_ARGUMENTS,
    DURATION_TOO_LONG,
    UNSUPPORTED_DIRECTIVE_OPTION,
)
from screenplay.diagnostics.core import suggestion
from screenplay.syntax import ast
from screenplay.syntax.source import Span

TRANSITIONS = ("cut", "dissolve", "fade", "fade-in", "fade-out", "fade-black", "smash", "morph")
SHOT_FRAMINGS = ("wide", "two", "group", "single", "close", "ots", "insert", "split")
CAMERA_MOVES = ("still", "push-in", "pull-out", "pan-left", "pan-right", "pan-up", "pan-down")


#: The longest film `check` accepts (SP0314), in seconds.
MAX_FILM_S = 6 * 3600.0
#: The longest single hold, transition, fade and camera move (SP0313), in seconds.
MAX_HOLD_S = 3600.0
MAX_TRANSITION_S = 60.0
MAX_FADE_S = 600.0
MAX_CAMERA_S = 3600.0


@dataclass(frozen=True)
class DirectiveSpec:
    positional: tuple[tuple[str, str], ...] = ()  # (name, type)
    required: int = 0
    options: dict[str, str] = field(default_factory=dict)  # name → type
    flags: tuple[str, ...] = ()
    doc: str = ""
    #: duration argument/option → the most seconds it may ask for (SP0313)
    limits: dict[str, float] = field(default_factory=dict)
    #: options people write that this directive does not support → what to do instead (SP0315)
    unsupported: dict[str, str] = field(default_factory=dict)


SPECS: dict[str, DirectiveSpec] = {
    "music": DirectiveSpec(
        positional=(("cue", "name"),),
        required=1,
        options={
            "fade-in": "duration",
            "fade-out": "duration",
            "volume": "level",
        },
        flags=("start", "stop"),
        doc="[[music CUE (start|stop) fade-in 2s fade-out 3s volume -6dB]]",
        limits={"fade-in": MAX_FADE_S, "fade-out": MAX_FADE_S},
        unsupported={
            "offset": "to start a music file part-way in, give the cue's file an offset: "
            '`music: file(path="theme.wav", offset=12s)`',
        },
    ),
    "hold": DirectiveSpec(
        positional=(("duration", "duration"),),
        required=1,
        doc="[[hold 2s]]",
        limits={"duration": MAX_HOLD_S},
    ),
    "generate": DirectiveSpec(
        positional=(("count", "int"), ("unit", "choice:lines,words")),
        required=1,
        options={
            "seed": "int",
            "temperature": "float",
            "model": "str",
            "top_p": "float",
            "new_characters": "bool",
            "candidates": "int",
        },
        doc='[[generate 12 lines seed=3 temperature=0.8 top_p=0.95 model="gemma3"]]',
    ),
    "transition": DirectiveSpec(
        positional=(("kind", "choice:" + ",".join(TRANSITIONS)), ("duration", "duration")),
        required=1,
        doc="[[transition dissolve 1.5s]]",
        limits={"duration": MAX_TRANSITION_S},
    ),
    "camera": DirectiveSpec(
        positional=(("move", "choice:" + ",".join(CAMERA_MOVES)),),
        required=1,
        options={"amount": "float", "duration": "duration"},
        doc="[[camera push-in amount=0.15]]",
        limits={"duration": MAX_CAMERA_S},
    ),
    "narration": DirectiveSpec(
        positional=(("state", "bool"),), required=1, doc="[[narration off]]"
    ),
    "subtitles": DirectiveSpec(
        positional=(("state", "bool"),), required=1, doc="[[subtitles off]]"
    ),
    # -- staging and shots (screenplay.staging; codes SP0900–SP0919) --------------
    "shot": DirectiveSpec(
        positional=(("framing", "choice:" + ",".join(SHOT_FRAMINGS)), ("who", "name")),
        required=1,
        doc="[[shot close MAN]]  (wide, two, group, single, close, ots, insert, split)",
    ),
    "enter": DirectiveSpec(positional=(("who", "name"),), required=1, doc="[[enter WOMAN]]"),
    "exit": DirectiveSpec(positional=(("who", "name"),), required=1, doc="[[exit MAN]]"),
    "place": DirectiveSpec(
        positional=(
            ("who", "name"),
            ("side", "choice:left,center,centre,right"),
            ("depth", "choice:near,far"),
        ),
        required=2,
        doc="[[place MAN left far]]",
    ),
}


@dataclass(frozen=True)
class DirectiveProblem:
    code: str
    span: Span
    message: str
    help: str = ""
    label: str = ""


def _coerce(kind: str, value: ast.Value) -> tuple[Any, str | None]:
    """(value, None) or (None, expected-description)."""
    if kind == "duration":
        if isinstance(value, ast.Num) and value.unit in ("s", "") and value.value >= 0:
            return float(value.value), None
        return None, "a duration such as `2s`"
    if kind == "level":
        if isinstance(value, ast.Num) and value.unit in ("dB", ""):
            return float(value.value), None
        return None, "a level such as `-6dB`"
    if kind == "int":
        if isinstance(value, ast.Num) and value.is_int:
            return int(value.value), None
        return None, "a whole number"
    if kind == "float":
        if isinstance(value, ast.Num) and value.unit == "":
            return float(value.value), None
        return None, "a number"
    if kind == "str":
        if isinstance(value, ast.Str | ast.Name):
            return value.value, None
        return None, "a string"
    if kind == "name":
        if isinstance(value, ast.Str | ast.Name):
            return value.value, None
        return None, "a name"
    if kind == "bool":
        if isinstance(value, ast.Bool):
            return value.value, None
        return None, "on or off"
    if kind.startswith("choice:"):
        choices = kind[7:].split(",")
        if isinstance(value, ast.Name | ast.Str) and value.value.lower() in choices:
            return value.value.lower(), None
        return None, "one of " + ", ".join(f"`{c}`" for c in choices)
    raise ValueError(kind)


def interpret(d: ast.Directive) -> tuple[dict[str, Any], list[DirectiveProblem]]:
    """The directive's arguments as a dict (``{"cue": "THEME", "fade-in": 2.0}``) and problems.

    Check, fill and bind all ask; the directive is read once (``_lower`` is
    memoised on the node, which is a frozen value) and each caller gets its own
    copies to use.
    """
    args, problems = _lower(d)
    return dict(args), list(problems)


@lru_cache(maxsize=4096)
def _lower(d: ast.Directive) -> tuple[dict[str, Any], tuple[DirectiveProblem, ...]]:
    args, problems = _interpret(d)
    return args, tuple(problems)


def _interpret(d: ast.Directive) -> tuple[dict[str, Any], list[DirectiveProblem]]:
    spec = SPECS[d.name]
    out: dict[str, Any] = {}
    problems: list[DirectiveProblem] = []
    args = list(d.args)
    pos_i = 0
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg.key is not None:
            key = arg.key
            if key in spec.unsupported:
                problems.append(_unsupported(d, key, arg.key_span or arg.span, spec))
                continue
            if key not in spec.options:
                problems.append(
                    DirectiveProblem(
                        BAD_DIRECTIVE_ARGUMENTS.code,
                        arg.key_span or arg.span,
                        f"`{d.name}` has no option `{key}`",
                        suggestion(key, list(spec.options), "options") or f"usage: {spec.doc}",
                        "unknown option",
                    )
                )
                continue
            v, expected = _coerce(spec.options[key], arg.value)
            if expected:
                problems.append(
                    DirectiveProblem(
                        BAD_DIRECTIVE_ARGUMENTS.code,
                        arg.value.span,
                        f"`{key}` expects {expected}",
                        f"usage: {spec.doc}",
                        f"expected {expected}",
                    )
                )
            else:
                out[key] = v
            continue
        value = arg.value
        word = value.value if isinstance(value, ast.Name) else None
        if word is not None and word in spec.unsupported and pos_i >= spec.required:
            problems.append(_unsupported(d, word, value.span, spec))
            if i < len(args) and args[i].key is None:
                i += 1  # its value goes with it
            continue
        # `fade-in 2s` — an option name followed by its value
        if word is not None and word in spec.options and pos_i >= spec.required:
            if i < len(args) and args[i].key is None:
                nxt = args[i]
                i += 1
                v, expected = _coerce(spec.options[word], nxt.value)
                if expected:
                    problems.append(
                        DirectiveProblem(
                            BAD_DIRECTIVE_ARGUMENTS.code,
                            nxt.value.span,
                            f"`{word}` expects {expected}",
                            f"usage: {spec.doc}",
                            f"expected {expected}",
                        )
                    )
                else:
                    out[word] = v
            else:
                problems.append(
                    DirectiveProblem(
                        BAD_DIRECTIVE_ARGUMENTS.code,
                        value.span,
                        f"`{word}` needs a value",
                        f"usage: {spec.doc}",
                        "no value",
                    )
                )
            continue
        if word is not None and word in spec.flags and pos_i >= spec.required:
            out[word] = True
            continue
        if pos_i < len(spec.positional):
            name, kind = spec.positional[pos_i]
            pos_i += 1
            v, expected = _coerce(kind, value)
            if expected:
                problems.append(
                    DirectiveProblem(
                        BAD_DIRECTIVE_ARGUMENTS.code,
                        value.span,
                        f"`{d.name}` expects {expected} for `{name}`",
                        f"usage: {spec.doc}",
                        f"expected {expected}",
                    )
                )
            else:
                out[name] = v
            continue
        known = list(spec.options) + list(spec.flags)
        shown = ast.plain(value) if not isinstance(value, ast.Call) else value.name
        problems.append(
            DirectiveProblem(
                BAD_DIRECTIVE_ARGUMENTS.code,
                value.span,
                f"unexpected argument `{shown}` for `{d.name}`",
                (suggestion(str(shown), known, "options") if word else "") or f"usage: {spec.doc}",
                "unexpected",
            )
        )
    for name, limit in spec.limits.items():
        seconds = out.get(name)
        if isinstance(seconds, float) and seconds > limit:
            what = f"a {d.name}" if name == "duration" else f"a `{name}`"
            problems.append(
                DirectiveProblem(
                    DURATION_TOO_LONG.code,
                    _span_of(d, name) or d.span,
                    f"{what} of {_fmt_s(seconds)} is too long",
                    f"{what} is at most {_fmt_s(limit)}, and a whole film at most "
                    f"{_fmt_s(MAX_FILM_S)}",
                    "too long",
                )
            )
            del out[name]
    if pos_i < spec.required:
        missing = spec.positional[pos_i][0]
        problems.append(
            DirectiveProblem(
                BAD_DIRECTIVE_ARGUMENTS.code,
                d.name_span or d.span,
                f"`{d.name}` needs a {missing}",
                f"usage: {spec.doc}",
                f"missing {missing}",
            )
        )
    return out, problems


def _unsupported(
    d: ast.Directive, option: str, span: Span, spec: DirectiveSpec
) -> DirectiveProblem:
    return DirectiveProblem(
        UNSUPPORTED_DIRECTIVE_OPTION.code,
        span,
        f"`{d.name}` does not support `{option}`",
        spec.unsupported[option],
        "not supported here",
    )


def _span_of(d: ast.Directive, name: str) -> Span | None:
    """The span of the argument that gave ``name`` (keyword, ``name value`` or positional)."""
    spec = SPECS[d.name]
    args = list(d.args)
    for k, a in enumerate(args):
        if a.key == name:
            return a.value.span
        if isinstance(a.value, ast.Name) and a.value.value == name and k + 1 < len(args):
            return args[k + 1].value.span
    pos_names = [p for p, _ in spec.positional]
    if name in pos_names:
        durations = [a for a in args if a.key is None and isinstance(a.value, ast.Num)]
        if durations:
            return durations[0].value.span
    return None


def fmt_seconds(seconds: float) -> str:
    """``90`` → ``1.5 min``, ``7200`` → ``2 h``: durations as a filmmaker reads them."""
    if seconds >= 3600:
        hours = seconds / 3600
        return f"{hours:.4g} h" if hours < 1000 else f"{hours:,.0f} h"
    if seconds >= 120:
        return f"{seconds / 60:.4g} min"
    return f"{seconds:.4g} s"


_fmt_s = fmt_seconds
