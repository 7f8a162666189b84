"""Turn production values into :class:`AssetSpec` s, checking them against schemas.

Shared by the resolve pass (declarations in the film) and the stdlib loader
(presets).  A value becomes a spec in one of four ways::

    "faces/woman.png"         → constructor "file", params {"path": <abs Path>}
    carlos                    → the preset `carlos` of that kind
    carlos(rate=1.1)          → the preset with parameters overridden
    portrait(seed=7, age=45)  → a constructor call

Arguments are checked against the constructor's typed :class:`Param` s
(SP0301 wrong type, SP0302 unknown parameter, SP0303 out of range, SP0304
missing file) and defaults are filled in, so engines receive plain, valid
values.  A parameter named ``seed`` that is not given is derived from the
owner's name, so auto-generated faces and sets are deterministic per film.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from screenplay.backends import registry
from screenplay.backends.protocols import (
    AssetKind,
    AssetSpec,
    Constructor,
    FrozenParams,
    Param,
    UserPathError,
    resolve_user_path,
)
from screenplay.diagnostics import Diagnostics
from screenplay.diagnostics.codes import (
    FILE_NOT_FOUND,
    UNKNOWN_CONSTRUCTOR,
    UNKNOWN_NAME,
    UNKNOWN_PARAMETER,
    UNUSABLE_FILE_PATH,
    VALUE_OUT_OF_RANGE,
    WRONG_ARGUMENT_TYPE,
)
from screenplay.diagnostics.core import suggestion
from screenplay.syntax import ast
from screenplay.syntax.files import path_problem, probe
from screenplay.syntax.source import Span

#: What a `file` constructor accepts, for kinds whose engine package does not declare one.
FILE_PARAM = Param("path", "path", None, "a file, relative to the film")


def derived_seed(*parts: str) -> int:
    """A stable 31-bit seed from names (same film text → same seed, on every machine)."""
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(h[:4], "big") & 0x7FFFFFFF


def schema_defaults(ctor: Constructor) -> dict[str, Any]:
    """The parameters ``ctor`` gives a value to when the film does not.

    The one place a spec's defaults are merged: every spec the resolve pass
    makes (a call, a file, a preset's base, an auto-cast face, a procedural
    set) starts from these, so engines receive complete parameters.
    """
    return {p.name: p.default for p in ctor.params if p.default is not None}


def make_spec(
    kind: AssetKind,
    constructor: str,
    params: Mapping[str, Any],
    *,
    label: str = "",
    preset: str | None = None,
) -> AssetSpec:
    return AssetSpec(kind, constructor, FrozenParams(params), label, preset)


class SpecBuilder:
    """Converts values of one film (or module) into specs, reporting into ``diags``."""

    def __init__(
        self,
        base_dir: Path,
        presets: Mapping[AssetKind, Mapping[str, AssetSpec]],
        diags: Diagnostics,
        check_files: bool = True,
    ) -> None:
        self.base_dir = base_dir
        self.presets = presets
        self.diags = diags
        self.check_files = check_files

    # ------------------------------------------------------------------ api
    def spec(
        self, kind: AssetKind, value: ast.Value, owner: str, label: str = ""
    ) -> AssetSpec | None:
        if isinstance(value, ast.Str):
            return self._file(kind, value, owner, label)
        if isinstance(value, ast.Name):
            preset = self.presets.get(kind, {}).get(value.value)
            if preset is not None:
                return preset
            ctor = registry.lookup(kind, value.value)
            if ctor is not None:
                return self._call(kind, ctor, (), value.span, owner, label)
            self._unknown_name(kind, value.value, value.span)
            return None
        if isinstance(value, ast.Call):
            preset = self.presets.get(kind, {}).get(value.name)
            if preset is not None:
                ctor = registry.lookup(kind, preset.constructor)
                if ctor is None:
                    return preset
                base = dict(preset.params)
                overrides = self._args(kind, ctor, value.args, owner)
                if overrides is None:
                    return None
                base.update(overrides)
                # A preset retuned (`voice: carlos(rate=1.1)`) is still that preset: keep
                # its description (credits, `screenplay voices`); only a new preset's
                # own description replaces it.
                own = label if owner.startswith("preset:") else ""
                return make_spec(
                    kind, ctor.name, base, label=own or preset.label, preset=preset.preset
                )
            ctor = registry.lookup(kind, value.name)
            if ctor is None:
                ctors = registry.constructors(kind)
                self.diags.report(
                    UNKNOWN_CONSTRUCTOR,
                    value.name_span or value.span,
                    f"unknown {_kind_word(kind)} constructor `{value.name}`",
                    suggestion(value.name, list(ctors) + list(self.presets.get(kind, {})), "here"),
                    "not a constructor or preset",
                )
                return None
            return self._call(kind, ctor, value.args, value.span, owner, label)
        self.diags.report(
            WRONG_ARGUMENT_TYPE,
            value.span,
            f"a {_kind_word(kind)} is {ast.describe(value)} here",
            f"write a preset name, a constructor call such as `{_example(kind)}`, "
            "or a file path in quotes",
            "expected a preset, a call or a file",
        )
        return None

    # ------------------------------------------------------------ internals
    def user_file(self, value: ast.Str) -> Path | None:
        """The file a quoted path names (relative to the film), or None after a diagnostic.

        The one place a quoted path becomes a file: ``resolve_user_path`` confines it to
        the film's project (SP0809) and refuses names the system cannot take; then
        :func:`screenplay.syntax.files.probe` (which never raises) tells a missing file
        from a folder, a FIFO or a device.
        """
        problem = path_problem(value.value)
        if problem is None:
            try:
                path = resolve_user_path(self.base_dir, value.value)
            except UserPathError as e:
                self.diags.error(e.code, value.span, e.message, e.help, "cannot use this path")
                return None
            if not self.check_files:
                return path
            problem = probe(path)
        if problem is None:
            return path
        if problem == "no such file":
            self.diags.report(
                FILE_NOT_FOUND,
                value.span,
                f"file not found: {_clip(value.value)}",
                f"paths are relative to the film's folder ({self.base_dir})",
                "no such file",
            )
        else:
            self.diags.report(
                UNUSABLE_FILE_PATH,
                value.span,
                f"cannot use {_clip(value.value)!r} as a file: {problem}",
                "name an image or audio file, relative to the film's folder",
                "unusable path",
            )
        return None

    def _file(self, kind: AssetKind, value: ast.Str, owner: str, label: str) -> AssetSpec | None:
        path = self.user_file(value)
        if path is None:
            return None
        ctor = registry.lookup(kind, "file")
        params: dict[str, Any] = {"path": path}
        if ctor is not None:
            params.update((k, v) for k, v in schema_defaults(ctor).items() if k != "path")
        return make_spec(kind, "file", params, label=label or Path(value.value).name)

    def _call(
        self,
        kind: AssetKind,
        ctor: Constructor,
        args: tuple[ast.Arg, ...],
        span: Span,
        owner: str,
        label: str,
    ) -> AssetSpec | None:
        given = self._args(kind, ctor, args, owner)
        if given is None:
            return None
        params = schema_defaults(ctor)
        if ctor.param("seed") is not None and "seed" not in given:
            params["seed"] = derived_seed(kind, owner)
        params.update(given)
        for p in ctor.params:
            if p.type == "model" and isinstance(params.get(p.name), str):
                # the weights' hashes are part of the spec, so every cache keyed on it
                # (rendered segments included) follows a model replaced in place
                from screenplay.backends.weights import identity_of

                params[f"{p.name}_files"] = identity_of(params[p.name])
        return make_spec(kind, ctor.name, params, label=label)

    def _args(
        self, kind: AssetKind, ctor: Constructor, args: tuple[ast.Arg, ...], owner: str
    ) -> dict[str, Any] | None:
        out: dict[str, Any] = {}
        ok = True
        positional_params = [p for p in ctor.params]
        pos_i = 0
        for arg in args:
            if arg.key is None:
                if pos_i >= len(positional_params):
                    self.diags.report(
                        UNKNOWN_PARAMETER,
                        arg.span,
                        f"`{ctor.name}` takes no more positional arguments",
                        "name the argument: `key=value`",
                        "extra argument",
                    )
                    ok = False
                    continue
                param = positional_params[pos_i]
                pos_i += 1
            else:
                found = ctor.param(arg.key)
                if found is None:
                    self.diags.report(
                        UNKNOWN_PARAMETER,
                        arg.key_span or arg.span,
                        f"`{ctor.name}` has no parameter `{arg.key}`",
                        suggestion(arg.key, [p.name for p in ctor.params], "parameters"),
                        "unknown parameter",
                    )
                    ok = False
                    continue
                param = found
            value = self.param_value(param, arg.value, f"`{ctor.name}`")
            if value is _BAD:
                ok = False
            else:
                out[param.name] = value
        return out if ok else None

    def param_value(self, param: Param, value: ast.Value, where: str) -> Any:
        """Check one argument against its parameter; report and return _BAD on error."""
        t = param.type
        v: Any
        if t == "str":
            if not isinstance(value, ast.Str | ast.Name):
                return self._type_error(param, value, where, "a string in quotes")
            v = value.value
        elif t == "int":
            if not (isinstance(value, ast.Num) and value.is_int):
                return self._type_error(param, value, where, "a whole number")
            v = int(value.value)
        elif t == "float":
            if not (isinstance(value, ast.Num) and value.unit in ("", "dB")):
                return self._type_error(param, value, where, "a number")
            v = float(value.value)
        elif t == "bool":
            if not isinstance(value, ast.Bool):
                return self._type_error(param, value, where, "true or false")
            v = value.value
        elif t == "duration":
            if not (isinstance(value, ast.Num) and value.unit in ("", "s")):
                return self._type_error(param, value, where, "a duration such as `2s`")
            v = float(value.value)
        elif t == "path":
            if not isinstance(value, ast.Str):
                return self._type_error(param, value, where, "a file path in quotes")
            found = self.user_file(value)
            if found is None:
                return _BAD
            path = found
            v = path
        elif t == "model":
            if not isinstance(value, ast.Str | ast.Name):
                return self._type_error(param, value, where, "a model folder or id in quotes")
            v = self.model_ref(value)
            if v is _BAD:
                return _BAD
        elif t == "choice":
            if not isinstance(value, ast.Str | ast.Name):
                return self._type_error(param, value, where, "one of " + ", ".join(param.choices))
            v = value.value
            if param.choices and v not in param.choices:
                self.diags.report(
                    VALUE_OUT_OF_RANGE,
                    value.span,
                    f"`{v}` is not a choice for `{param.name}`",
                    suggestion(str(v), param.choices, "choices"),
                    "not a choice",
                )
                return _BAD
        else:
            v = ast.plain(value)
        if isinstance(v, int | float) and not isinstance(v, bool):
            if (param.min is not None and v < param.min) or (
                param.max is not None and v > param.max
            ):
                rng = f"{_fmt(param.min)} … {_fmt(param.max)}"
                self.diags.report(
                    VALUE_OUT_OF_RANGE,
                    value.span,
                    f"`{param.name}` = {_fmt(v)} is out of range",
                    f"{param.name} must be within {rng}",
                    "out of range",
                )
                return _BAD
        return v

    def model_ref(self, value: ast.Str | ast.Name) -> Any:
        """A ``model=`` value: a folder beside the film becomes its absolute path, else the id.

        Model weights are looked up by the engine (``screenplay.backends.weights``);
        only a folder that exists relative to the film is resolved here, through the
        same project confinement as any other user path (SP0809).
        """
        raw = str(value.value)
        if not raw.startswith(("/", ".", "~")) and not (self.base_dir / raw).exists():
            return raw  # an id: the engine looks in $SCREENPLAY_MODELS and the hub cache
        try:
            return str(resolve_user_path(self.base_dir, raw))
        except UserPathError as e:
            self.diags.error(e.code, value.span, e.message, e.help, "cannot use this path")
            return _BAD

    def _type_error(self, param: Param, value: ast.Value, where: str, expected: str) -> Any:
        self.diags.report(
            WRONG_ARGUMENT_TYPE,
            value.span,
            f"`{param.name}` of {where} expects {expected}, found {ast.describe(value)}",
            param.doc or f"write {expected}",
            f"expected {expected}",
        )
        return _BAD

    def _unknown_name(self, kind: AssetKind, name: str, span: Span) -> None:
        names = list(self.presets.get(kind, {})) + list(registry.constructors(kind))
        help = suggestion(name, names, f"{_kind_word(kind)}s")
        if kind == "voice" and not self.presets.get("voice"):
            # no voice preset is in scope: the film does not `use voices`
            help += "\n(voice presets come from `use voices`)"
        self.diags.report(
            UNKNOWN_NAME,
            span,
            f"unknown {_kind_word(kind)} `{name}`",
            help,
            "not defined",
        )


class _Bad:
    def __repr__(self) -> str:
        return "<bad value>"


_BAD: Any = _Bad()


def _fmt(v: float | None) -> str:
    if v is None:
        return "∞"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _kind_word(kind: str) -> str:
    return {"set": "set image", "music": "music"}.get(kind, kind)


def _example(kind: str) -> str:
    return {
        "voice": "piper(rate=0.95)",
        "face": "portrait(seed=7, age=45)",
        "set": 'room(seed=3, window="left")',
        "music": 'drone(key="D minor", tempo=0.9)',
    }[kind]
