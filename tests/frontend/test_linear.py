"""The front end does linear work on pathological inputs (issue #11, item 2).

Each shape below once drove a backtracking regex or a repeated scan quadratic (or
worse): 400 spaces in a character cue took 11 s, 3,000 in ``Format:`` 51 s.  Here
each is checked at 100,000 characters, where quadratic work would take minutes;
the per-test timeout (pytest-timeout) is what fails, so nothing is timed by hand
and a slow machine does not make the test flaky.  (Measured: each case takes well
under a second.)
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from screenplay.api import compile_source
from screenplay.diagnostics import Diagnostics
from screenplay.syntax.source import Source

N = 100_000

SHAPES: dict[str, Callable[[int], str]] = {
    # the reproducers from the issue
    "cue-spaces-paren": lambda n: "A" + " " * n + "x(\nhello\n",
    "action-spaces-paren": lambda n: "He waits" + " " * n + "(a long time.\nmore\n",
    "format-spaces": lambda n: "Title: T\nFormat: 640x360" + " " * n + "y\n\nHi.\n",
    # every other line shape read with optional parts and free spacing
    "cue-many-extensions": lambda n: "MAN" + " (V.O.)" * (n // 7) + " x\nhi\n",
    "cue-open-parens": lambda n: "MAN" + " (" * (n // 2) + "\nhi\n",
    "scene-number": lambda n: "INT. ROOM" + " " * n + "#x\n\nHi.\n",
    "scene-dashes": lambda n: "INT. ROOM" + " " * n + "B -\n\nHi.\n",
    "scene-dash-runs": lambda n: "INT. ROOM " + "- " * (n // 2) + "DAY\n\nHi.\n",
    "use-spaces": lambda n: "use a" + " " * n + "b\n\nHi.\n",
    "use-commas": lambda n: "use " + "a, " * (n // 3) + "#\n\nHi.\n",
    "cast-spaces": lambda n: "cast A" + " " * n + 'x"\n\nHi.\n',
    "cast-label": lambda n: 'cast A "' + " " * n + "\n\nHi.\n",
    "preset-spaces": lambda n: "voice a" + " " * n + '"x" y\n\nHi.\n',
    "property-spaces": lambda n: "cast A\n    voice" + " " * n + "x\n\nHi.\n",
    "title-key": lambda n: "Title" + " " * n + "\n\nHi.\n",
    "transition-caps": lambda n: "\n" + "A" * n + " TO\n\nHi.\n",
    "page-break": lambda n: " " * n + "==x\n\nHi.\n",
    # hidden text: unclosed notes and boneyards, blank lines inside them
    "unclosed-notes": lambda n: "[[" * (n // 2) + "\n",
    "unclosed-boneyards": lambda n: "/*" * (n // 2) + "\n",
    "notes-with-blank-lines": lambda n: "[[ a\n\n b " * (n // 8) + "]]\n",
    "boneyards-with-blank-lines": lambda n: "/*\n\n*/\nA\n" * (n // 8),
    # values: nesting, long numbers, long strings, emphasis
    "deep-parens": lambda n: "[[hold " + "(" * n + "]]\n",
    "long-number": lambda n: "[[hold " + "9" * n + "x]]\n",
    "long-string": lambda n: 'cast A\n    face: "' + "a" * n + "\n\nA\nhi\n",
    "escaped-emphasis": lambda n: "\\*" * (n // 2) + "\n",
    "emphasis-markers": lambda n: "*_" * (n // 2) + "\n",
    # many lines
    "many-cues": lambda n: "MAN\nhi\n\n" * (n // 8),
    "many-note-lines": lambda n: "[[a]]\n" * (n // 6) + "MAN\nhi\n",
    "many-blank-lines": lambda n: "\n" * n + "Hi.\n",
}


@pytest.mark.timeout(20)
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_pathological_input_completes(shape: str) -> None:
    text = SHAPES[shape](N)
    assert len(text) >= N // 2
    diags = Diagnostics()
    compile_source(Source("big.film", text), None, diags)
    for d in diags:
        assert d.code.startswith("SP"), d
