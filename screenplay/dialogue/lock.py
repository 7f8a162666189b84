"""The lock file: generated text frozen beside the film, readable and diff-friendly.

``film.film`` gets ``film.film.lock`` (the caller chooses the path).  Each
hole the language model filled is one entry, keyed by :func:`hole_key` over
everything that decides the text (model identity, prompt, parameters, seed).
A build looks the key up first and runs the model only on a miss, so a fully
locked film builds without loading any model, and a reviewer sees every
generated word in version control.

The format is line-oriented plain text, so a hand edit is easy and a diff is
one line per changed field or line of text::

    # screenplay lock file: …
    format: 1

    hole 3c9f0a1b2d4e5f60718a
      line: 42
      mode: lines
      count: 2
      seed: 0
      temperature: 0.8
      model: default
      identity: SmolLM2-135M-Instruct.Q4_1.gguf@sha256:…
      cast: MAN, WOMAN
      prompt: sha256:…
      text:
        | MAN
        | It still hasn't begun.
        |
        | WOMAN
        | It began a long time ago.

Entries are written in source order (then by key), fields in a fixed order.
``line`` is informational only (it moves when the script is edited; the key
does not depend on it).  ``draw`` (omitted when 0) counts redraws by
``fill --regenerate``: draw 0 is what the seed gives from scratch, draw k
samples with a seed derived from (seed, k), so every locked text can be
reproduced from the fields beside it.  A file that does not fit raises :class:`LockError`
with the 1-based line and column of the first problem.

This module is standard-library only: reading a lock never imports torch.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from screenplay.cache import atomic_write_bytes

LOCK_FORMAT = 2
#: Format 1 keyed holes by a hash of their prompt; it is still read (see ``LockFile.legacy``).
READABLE_FORMATS = (1, 2)

_HEADER = (
    "# screenplay lock file: text written by the dialogue model, frozen so that every\n"
    "# build of the film is the same. Review it like code; hand edits to `text:` are kept.\n"
    "# `screenplay fill FILE --regenerate` draws new text; `--write` moves it into the source.\n"
)

_KEY_RE = re.compile(r"[0-9a-f]{8,64}")
_TEXT_PREFIX = "    |"
MODES = ("lines", "words", "line_for")

# Field order in the file, and how each value is read.
_FIELDS: tuple[str, ...] = (
    "line",
    "hole",
    "after",
    "mode",
    "count",
    "character",
    "seed",
    "draw",
    "temperature",
    "top_p",
    "candidates",
    "new_characters",
    "model",
    "identity",
    "cast",
    "prompt",
    "text",
)
_REQUIRED: tuple[str, ...] = ("mode", "count", "seed", "temperature", "model", "text")


class LockError(Exception):
    """A lock file that does not fit the format; ``line``/``col`` are 1-based."""

    def __init__(self, line: int, col: int, message: str, help: str = "") -> None:  # noqa: A002
        super().__init__(f"line {line}, column {col}: {message}")
        self.line = line
        self.col = col
        self.message = message
        self.help = help
        #: Set by :meth:`LockFile.load` so a diagnostic can name the file.
        self.path: Path | None = None

    #: Diagnostic code (see :mod:`screenplay.dialogue.errors`).
    code = "SP0703"


def hole_key(model_identity: str, prompt: str, params: Mapping[str, object]) -> str:
    """The lock key of one generation: a hash of model, prompt and parameters.

    ``params`` must be JSON-like (str, numbers, bools, None, lists/tuples,
    dicts); key order does not matter.
    """
    payload = json.dumps(
        {"model": model_identity, "prompt": prompt, "params": params},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def normalize_hole_text(text: str) -> str:
    """A hole's own text in comparison form: whitespace collapsed, case kept."""
    return " ".join(text.split())


