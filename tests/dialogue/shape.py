"""What "valid Fountain to splice in" means, checked element by element.

Used by the dialogue tests on everything :func:`postprocess` returns: blocks
separated by one blank line; a dialogue block is a cue line in capitals, an
optional parenthetical and one line of speech; an action paragraph is one
line that Fountain cannot mistake for anything else.
"""

from __future__ import annotations

import re

_MARKUP = re.compile(r"\[\[|\]\]|/\*|\*/|<\||\|>|[*_#~^\\{}<>|=@]")
_FORCED_START = ("!", "@", "#", "~", ".", ">", "=", "[[")


def _is_caps(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and all(not c.islower() for c in letters)


def check_speech(line: str) -> None:
    assert line.strip() == line and line, repr(line)
    assert not _MARKUP.search(line), f"markup in {line!r}"
    assert not _is_caps(line) or sum(c.isalpha() for c in line) <= 3, f"caps speech {line!r}"
    assert len(line.split()) <= 40, f"unbounded line {line!r}"


def check_cue(line: str) -> None:
    assert _is_caps(line) and line.strip() == line, f"bad cue {line!r}"
    assert re.fullmatch(r"[A-Z][A-Z'’. ]*( \((V\.O\.|O\.S\.|O\.C\.|OFF)\))?", line), (
        f"bad cue {line!r}"
    )
    assert not re.match(r"(INT|EXT|EST|I/E)[. ]", line) and not line.endswith("TO:"), line


def dialogue_blocks(text: str, *, allow_action: bool = False) -> list[tuple[str, str]]:
    """Parse ``text`` strictly; returns ``[(cue, speech)]`` (cue "" for action)."""
    if text == "":
        return []
    assert not text.startswith("\n") and not text.endswith("\n"), repr(text)
    assert "\n\n\n" not in text, repr(text)
    out: list[tuple[str, str]] = []
    for para in text.split("\n\n"):
        lines = para.split("\n")
        assert all(ln.strip() for ln in lines), f"blank-ish line in {para!r}"
        if len(lines) == 1:
            assert allow_action, f"lone line where a dialogue block belongs: {para!r}"
            line = lines[0]
            assert not line.startswith(_FORCED_START), f"action read as another element {line!r}"
            assert not re.match(r"(INT|EXT|EST|I/E)[. ]", line, re.IGNORECASE), line
            check_speech(line) if len(line.split()) <= 40 else None
            assert not _MARKUP.search(line), line
            out.append(("", line))
            continue
        check_cue(lines[0])
        rest = lines[1:]
        if rest[0].startswith("("):
            assert rest[0].endswith(")") and len(rest) == 2, f"bad parenthetical in {para!r}"
            rest = rest[1:]
        assert len(rest) == 1, f"one line of speech per block: {para!r}"
        check_speech(rest[0])
        out.append((lines[0], rest[0]))
    return out
