"""Source files and spans.

A :class:`Source` is a decoded text file (UTF-8, BOM stripped, CRLF/CR folded
to LF) with a line index; a :class:`Span` is a half-open region of it given as
1-based line/column pairs, which is what diagnostics and every AST node,
timeline clip and lock entry carry.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Span:
    """A region of a source: 1-based ``line``/``col`` to ``end_line``/``end_col`` (exclusive)."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int

    @classmethod
    def point(cls, file: str, line: int, col: int = 1) -> Span:
        return cls(file, line, col, line, col + 1)

    def to(self, other: Span) -> Span:
        """The span from the start of ``self`` to the end of ``other``."""
        return Span(self.file, self.line, self.col, other.end_line, other.end_col)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "end_line": self.end_line,
            "end_col": self.end_col,
        }

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass
class Source:
    """A decoded source text with fast offset → (line, col) lookup."""

    name: str
    text: str
    path: Path | None = None
    _starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        for i, ch in enumerate(self.text):
            if ch == "\n":
                starts.append(i + 1)
        self._starts = starts

    @classmethod
    def from_bytes(cls, name: str, data: bytes, path: Path | None = None) -> Source:
        return cls(name, decode(data), path)

    @classmethod
    def read(cls, path: Path, name: str | None = None, *, streams: bool = False) -> Source:
        """Read a user's file safely (regular files only unless ``streams``; size-capped).

        Raises :class:`~screenplay.syntax.files.UnusableFile` (an ``OSError``) with the reason.
        """
        from screenplay.syntax.files import MAX_SOURCE_BYTES, read_user_bytes

        data = read_user_bytes(path, MAX_SOURCE_BYTES, streams=streams)
        return cls.from_bytes(name or str(path), data, path)

    @classmethod
    def read_lenient(cls, path: Path, name: str | None = None) -> Source:
        """:meth:`read`, or an empty source when the file cannot be read (for showing context)."""
        try:
            return cls.read(path, name)
        except OSError:
            return cls(name or str(path), "", path)

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def line_text(self, line: int) -> str:
        if not 1 <= line <= len(self._starts):
            return ""
        start = self._starts[line - 1]
        end = self._starts[line] - 1 if line < len(self._starts) else len(self.text)
        return self.text[start:end]

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, col) of a character offset."""
        idx = bisect.bisect_right(self._starts, offset) - 1
        return idx + 1, offset - self._starts[idx] + 1

    def span(self, start: int, end: int) -> Span:
        line, col = self.position(start)
        end_line, end_col = self.position(max(start, end))
        return Span(self.name, line, col, end_line, end_col)

    def line_span(self, line: int, col: int = 1, end_col: int | None = None) -> Span:
        text = self.line_text(line)
        return Span(self.name, line, col, line, end_col if end_col is not None else len(text) + 1)


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM; invalid bytes become U+FFFD; line ends become LF."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")
