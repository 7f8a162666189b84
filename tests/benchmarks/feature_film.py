"""A feature-length plain-Fountain screenplay, composed from the repository's own test material.

Used by the memory benchmark (issue #19) and the edit-loop benchmark (#15): a
writer's real script is plain Fountain, auto-cast, and 30–120 pages long.  The
material is every dialogue line, parenthetical and action paragraph of the
examples and the parse/diagnostic test cases, read through the real front end;
scenes are composed from it with a seeded generator, so the same page count
always gives the same screenplay (byte for byte).

A page is counted the way a formatted screenplay fills one (55 lines of 12-pt
Courier; action 60 characters wide, dialogue 35): a page is about a minute of
film, which is the industry's rule of thumb.

Run as a script to write one::

    python tests/benchmarks/feature_film.py 120 /tmp/feature120.fountain
"""

from __future__ import annotations

import math
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINES_PER_PAGE = 55

#: Recurring characters of the feature (auto-cast from their names).
CHARACTERS = (
    "ANNA",
    "BEN",
    "DOCTOR",
    "NURSE",
    "OLD MAN",
    "MARGARET",
    "TOM",
    "DETECTIVE RUIZ",
    "GIRL",
    "PRIEST",
    "WAITER",
    "MOTHER",
)
LOCATIONS = (
    "INT. HOSPITAL CORRIDOR",
    "INT. HOSPITAL ROOM",
    "INT. KITCHEN",
    "EXT. STREET",
    "INT. EMPTY ROOM",
    "EXT. GARDEN",
    "INT. POLICE STATION",
    "INT. CHURCH",
    "EXT. HARBOUR",
    "INT. DINER",
    "INT. BEDROOM",
    "EXT. LIGHTHOUSE",
    "INT. OFFICE",
    "EXT. ROOFTOP",
    "INT. TRAIN CARRIAGE",
)
TIMES = ("DAY", "NIGHT", "DUSK", "DAWN", "MORNING", "EVENING")
TRANSITIONS = ("CUT TO:", "DISSOLVE TO:", "CUT TO:", "SMASH CUT TO:")


@dataclass(frozen=True)
class Material:
    lines: tuple[tuple[str, str | None], ...]  # (dialogue, parenthetical or None)
    actions: tuple[str, ...]
    sentences: tuple[str, ...]  # every sentence of the lines, to vary them


def _sources() -> list[Path]:
    files = sorted((ROOT / "examples").glob("*.f*"))
    for sub in ("parse", "diagnostics"):
        files += sorted((ROOT / "tests" / "cases" / sub).glob("*.f*"))
    return [f for f in files if f.suffix in (".film", ".fountain")]


def _prose(text: str) -> bool:
    """Plain words: no markup that would mean something else out of its context."""
    return bool(text) and text[0].isalpha() and not any(m in text for m in ("[[", "/*", "*/"))


def material() -> Material:
    """Every spoken line and action paragraph of the test material (front end, no model)."""
    from screenplay.diagnostics import Diagnostics
    from screenplay.syntax import ast
    from screenplay.syntax.parser import parse_source
    from screenplay.syntax.source import Source

    lines: list[tuple[str, str | None]] = []
    actions: list[str] = []
    for f in _sources():
        script, _ = parse_source(Source.read(f), Diagnostics())
        blocks: list[ast.DialogueBlock] = []
        for el in script.body:
            if isinstance(el, ast.Action):
                text = " ".join(el.text.split())
                # Directives, production and markup are not a writer's prose.
                if _prose(text) and ":" not in text and len(text) > 12:
                    actions.append(text)
            elif isinstance(el, ast.DialogueBlock):
                blocks.append(el)
            elif isinstance(el, ast.DualDialogue):
                blocks += [el.left, el.right]
        for b in blocks:
            paren: str | None = None
            for part in b.parts:
                if isinstance(part, ast.Parenthetical):
                    paren = part.text
                elif isinstance(part, ast.DialogueLine):
                    text = " ".join(part.text.split())
                    if _prose(text) and text != "...":
                        lines.append((text, paren))
                    paren = None
    # Deduplicate, keeping first-seen order (deterministic).
    sentences = [
        s.strip() for text, _ in lines for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()
    ]
    return Material(
        tuple(dict.fromkeys(lines)),
        tuple(dict.fromkeys(actions)),
        tuple(dict.fromkeys(sentences)),
    )


def _wrapped(text: str, width: int) -> int:
    return max(1, math.ceil(len(text) / width))


def screenplay(pages: int, *, seed: int = 19, title: str | None = None) -> str:
    """A plain-Fountain screenplay of about ``pages`` formatted pages."""
    mat = material()
    if not mat.lines or not mat.actions:
        raise RuntimeError("no test material found")
    rng = random.Random(seed)
    budget = pages * LINES_PER_PAGE
    out = [
        f"Title: {title or f'A Feature in {pages} Pages'}",
        "Credit: Composed by",
        "Author: the screenplay test suite",
        "",
    ]
    used = 6  # the title page counts as part of page one here
    scene = 0
    while used < budget:
        scene += 1
        where = LOCATIONS[rng.randrange(len(LOCATIONS))]
        when = TIMES[rng.randrange(len(TIMES))]
        out += [f"{where} - {when}", ""]
        used += 2
        people = rng.sample(CHARACTERS, rng.choice((2, 2, 3)))
        action = mat.actions[rng.randrange(len(mat.actions))]
        out += [action, ""]
        used += _wrapped(action, 60) + 1
        for beat in range(rng.randint(6, 14)):
            if used >= budget:
                break
            if beat and rng.random() < 0.15:
                action = mat.actions[rng.randrange(len(mat.actions))]
                out += [action, ""]
                used += _wrapped(action, 60) + 1
                continue
            who = people[beat % len(people)]
            text, paren = mat.lines[rng.randrange(len(mat.lines))]
            # A feature's lines are nearly all different: join sentences of
            # the material (a line alone, or with one or two more sentences).
            extra = rng.choice((0, 1, 1, 2))
            sentences = [text] + [
                mat.sentences[rng.randrange(len(mat.sentences))] for _ in range(extra)
            ]
            text = " ".join(dict.fromkeys(sentences))
            out.append(who)
            used += 1
            if paren:
                out.append(paren)
                used += 1
            out += [text, ""]
            used += _wrapped(text, 35) + 1
        out += [TRANSITIONS[scene % len(TRANSITIONS)], ""]
        used += 2
    out += ["FADE OUT.", ""]
    return "\n".join(out)


def write(pages: int, path: Path) -> Path:
    path.write_text(screenplay(pages), encoding="utf-8")
    return path


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    write(int(sys.argv[1]), Path(sys.argv[2]))
