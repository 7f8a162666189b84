"""The fill pass: the dialogue model writes what the script leaves open; the lock keeps it.

Holes are ``[[generate N lines|words …]]`` directives and dialogue lines that
are only ``...``.  For each hole, in script order, the text before it (with
earlier holes already filled) is the prompt; :mod:`screenplay.dialogue`
generates, post-processes and locks the continuation in ``FILE.lock`` beside
the film.  The continuation is parsed back as Fountain and spliced into the
script in place of the directive; characters it introduces are auto-cast by
running resolve again.

A build with every hole locked never loads a model.  ``locked=True`` (``build
--locked``) makes an unlocked hole an error (SP0709) instead of generating.
:func:`freeze` rewrites the source with the generated text in place of the
holes (``screenplay fill --write``).

Editing the script above a filled hole changes its prompt; the locked text
is then kept (warning SP0310) rather than silently redrawn — ``fill
--regenerate`` redraws, and ``fill`` moves the entry to the new prompt's key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from screenplay.backends.protocols import BackendError
from screenplay.diagnostics import Diagnostics
from screenplay.directives import interpret
from screenplay.film import Film
from screenplay.syntax import ast
from screenplay.syntax.parser import parse_source
from screenplay.syntax.source import Source, Span

DEFAULT_SEED = 1
DEFAULT_TEMPERATURE = 0.8


class _Unlocked(Exception):
    """Raised instead of loading a model when the build is --locked."""


def _refuse(ref: str | None) -> Any:
    raise _Unlocked(ref)


@dataclass
class Hole:
    index: int  # position in script.body
    part: int | None  # position in the dialogue block's parts (for `...` lines)
    span: Span
    mode: str  # "lines" | "words" | "line_for"
    count: int
    character: str | None
    seed: int
    temperature: float
    model: str | None


@dataclass
class FillOutcome:
    film: Film
    filled: list[tuple[Hole, str]]  # (hole, generated Fountain text)
    generated: int  # how many were generated now (not from the lock)


def lock_path(film: Film) -> Path | None:
    return film.path.with_name(film.path.name + ".lock") if film.path else None


def find_holes(film: Film) -> list[Hole]:
    holes: list[Hole] = []
    for i, el in enumerate(film.script.body):
        if isinstance(el, ast.Directive) and el.name == "generate":
            args, problems = interpret(el)
            if problems:
                continue
            holes.append(
                Hole(
                    i,
                    None,
                    el.span,
                    str(args.get("unit", "lines")),
                    int(args.get("count", 1)),
                    None,
                    int(args.get("seed", DEFAULT_SEED)),
                    float(args.get("temperature", DEFAULT_TEMPERATURE)),
                    args.get("model"),
                )
            )
        blocks = (el.left, el.right) if isinstance(el, ast.DualDialogue) else (el,)
        for b in blocks:
            if not isinstance(b, ast.DialogueBlock):
                continue
            for j, part in enumerate(b.parts):
                if isinstance(part, ast.DialogueLine) and part.is_hole:
                    holes.append(
                        Hole(
                            i,
                            j,
                            part.span,
                            "line_for",
                            1,
                            b.character.name.upper(),
                            DEFAULT_SEED,
                            DEFAULT_TEMPERATURE,
                            None,
                        )
                    )
    return holes


def _preceding(source: Source, line: int, filled: list[tuple[Hole, str]]) -> str:
    """The script before ``line``, with earlier holes replaced by their text."""
    lines = source.text.split("\n")[: line - 1]
    for hole, text in sorted(filled, key=lambda ht: ht[0].span.line, reverse=True):
        if hole.span.line < line:
            a, b = hole.span.line - 1, hole.span.end_line
            if hole.mode == "line_for":
                lines[a:b] = [text]
            else:
                lines[a:b] = text.split("\n")
    return "\n".join(lines)


def fill(
    film: Film,
    diags: Diagnostics,
    *,
    locked: bool = False,
    regenerate: bool = False,
    get_model: Callable[[str | None], Any] | None = None,
    on_token: Callable[[int, int], None] | None = None,
    save_lock: bool = True,
    prune: bool = False,
) -> FillOutcome:
    holes = find_holes(film)
    if not holes:
        return FillOutcome(film, [], 0)
    from screenplay.dialogue.fill_core import HoleRequest, fill_hole
    from screenplay.dialogue.lock import LockError, LockFile

    lp = lock_path(film)
    try:
        lock = LockFile.load(lp) if lp else LockFile.load(Path("/nonexistent/film.lock"))
    except LockError as exc:
        name = str(lp)
        film.sources[name] = Source.read(lp) if lp and lp.exists() else Source(name, "")
        diags.error(
            "SP0701" if not getattr(exc, "code", None) else exc.code,
            Span(name, exc.line, exc.col, exc.line, exc.col + 1),
            exc.message,
            exc.help or "fix the lock file, or delete it to generate again",
            "here",
        )
        return FillOutcome(film, [], 0)

    if get_model is None:
        from screenplay.dialogue.model import load_model

        def get_model(ref: str | None) -> Any:
            return load_model(ref)

    cast = tuple(sorted(n for n, m in film.cast.items() if m.speaks or m.declared))
    used_stale: set[str] = set()
    filled: list[tuple[Hole, str]] = []
    generated = 0
    rekeyed = 0  # locked texts moved to the current prompt's key
    keys: set[str] = set()
    for hole in holes:
        req = HoleRequest(
            preceding=_preceding(film.source, hole.span.line, filled),
            mode=hole.mode,
            count=hole.count,
            character=hole.character,
            cast=cast,
            seed=hole.seed,
            temperature=hole.temperature,
            model=_model_path(hole.model, film.base_dir),
            line=hole.span.line,
        )
        if not regenerate:
            stale = _stale_entry(req, lock, used_stale)
            if stale is not None:
                # The script above the hole changed since its text was generated:
                # keep the locked text (a lock is a promise), and say how to redraw.
                used_stale.add(stale.key)
                diags.warning(
                    "SP0310",
                    hole.span,
                    "the script before this hole changed since its text was generated; "
                    "the locked text is kept",
                    f"`screenplay fill --regenerate {film.source.name}` draws new text",
                    "locked text kept",
                )
                kept_key = stale.key
                if prune and not locked:
                    try:
                        kept_key = _rekey(stale, req, lock)
                        rekeyed += 1
                    except BackendError:
                        pass  # model not on this machine: keep the entry as it is
                filled.append((hole, stale.text))
                keys.add(kept_key)
                continue
        try:
            result = fill_hole(
                req,
                lock,
                get_model=_refuse if locked else get_model,
                regenerate=regenerate and not locked,
                on_token=on_token,
            )
        except _Unlocked:
            diags.error(
                "SP0709",
                hole.span,
                "this hole has no locked text and the build is --locked",
                f"run `screenplay fill {film.source.name}` to generate and lock it",
                "not locked",
            )
            continue
        except BackendError as exc:
            diags.error(exc.code, hole.span, exc.message, exc.help, "cannot generate here")
            continue
        keys.add(result.key)
        if not result.from_lock:
            generated += 1
        if not result.text.strip():
            diags.warning(
                "SP0704",
                hole.span,
                "the dialogue model produced nothing usable here",
                getattr(result, "failure", "") or "regenerate with another seed",
                "left empty",
            )
            continue
        filled.append((hole, result.text))
    # Only a full, successful `fill` run may drop entries: a hole that failed
    # this time keeps its old text for the next attempt.
    pruned = 0
    if prune and save_lock and not locked and not diags.has_errors and len(keys) == len(holes):
        pruned = lock.prune(keys)
    if (
        save_lock
        and lp is not None
        and not locked
        and (generated or regenerate or pruned or rekeyed)
    ):
        lock.save(lp)
    return FillOutcome(splice(film, filled, diags), filled, generated)


def _model_path(model: str | None, base_dir: Path) -> str | None:
    """A ``model=`` that names a file or folder beside the film is resolved against it."""
    if not model:
        return model
    p = Path(model).expanduser()
    if not p.is_absolute() and (base_dir / p).exists():
        return str((base_dir / p).resolve())
    return model


def _stale_entry(req: Any, lock: Any, used: set[str]) -> Any:
    """A lock entry for this hole made from an older prompt, or None.

    A hole is the same hole when its directive asks for the same thing (mode,
    count, character, seed, temperature, model); among such entries the one
    recorded nearest this source line wins.  The current key must be absent
    (otherwise the entry is simply up to date).
    """
    from screenplay.dialogue.fill_core import request_key

    try:
        key = request_key(req)[0]
    except BackendError:
        key = None
    if key is not None and lock.get(key) is not None:
        return None
    model = req.model.strip() if req.model and req.model.strip() else "default"
    character = req.character.upper() if req.character else None
    candidates = [
        e
        for e in lock.ordered()
        if e.key not in used
        and e.mode == req.mode
        and int(e.count) == int(req.count)
        and int(e.seed) == int(req.seed)
        and abs(float(e.temperature) - float(req.temperature)) < 1e-9
        and e.model == model
        and ((e.character or None) and e.character.upper()) == character
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda e: abs(int(e.line) - int(req.line)))


def _rekey(entry: Any, req: Any, lock: Any) -> str:
    """Move a kept entry under the key of the current prompt (``screenplay fill``)."""
    from dataclasses import replace as dc_replace

    from screenplay.dialogue.fill_core import request_key
    from screenplay.dialogue.lock import prompt_hash

    key, _identity, prompt = request_key(req)
    lock.entries.pop(entry.key, None)
    lock.put(dc_replace(entry, key=key, prompt=prompt_hash(prompt), line=req.line))
    return key


def splice(film: Film, filled: list[tuple[Hole, str]], diags: Diagnostics) -> Film:
    """A new film whose script has the generated text in place of the holes."""
    if not filled:
        return film
    body = list(film.script.body)
    by_index: dict[int, list[tuple[Hole, str]]] = {}
    for hole, text in filled:
        by_index.setdefault(hole.index, []).append((hole, text))
    new_body: list[ast.Element] = []
    for i, el in enumerate(body):
        items = by_index.get(i)
        if not items:
            new_body.append(el)
            continue
        directive_fill = [(h, t) for h, t in items if h.part is None]
        line_fills = {h.part: t for h, t in items if h.part is not None}
        if line_fills:
            el = _fill_lines(el, line_fills)
        if directive_fill:
            hole, text = directive_fill[0]
            new_body.extend(_parse_generated(film, hole, text, diags))
        else:
            new_body.append(el)
    script = replace(film.script, body=tuple(new_body))
    # Re-resolve so characters the model introduced are cast like any other.
    from screenplay.passes.resolve import resolve

    quiet = Diagnostics()
    new = resolve(script, film.source, film.path, quiet)
    new.sources.update(film.sources)
    # Settings come from the title page, which filling never touches, but the
    # film handed in may carry the build's overrides (--preview, --size,
    # --fps).  Re-reading them from the title page dropped those overrides
    # for every film with a hole, so the filled film keeps the settings it
    # was given, not the ones resolve derives afresh.
    new.settings = replace(film.settings)
    for d in quiet:
        if d.code == "SP0203" and d.span.file != film.source.name:
            diags.add(d)
    return new


def _fill_lines(el: ast.Element, fills: dict[int, str]) -> ast.Element:
    def fix(b: ast.DialogueBlock) -> ast.DialogueBlock:
        parts = list(b.parts)
        for j, text in fills.items():
            if j < len(parts) and isinstance(parts[j], ast.DialogueLine):
                parts[j] = ast.DialogueLine(parts[j].span, text)
        return replace(b, parts=tuple(parts))

    if isinstance(el, ast.DialogueBlock):
        return fix(el)
    if isinstance(el, ast.DualDialogue):
        return replace(el, left=fix(el.left), right=fix(el.right))
    return el


def _parse_generated(film: Film, hole: Hole, text: str, diags: Diagnostics) -> list[ast.Element]:
    name = f"{film.source.name}:{hole.span.line} (generated)"
    src = Source(name, text)
    film.sources[name] = src
    sub = Diagnostics()
    script, _ = parse_source(src, sub)
    if sub.has_errors:
        diags.warning(
            "SP0308",
            hole.span,
            "the generated text did not parse cleanly; parts were left out",
            "regenerate with another seed: `screenplay fill --regenerate`",
            "generated here",
        )
    keep = (
        ast.DialogueBlock,
        ast.DualDialogue,
        ast.Action,
        ast.Transition,
        ast.Centered,
        ast.Lyrics,
    )
    return [el for el in script.body if isinstance(el, keep)]


def freeze(film: Film, filled: list[tuple[Hole, str]]) -> str:
    """The source text with each hole replaced by its generated text (``fill --write``)."""
    lines = film.source.text.split("\n")
    for hole, text in sorted(
        filled, key=lambda ht: (ht[0].span.line, ht[0].span.col), reverse=True
    ):
        a, b = hole.span.line - 1, hole.span.end_line
        if hole.mode == "line_for":
            old = lines[a]
            indent = old[: len(old) - len(old.lstrip())]
            lines[a:b] = [indent + " ".join(text.split())]
        else:
            lines[a:b] = text.strip("\n").split("\n")
    out = "\n".join(lines)
    if film.source.text.endswith("\n") and not out.endswith("\n"):
        out += "\n"
    return out
