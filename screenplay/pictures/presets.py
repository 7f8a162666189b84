"""Read the picture presets of ``stdlib/faces.film`` and ``stdlib/rooms.film``.

The front end's resolve pass is the real reader of stdlib files; this small
reader exists so the pictures package can check its own presets against its
schemas (tests) and draw them (the contact sheet in docs/) without the
compiler.  The format is one preset per line::

    KEYWORD NAME "description": constructor(key=value, ...)

with double-quoted strings, numbers, ``true``/``false``, and ``/* */``
comments on their own lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_LINE = re.compile(r'^(\w+)\s+(\w+)\s+"([^"]*)"\s*:\s*(\w+)\((.*)\)\s*$')
_ARG = re.compile(r'\s*(\w+)\s*=\s*("(?:[^"\\]|\\.)*"|true|false|-?\d+(?:\.\d+)?)\s*(?:,|$)')


@dataclass(frozen=True)
class Preset:
    keyword: str
    name: str
    description: str
    constructor: str
    params: dict[str, Any]
    line: int


def _value(raw: str) -> Any:
    if raw.startswith('"'):
        return raw[1:-1].replace('\\"', '"')
    if raw in ("true", "false"):
        return raw == "true"
    return float(raw) if "." in raw else int(raw)


def read_presets(path: Path) -> list[Preset]:
    """Every preset in ``path``; raises ValueError naming the line of a malformed one."""
    out: list[Preset] = []
    for no, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = text.strip()
        if not line or (line.startswith("/*") and line.endswith("*/")):
            continue
        m = _LINE.match(line)
        if not m:
            raise ValueError(f"{path.name}:{no}: not a preset line: {line!r}")
        keyword, name, desc, ctor, args = m.groups()
        params: dict[str, Any] = {}
        pos = 0
        while pos < len(args):
            am = _ARG.match(args, pos)
            if not am:
                raise ValueError(f"{path.name}:{no}: bad argument near {args[pos:]!r}")
            params[am.group(1)] = _value(am.group(2))
            pos = am.end()
        out.append(Preset(keyword, name, desc, ctor, params, no))
    return out