def stable_key(hole_text: str, anchor: str, occurrence: int) -> str:
    """The lock key of a hole: what it says, where it is, and which of its twins it is.

    ``hole_text`` is the hole as written (``[[generate 4 lines seed=2]]``,
    ``THEO ...``), ``anchor`` the nearest *written* dialogue line above it
    (``WOMAN: The room was never ours.``; holes and generated text are not
    anchors, so filling or inserting another hole never moves it), and
    ``occurrence`` counts earlier holes with the same text and anchor.  No
    line number and no hole order enters: inserting, deleting or moving
    other holes leaves the key alone.
    """
    payload = json.dumps(
        [normalize_hole_text(hole_text), normalize_hole_text(anchor), int(occurrence)],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def prompt_hash(prompt: str) -> str:
    """The recorded (informational) hash of a prompt."""
    return "sha256:" + hashlib.sha256(prompt.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class LockEntry:
    """One filled hole: the text and what it was generated from."""

    key: str
    text: str
    mode: str
    count: int
    seed: int
    temperature: float
    #: The model as the script names it (``default``, ``gpt2``, ``models/x.gguf``).
    model: str
    #: Model id/path plus revision or file hash (see ``model.model_identity``).
    identity: str = ""
    character: str | None = None
    cast: tuple[str, ...] = ()
    prompt: str = ""
    #: Source line of the directive, informational only.
    line: int = 0
    #: How many times the text was redrawn (``fill --regenerate``); 0 = first draw.
    draw: int = 0
    #: The hole as written and the dialogue line it follows (what the key hashes).
    hole: str = ""
    after: str = ""
    top_p: float | None = None
    candidates: int | None = None
    new_characters: bool = False

    def matches_portably(self, model: str, prompt: str, params: Mapping[str, object]) -> bool:
        """Same hole, judged without the model identity (for a model not installed here)."""
        return (
            self.model == model
            and self.prompt == prompt
            and self.mode == params.get("mode")
            and self.count == params.get("count")
            and self.character == params.get("character")
            and self.seed == params.get("seed")
            and self.temperature == params.get("temperature")
            and list(self.cast)
            == list(cast if isinstance(cast := params.get("cast"), list | tuple) else ())
        )


@dataclass
class LockFile:
    """All entries of one lock file, by key."""

    entries: dict[str, LockEntry] = field(default_factory=dict)
    #: Whether the file existed when loaded (an empty lock is not written anew).
    existed: bool = False
    #: Read from format 1, whose keys hashed the prompt: the fill pass adopts
    #: these entries by what they ask for (see ``passes/fill.py``) and
    #: ``screenplay fill`` rewrites the file in the current format.
    legacy: bool = False
    #: The variant a plain build makes (``screenplay tune --write-lock``): axis → value,
    #: with the id it had when written (informational).  Empty: the film's first
    #: alternatives.  Older locks have no such section and read as empty.
    variant: dict[str, str] = field(default_factory=dict)
    variant_id: str = ""

    # -- access ------------------------------------------------------------
    def get(self, key: str) -> LockEntry | None:
        return self.entries.get(key)

    def put(self, entry: LockEntry) -> None:
        self.entries[entry.key] = entry

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[LockEntry]:
        return iter(self.ordered())

    def ordered(self) -> list[LockEntry]:
        return sorted(self.entries.values(), key=lambda e: (e.line, e.key))

    def find_portable(
        self, model: str, prompt: str, params: Mapping[str, object]
    ) -> LockEntry | None:
        """An entry for this hole made by model ``model``, whatever its identity."""
        for entry in self.ordered():
            if entry.matches_portably(model, prompt, params):
                return entry
        return None

    def prune(self, keys_in_use: Iterable[str]) -> int:
        """Drop entries whose holes no longer exist; returns how many were dropped."""
        keep = set(keys_in_use)
        stale = [k for k in self.entries if k not in keep]
        for k in stale:
            del self.entries[k]
        return len(stale)

    def relocate(self, key: str, line: int) -> None:
        """Update the informational source line of an entry."""
        e = self.entries.get(key)
        if e is not None and e.line != line:
            self.entries[key] = replace(e, line=line)

    # -- text form -----------------------------------------------------------
    def dumps(self) -> str:
        out = [_HEADER, f"format: {LOCK_FORMAT}\n"]
        if self.variant:
            # The chosen variant (screenplay.variants): one `axis: value` per line.
            out.append(
                "\n# the variant a plain build makes (`screenplay tune --write-lock`)\n"
                f"variant {self.variant_id or '-'}\n"
            )
            for axis, value in self.variant.items():
                out.append(f"  {axis}: {value}\n")
        for e in self.ordered():
            out.append("\n")
            out.append(f"hole {e.key}\n")
            if e.line:
                out.append(f"  line: {e.line}\n")
            if e.hole:
                out.append(f"  hole: {e.hole}\n")
            if e.after:
                out.append(f"  after: {e.after}\n")
            out.append(f"  mode: {e.mode}\n")
            out.append(f"  count: {e.count}\n")
            if e.character is not None:
                out.append(f"  character: {e.character}\n")
            out.append(f"  seed: {e.seed}\n")
            if e.draw:
                out.append(f"  draw: {e.draw}\n")
            out.append(f"  temperature: {e.temperature!r}\n")
            if e.top_p is not None:
                out.append(f"  top_p: {e.top_p!r}\n")
            if e.candidates is not None:
                out.append(f"  candidates: {e.candidates}\n")
            if e.new_characters:
                out.append("  new_characters: yes\n")
            out.append(f"  model: {e.model}\n")
            if e.identity:
                out.append(f"  identity: {e.identity}\n")
            if e.cast:
                out.append(f"  cast: {', '.join(e.cast)}\n")
            if e.prompt:
                out.append(f"  prompt: {e.prompt}\n")
            out.append("  text:\n")
            for text_line in e.text.split("\n") if e.text else []:
                out.append(f"{_TEXT_PREFIX} {text_line}".rstrip() + "\n")
        return "".join(out)

    def save(self, path: Path) -> None:
        """Write atomically (temp file + rename); an empty lock is only written if one existed."""
        path = Path(path)
        if not self.entries and not self.variant and not self.existed and not path.exists():
            return
        atomic_write_bytes(path, self.dumps().encode("utf-8"))
        self.existed = True

    @classmethod
    def load(cls, path: Path) -> LockFile:
        """Read ``path``; a missing file is an empty lock.  Raises :class:`LockError`."""
        from screenplay.syntax.files import MAX_LOCK_BYTES, UnusableFile, read_user_bytes

        path = Path(path)
        try:  # regular files only, size-capped: never a FIFO, a device or a folder
            raw = read_user_bytes(path, MAX_LOCK_BYTES)
        except UnusableFile as exc:
            if exc.missing:
                return cls()
            help = "replace it with the text lock file, or delete it and run `screenplay fill`"
            err = LockError(1, 1, f"cannot read the lock file: {exc.reason}", help)
            err.code = "SP0311"
            err.path = path
            raise err from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            err = LockError(line, 1, "the lock file is not UTF-8 text", "re-save it as UTF-8")
            err.path = path
            raise err from None
        try:
            lock = cls.loads(text)
        except LockError as err:
            err.path = path
            raise
        lock.existed = True
        return lock

    @classmethod
    def loads(cls, text: str) -> LockFile:
        return _Parser(text).parse()


# --------------------------------------------------------------------------
# Parsing, with a line and column for every complaint
# --------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.lines = text.replace("\r\n", "\n").split("\n")
        self.lock = LockFile()
        self.saw_format = False

    def parse(self) -> LockFile:
        i = 0
        n = len(self.lines)
        while i < n:
            raw = self.lines[i]
            lineno = i + 1
            stripped = raw.strip()
            if not stripped or (stripped.startswith("#") and not raw.startswith(" ")):
                i += 1
                continue
            if raw.startswith("format:"):
                self._format(raw, lineno)
                i += 1
                continue
            if raw.startswith("hole"):
                i = self._hole(i)
                continue
            if raw.startswith("variant"):
                i = self._variant(i)
                continue
            if raw[0].isspace():
                raise LockError(
                    lineno,
                    1,
                    "an indented field outside any `hole` entry",
                    "every field belongs under a `hole KEY` line",
                )
            raise LockError(
                lineno,
                1,
                f"unexpected line `{_clip(stripped)}`",
                "top-level lines are `format: 1`, `hole KEY` or `# comments`",
            )
        return self.lock

    def _variant(self, i: int) -> int:
        """``variant ID`` then indented ``axis: value`` lines (written by ``tune --write-lock``)."""
        raw = self.lines[i]
        parts = raw.split()
        if len(parts) != 2 or parts[0] != "variant":
            raise LockError(i + 1, 1, "a variant header is `variant ID`", "e.g. `variant 3fa9c2d1`")
        if self.lock.variant:
            raise LockError(i + 1, 1, "a second `variant` section", "keep one")
        self.lock.variant_id = "" if parts[1] == "-" else parts[1]
        i += 1
        while i < len(self.lines) and self.lines[i].startswith("  "):
            line = self.lines[i]
            axis, sep, value = line.strip().partition(":")
            if not sep or not axis.strip() or not value.strip():
                raise LockError(i + 1, 3, "a variant line is `axis: value`", "e.g. `ending: sad`")
            self.lock.variant[axis.strip()] = value.strip()
            i += 1
        return i

    def _format(self, raw: str, lineno: int) -> None:
        value = raw[len("format:") :].strip()
        if value == "1":
            self.lock.legacy = True
        if value not in {str(f) for f in READABLE_FORMATS}:
            raise LockError(
                lineno,
                len("format:") + 2,
                f"unsupported lock format `{value}`",
                f"this version of screenplay reads formats 1 and {LOCK_FORMAT}; "
                "delete the lock file and run `screenplay fill` to regenerate it",
            )
        self.saw_format = True

    def _hole(self, i: int) -> int:
        raw = self.lines[i]
        lineno = i + 1
        parts = raw.split()
        if parts[0] != "hole" or len(parts) != 2:
            raise LockError(
                lineno, 1, "a hole header is `hole KEY`", "e.g. `hole 3c9f0a1b2d4e5f60718a`"
            )
        key = parts[1]
        if not _KEY_RE.fullmatch(key):
            raise LockError(
                lineno,
                raw.index(key) + 1,
                f"`{_clip(key)}` is not a hole key (lowercase hex)",
                "keys are written by `screenplay fill`; do not edit them",
            )
        if key in self.lock.entries:
            raise LockError(lineno, raw.index(key) + 1, f"hole `{key}` appears twice", "delete one")
        values: dict[str, Any] = {}
        text_lines: list[str] | None = None
        i += 1
        while i < len(self.lines):
            line = self.lines[i]
            ln = i + 1
            if not line.strip():
                i += 1
                break
            if not line.startswith("  "):
                break
            if line.startswith(_TEXT_PREFIX) or line.strip().startswith("|"):
                if text_lines is None or not line.startswith(_TEXT_PREFIX):
                    col = len(line) - len(line.lstrip()) + 1
                    raise LockError(
                        ln,
                        col,
                        "a text line outside a `text:` block"
                        if text_lines is None
                        else "text lines start with four spaces and `|`",
                        "text lines follow `  text:` and start with `    | `",
                    )
                body = line[len(_TEXT_PREFIX) :]
                text_lines.append(body[1:] if body.startswith(" ") else body)
                i += 1
                continue
            if text_lines is not None and "text" in values:
                raise LockError(
                    ln, 3, "a field after the `text:` block", "`text:` is the last field of a hole"
                )
            name, sep, value = line.strip().partition(":")
            after = line[line.index(":") + 1 :] if sep else ""
            col_value = len(line) - len(after.lstrip()) + 1 if sep else 3
            if not sep:
                raise LockError(ln, 3, f"`{_clip(line.strip())}` is not `name: value`", "")
            name = name.strip()
            value = value.strip()
            if name not in _FIELDS:
                import difflib

                close = difflib.get_close_matches(name, _FIELDS, n=1)
                raise LockError(
                    ln,
                    3,
                    f"unknown field `{name}`",
                    f"did you mean `{close[0]}`?" if close else "fields: " + ", ".join(_FIELDS),
                )
            if name in values:
                raise LockError(ln, 3, f"field `{name}` appears twice in this hole", "")
            if name == "text":
                if value:
                    raise LockError(
                        ln,
                        col_value,
                        "`text:` starts a block",
                        "put the text on the lines below as `    | …`",
                    )
                text_lines = []
                values["text"] = ""
            else:
                values[name] = self._value(name, value, ln, col_value)
            i += 1
        missing = [f for f in _REQUIRED if f not in values]
        if missing:
            raise LockError(
                lineno,
                1,
                f"hole `{key}` lacks {', '.join('`' + m + '`' for m in missing)}",
                "delete the entry and run `screenplay fill` to regenerate it",
            )
        if not self.saw_format:
            raise LockError(lineno, 1, "`format: N` must come before the first hole", "")
        self.lock.put(
            LockEntry(
                key=key,
                text="\n".join(text_lines or []),
                mode=str(values["mode"]),
                count=int(values["count"]),
                seed=int(values["seed"]),
                temperature=float(values["temperature"]),
                model=str(values["model"]),
                identity=str(values.get("identity", "")),
                character=values.get("character"),
                cast=tuple(values.get("cast", ())),
                prompt=str(values.get("prompt", "")),
                line=int(values.get("line", 0)),
                draw=int(values.get("draw", 0)),
                hole=str(values.get("hole", "")),
                after=str(values.get("after", "")),
                top_p=values.get("top_p"),
                candidates=values.get("candidates"),
                new_characters=bool(values.get("new_characters", False)),
            )
        )
        return i

    @staticmethod
    def _value(name: str, value: str, ln: int, col: int) -> object:
        if name in ("line", "count", "seed", "draw", "candidates"):
            if not re.fullmatch(r"\d{1,9}", value):
                raise LockError(
                    ln, col, f"`{name}` must be a whole number ≥ 0, not `{_clip(value)}`", ""
                )
            return int(value)
        if name == "temperature":
            try:
                t = float(value)
            except ValueError:
                t = -1.0
            if not (0.0 < t <= 2.0):
                raise LockError(
                    ln, col, f"`temperature` must be a number in (0, 2], not `{_clip(value)}`", ""
                )
            return t
        if name == "top_p":
            try:
                p = float(value)
            except ValueError:
                p = -1.0
            if not (0.0 < p <= 1.0):
                raise LockError(
                    ln, col, f"`top_p` must be a number in (0, 1], not `{_clip(value)}`"
                )
            return p
        if name == "new_characters":
            if value not in ("yes", "no"):
                raise LockError(ln, col, f"`new_characters` is yes or no, not `{_clip(value)}`")
            return value == "yes"
        if name in ("hole", "after"):
            return value
        if name == "mode":
            if value not in MODES:
                raise LockError(
                    ln, col, f"`mode` is one of {', '.join(MODES)}, not `{_clip(value)}`", ""
                )
            return value
        if name == "cast":
            return tuple(c.strip() for c in value.split(",") if c.strip())
        if not value:
            raise LockError(ln, col, f"`{name}` is empty", "")
        return value


def _clip(s: str, n: int = 40) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
