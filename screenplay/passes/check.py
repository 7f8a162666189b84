"""The check pass: whole-film rules that names alone do not settle.

* directive arguments (:mod:`screenplay.directives`): shape, types, and that a
  ``[[music CUE]]`` names a declared cue (SP0106, SP0208);
* ``[[generate …]]`` limits, as the dialogue package defines them;
* dialogue blocks with nothing to say (SP0306);
* time: every duration within its limit (SP0313, in :func:`~screenplay.directives.interpret`),
  the whole film at most :data:`~screenplay.directives.MAX_FILM_S` (SP0314, from the least
  time each element takes), and music fades that cannot fit the cue they belong to
  (SP0606, where the cue's length is fixed by holds alone; the timing pass checks the rest).

It only reads the film and appends diagnostics; it never prints or raises.
"""

from __future__ import annotations

from screenplay.diagnostics import Diagnostics
from screenplay.diagnostics.codes import EMPTY_DIALOGUE, FILM_TOO_LONG, UNKNOWN_CUE
from screenplay.diagnostics.core import suggestion
from screenplay.dialogue.errors import validate_generate_args
from screenplay.directives import MAX_FILM_S, SPECS, fmt_seconds, interpret
from screenplay.film import Film
from screenplay.syntax import ast

#: The least time (s) elements take on screen, as the timing pass lays them out: the
#: title card, a scene's establishing shot, the breath around any spoken line, a card.
_MIN_TITLE_S = 4.0
_MIN_SCENE_S = 2.0
_MIN_LINE_S = 0.5
_MIN_CARD_S = 3.0


def check(film: Film, diags: Diagnostics) -> None:
    _cues(film, diags)
    for node in film.script.walk():
        if isinstance(node, ast.Directive):
            _directive(film, node, diags)
        elif isinstance(node, ast.DialogueBlock):
            _dialogue(node, diags)
    _film_length(film, diags)
    _fades(film, diags)


def _directive(film: Film, d: ast.Directive, diags: Diagnostics) -> None:
    if d.name not in SPECS or d.broken:
        return
    args, problems = interpret(d)
    for p in problems:
        diags.error(p.code, p.span, p.message, p.help, p.label)
    if d.name == "music" and "cue" in args:
        cue = str(args["cue"]).upper()
        if cue not in film.cues:
            first = d.positional()[0] if d.positional() else None
            diags.report(
                UNKNOWN_CUE,
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
        diags.report(
            EMPTY_DIALOGUE,
            block.character.span,
            f"`{block.character.name}` has nothing to say",
            "write the line, or `...` to have the dialogue model write it",
            "no dialogue",
        )


def _args(d: ast.Directive) -> dict[str, object]:
    if d.name not in SPECS or d.broken:
        return {}
    args, _ = interpret(d)
    return args


def _least_seconds(node: ast.Node) -> float:
    """The least time one body element takes in the film (0 for what takes none)."""
    if isinstance(node, ast.SceneHeading):
        return _MIN_SCENE_S
    if isinstance(node, ast.Centered):
        return _MIN_CARD_S
    if isinstance(node, ast.Action | ast.Lyrics):
        return _MIN_LINE_S
    if isinstance(node, ast.DualDialogue):
        return max(_least_seconds(node.left), _least_seconds(node.right))
    if isinstance(node, ast.DialogueBlock):
        return sum(_least_seconds(p) for p in node.parts)
    if isinstance(node, ast.DialogueLine | ast.DialogueLyric):
        return _MIN_LINE_S
    if isinstance(node, ast.Directive):
        args = _args(node)
        if node.name == "hold":
            return float(args.get("duration", 0.0))  # type: ignore[arg-type]
        if node.name == "generate" and args.get("unit", "lines") == "lines":
            return _MIN_LINE_S * float(args.get("count", 0))  # type: ignore[arg-type]
    return 0.0


def _film_length(film: Film, diags: Diagnostics) -> None:
    """SP0314 where the least running time of the film passes :data:`MAX_FILM_S`."""
    total = _MIN_TITLE_S if film.script.title_page else 0.0
    for el in film.script.body:
        total += _least_seconds(el)
        if total > MAX_FILM_S:
            diags.report(
                FILM_TOO_LONG,
                el.span if not isinstance(el, ast.DialogueBlock) else el.character.span,
                f"the film runs longer than {fmt_seconds(MAX_FILM_S)} by here",
                "a film is at most 6 hours; shorten the holds, or split it into several films",
                f"at least {fmt_seconds(total)} so far",
            )
            return


def _fades(film: Film, diags: Diagnostics) -> None:
    """SP0606 for fades longer than a cue whose length only holds decide.

    A cue plays from its ``[[music CUE]]`` to its ``[[music CUE stop]]``.  When only
    holds lie between the two, its length is known here, so fades that cannot fit are
    reported by ``check`` instead of being squeezed at render time.
    """
    try:
        from screenplay.music.schema import check_fades
    except ImportError:  # pragma: no cover - the music package is part of the product
        return
    # cue → (start directive, fade-in, seconds so far, or None once anything untimed passed)
    playing: dict[str, tuple[ast.Directive, float, float | None]] = {}

    def stop(cue: str, fade_out: float) -> None:
        start, fade_in, seconds = playing.pop(cue)
        if seconds is None:
            return
        for code, message, help in check_fades(seconds, fade_in, fade_out):
            diags.warning(code, start.span, f"cue `{cue}`: {message}", help, "this cue")

    for node in film.script.walk():
        if isinstance(node, ast.Directive) and node.name == "music":
            args = _args(node)
            cue = str(args.get("cue", "")).upper()
            if not cue or cue not in film.cues:
                continue
            if args.get("stop"):
                if cue in playing:
                    stop(cue, float(args.get("fade-out", 0.0)))  # type: ignore[arg-type]
                continue
            if cue in playing:  # a restart stops the cue with a short fade (timing pass)
                stop(cue, 0.5)
            playing[cue] = (node, float(args.get("fade-in", 0.0)), 0.0)  # type: ignore[arg-type]
            continue
        if isinstance(node, ast.Directive) and node.name == "hold":
            step: float | None = _least_seconds(node)
        elif isinstance(
            node,
            ast.SceneHeading
            | ast.Action
            | ast.Lyrics
            | ast.Centered
            | ast.DialogueLine
            | ast.DialogueLyric
            | ast.Transition,
        ) or (isinstance(node, ast.Directive) and node.name in ("generate", "transition")):
            step = None
        else:
            continue
        for cue, (start, fade_in, seconds) in list(playing.items()):
            playing[cue] = (
                start,
                fade_in,
                None if step is None or seconds is None else seconds + step,
            )
