"""The check pass: whole-film rules that names alone do not settle.

* directive arguments (:mod:`screenplay.directives`): shape, types, and that a
  ``[[music CUE]]`` names a declared cue (SP0106, SP0208);
* ``[[generate …]]`` limits, as the dialogue package defines them;
* dialogue blocks with nothing to say (SP0306).

It only reads the film and appends diagnostics; it never prints or raises.
"""

from __future__ import annotations

from screenplay.diagnostics import Diagnostics
from screenplay.diagnostics.core import suggestion
from screenplay.dialogue.errors import validate_generate_args
from screenplay.directives import SPECS, interpret
from screenplay.film import Film
from screenplay.syntax import ast


def check(film: Film, diags: Diagnostics) -> None:
    _cues(film, diags)
    for node in film.script.walk():
        if isinstance(node, ast.Directive):
            _directive(film, node, diags)
        elif isinstance(node, ast.DialogueBlock):
            _dialogue(node, diags)


def _directive(film: Film, d: ast.Directive, diags: Diagnostics) -> None:
    if d.name not in SPECS:
        return
    args, problems = interpret(d)
    for p in problems:
        diags.error(p.code, p.span, p.message, p.help, p.label)
    if d.name == "music" and "cue" in args:
        cue = str(args["cue"]).upper()
        if cue not in film.cues:
            first = d.positional()[0] if d.positional() else None
            diags.error(
                "SP0208",
                first.span if first else d.span,
                f"unknown cue `{args['cue']}`",
                suggestion(cue, list(film.cues), "cues")
                or "declare it: `cue NAME` with `music: …`",
                "no such cue",
            )
    if not problems:
        from screenplay.staging.checks import check_directive

        check_directive(film, d, args, diags)  # [[shot/enter/exit/place NAME]]: SP0900
    if d.name == "generate" and not problems:
        for code, message, help in validate_generate_args(args):
            diags.error(code, d.span, message, help, "here")


def _cues(film: Film, diags: Diagnostics) -> None:
    """Semantic checks of music specs (an unknown key such as "H minor") without rendering."""
    try:
        from screenplay.music.schema import validate
    except ImportError:
        return
    for cue in film.cues.values():
        if cue.spec is None:
            continue
        for code, message, help in validate(cue.spec):
            diags.error(code, cue.span, message, help, f"cue {cue.name}")


def _dialogue(block: ast.DialogueBlock, diags: Diagnostics) -> None:
    lines = [p for p in block.parts if isinstance(p, ast.DialogueLine | ast.DialogueLyric)]
    if not lines or all(not p.text.strip() for p in lines):
        diags.warning(
            "SP0306",
            block.character.span,
            f"`{block.character.name}` has nothing to say",
            "write the line, or `...` to have the dialogue model write it",
            "no dialogue",
        )
