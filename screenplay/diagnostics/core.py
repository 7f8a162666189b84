"""The diagnostic record and the collector passes write into."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum

from screenplay.syntax.source import Span


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True)
class Code:
    """A diagnostic code's descriptor: what ``screenplay explain CODE`` prints, and its severity.

    Declared once, next to the package that reports it (front-end codes in
    :mod:`screenplay.diagnostics.codes`, engine codes in ``<package>/errors.py``)
    and reported with :meth:`Diagnostics.report`, so no code is a bare string.
    """

    code: str
    title: str
    severity: Severity
    explanation: str

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class Label:
    """A secondary span with a short message ("first declared here")."""

    span: Span
    message: str


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    span: Span
    help: str = ""
    labels: tuple[Label, ...] = ()
    #: The caret message under the primary span (defaults to nothing).
    label: str = ""

    def one_line(self) -> str:
        """The machine form: ``file:line:col: severity[CODE]: message`` (control chars escaped)."""
        where = f"{printable(self.span.file)}:{self.span.line}:{self.span.col}"
        return f"{where}: {self.severity.value}[{self.code}]: {printable(self.message)}"

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "span": self.span.as_dict(),
            "help": self.help,
            "labels": [{"span": lab.span.as_dict(), "message": lab.message} for lab in self.labels],
        }


@dataclass
class Diagnostics:
    """An ordered collection with helpers for the common cases."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, d: Diagnostic) -> None:
        # Engines embed the code in warning texts ("SP0504: no face found …") so that it
        # survives the warnings module; the code is shown once, in its own place.
        prefix = f"{d.code}: "
        if d.message.startswith(prefix):
            d = replace(d, message=d.message[len(prefix) :])
        self.items.append(d)

    def extend(self, ds: Iterable[Diagnostic]) -> None:
        self.items.extend(ds)

    def report(
        self,
        code: Code,
        span: Span,
        message: str,
        help: str = "",
        label: str = "",
        labels: tuple[Label, ...] = (),
    ) -> None:
        """Report ``code`` at ``span`` with the severity its descriptor declares."""
        self.add(Diagnostic(code.code, code.severity, message, span, help, labels, label))

    def error(
        self,
        code: str,
        span: Span,
        message: str,
        help: str = "",
        label: str = "",
        labels: tuple[Label, ...] = (),
    ) -> None:
        self.add(Diagnostic(code, Severity.ERROR, message, span, help, labels, label))

    def warning(
        self,
        code: str,
        span: Span,
        message: str,
        help: str = "",
        label: str = "",
        labels: tuple[Label, ...] = (),
    ) -> None:
        self.add(Diagnostic(code, Severity.WARNING, message, span, help, labels, label))

    def note(self, code: str, span: Span, message: str, help: str = "", label: str = "") -> None:
        self.add(Diagnostic(code, Severity.NOTE, message, span, help, (), label))

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Diagnostic]:
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTE: 2}
        return sorted(
            self.items, key=lambda d: (d.span.file, d.span.line, d.span.col, order[d.severity])
        )


#: Characters that reorder or hide text on a terminal (Trojan Source): shown escaped.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def escape_char(ch: str) -> str | None:
    """How a control character is shown (``\\x1b``, ``\\u202e``), or None if it prints as is."""
    o = ord(ch)
    if o < 0x20 or 0x7F <= o < 0xA0:
        return f"\\x{o:02x}"
    if ch in _BIDI_CONTROLS or ch in "\u2028\u2029":
        return f"\\u{o:04x}"
    return None


def printable(text: str, keep: str = "") -> str:
    """``text`` with every control character escaped, so source text shown in a diagnostic
    can never move the cursor, clear the screen or recolour the terminal.  Characters in
    ``keep`` (e.g. ``"\\n"`` for multi-line help) are left alone."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        esc = None if ch in keep else escape_char(ch)
        out.append(ch if esc is None else esc)
    return "".join(out)


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest candidate by difflib, case-insensitively, or None."""
    cands = list(candidates)
    lowered = {c.lower(): c for c in cands}
    found = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[found[0]] if found else None


def suggestion(word: str, candidates: Iterable[str], what: str = "") -> str:
    """``did you mean `x`?`` or a list of what is available."""
    cands = sorted(set(candidates))
    best = did_you_mean(word, cands)
    if best:
        return f"did you mean `{best}`?"
    if cands:
        shown = ", ".join(f"`{c}`" for c in cands[:12])
        more = " …" if len(cands) > 12 else ""
        return f"available{(' ' + what) if what else ''}: {shown}{more}"
    return ""
