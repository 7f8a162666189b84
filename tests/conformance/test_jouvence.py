"""Every case of shared/conformance/jouvence/*.yaml, element by element.

Jouvence encodes each element as a prefixed string (``!`` action, ``@``
character, ``=`` dialogue, ``_`` parenthetical, ``.`` scene heading, ``>``
transition, ``~`` lyrics, ``#`` section, ``+`` synopsis, ``<pagebreak>``).

Deliberate differences (see docs/language.md, "Conformance"):

* Jouvence keeps vertical white space as empty action elements (``"!"``,
  ``"!\\n"``) and leading/trailing newlines in action text.  A film has no use
  for them, so screenplay drops blank-only action and trims the newlines at
  the ends of an action paragraph.  Cases are compared after that folding.
* Jouvence joins consecutive action paragraphs into one element; screenplay
  keeps one action element per paragraph (each is one narrated beat), so
  adjacent actions are merged on both sides before comparing.
* Jouvence reports ``>centered<`` text as action prefixed ``><``; screenplay has
  a ``centered`` element (it becomes a title card).
"""

from __future__ import annotations

import pytest

from screenplay.syntax.ast import flatten
from screenplay.syntax.parser import parse_text
from tests.conformance.conftest import conformance_dir

yaml = pytest.importorskip("yaml")

ROOT = conformance_dir("jouvence")

PREFIX = {
    "action": "!",
    "character": "@",
    "dialogue": "=",
    "parenthetical": "_",
    "scene_heading": ".",
    "transition": ">",
    "lyrics": "~",
    "section": "#",
    "synopsis": "+",
}


def _cases() -> list[tuple[str, int, dict]]:
    out = []
    for f in sorted(ROOT.glob("*.yaml")):
        for i, doc in enumerate(yaml.safe_load_all(f.read_text(encoding="utf-8"))):
            if doc:
                out.append((f.stem, i, doc))
    return out


def _fold_expected(items: list[str]) -> list[str]:
    out = []
    for it in items:
        if it == "<pagebreak>":
            out.append(it)
            continue
        if it.startswith("!><"):
            out.append("|" + it[3:].strip())
            continue
        p, text = it[0], it[1:]
        if p == "!":
            text = text.strip("\n")
            if not text.strip():
                continue
        out.append(p + text)
    return out


def _ours(text: str) -> tuple[list[str], dict[str, str]]:
    script, _ = parse_text(text, "case.fountain")
    out = []
    title: dict[str, str] = {}
    for el in flatten(script):
        kind = el["kind"]
        if kind == "title_page":
            title = {k.lower(): v for k, v in el["fields"].items()}
        elif kind == "page_break":
            out.append("<pagebreak>")
        elif kind == "centered":
            out.append("|" + el["text"])
        elif kind == "section":
            out.append("#" + el["text"])
        elif kind in PREFIX:
            t = el["text"]
            if kind == "action":
                t = t.strip("\n")
                if not t.strip():
                    continue
            out.append(PREFIX[kind] + t)
    return out, title


def _merge_actions(items: list[str]) -> list[str]:
    out: list[str] = []
    for it in items:
        if it.startswith("!") and out and out[-1].startswith("!"):
            out[-1] = out[-1] + "\n" + it[1:]
        else:
            out.append(it)
    return [
        "!" + "\n".join(ln for ln in it[1:].split("\n") if ln.strip()) if it.startswith("!") else it
        for it in out
    ]


CASES = _cases()


@pytest.mark.skipif(not CASES, reason="shared/conformance/jouvence not found")
@pytest.mark.parametrize("stem,index,case", CASES, ids=[f"{s}-{i}" for s, i, _ in CASES])
def test_jouvence_case(stem: str, index: int, case: dict) -> None:
    ours, title = _ours(case["in"])
    assert _merge_actions(ours) == _merge_actions(_fold_expected(case.get("out") or []))
    if "title" in case:
        assert title == {k: str(v).strip("\n") for k, v in (case["title"] or {}).items()}
