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

Each hole is keyed by a stable identity — its own text, the nearest written
dialogue line above it and an occurrence index (``lock.stable_key``) — never
by line numbers or hole order, so inserting, deleting or moving other holes
leaves every key alone.  Editing the script above a filled hole changes its
prompt; the locked text is then kept (warning SP0310) rather than silently
redrawn — ``fill --regenerate`` redraws.  ``--locked`` never moves text
from one hole to another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from screenplay.backends.protocols import BackendError
from screenplay.diagnostics import Diagnostics
from screenplay.diagnostics.codes import (
    CHARACTER_AUTO_CAST,
    GENERATED_TEXT_DID_NOT_PARSE,
    LOCKED_TEXT_KEPT_AFTER_AN_EDIT,
)
from screenplay.directives import interpret
from screenplay.film import Film
from screenplay.syntax import ast
from screenplay.syntax.parser import parse_source
from screenplay.syntax.source import Source, Span

DEFAULT_SEED = 1
DEFAULT_TEMPERATURE = 0.8
DEFAULT_TOP_P = 0.95
DEFAULT_CANDIDATES = 4


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
    top_p: float = DEFAULT_TOP_P
    new_characters: bool = False
    candidates: int = DEFAULT_CANDIDATES
    text: str = ""  # the hole as written: `[[generate 4 lines]]`, `THEO ...`
    anchor: str = ""  # the nearest written dialogue line above it
    key: str = ""  # stable identity (lock.stable_key)


@dataclass
class FillOutcome:
    film: Film
    filled: list[tuple[Hole, str]]  # (hole, generated Fountain text)
    generated: int  # how many were generated now (not from the lock)


#: on_hole(number, of, source_line): a hole that needs the model starts.
OnHole = Callable[[int, int, int], None]


def lock_path(film: Film) -> Path | None:
    return film.path.with_name(film.path.name + ".lock") if film.path else None


def _span_text(source: Source, span: Span) -> str:
    lines = source.text.split("\n")
    if span.line == span.end_line:
        return lines[span.line - 1][span.col - 1 : span.end_col - 1]
    first = lines[span.line - 1][span.col - 1 :]
    middle = lines[span.line : span.end_line - 1]
    last = lines[span.end_line - 1][: span.end_col - 1]
    return "\n".join([first, *middle, last])


def find_holes(film: Film) -> list[Hole]:
    """Every hole in script order, each with its stable identity (text, anchor, key)."""
    from screenplay.dialogue.lock import normalize_hole_text, stable_key

    holes: list[Hole] = []
    anchor = ""  # the latest written dialogue line, "NAME: words"
    seen: dict[tuple[str, str], int] = {}

    def add(h: Hole) -> None:
        h.anchor = anchor
        ident = (normalize_hole_text(h.text), anchor)
        h.key = stable_key(h.text, anchor, seen.get(ident, 0))
        seen[ident] = seen.get(ident, 0) + 1
        holes.append(h)

    for i, el in enumerate(film.script.body):
        if isinstance(el, ast.Directive) and el.name == "generate":
            args, problems = interpret(el)
            if problems:
                continue
            text = _span_text(film.source, el.span).strip() or f"[[generate {el.span.line}]]"
            add(
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
                    float(args.get("top_p", DEFAULT_TOP_P)),
                    bool(args.get("new_characters", False)),
                    int(args.get("candidates", DEFAULT_CANDIDATES)),
                    text=normalize_hole_text(text),
                )
            )
        blocks = (el.left, el.right) if isinstance(el, ast.DualDialogue) else (el,)
        for b in blocks:
            if not isinstance(b, ast.DialogueBlock):
                continue
            name = b.character.name.upper()
            for j, part in enumerate(b.parts):
                if not isinstance(part, ast.DialogueLine):
                    continue
                if part.is_hole:
                    add(
                        Hole(
                            i,
                            j,
                            part.span,
                            "line_for",
                            1,
                            name,
                            DEFAULT_SEED,
                            DEFAULT_TEMPERATURE,
                            None,
                            text=f"{name} ...",
                        )
                    )
                elif part.text.strip():
                    anchor = normalize_hole_text(f"{name}: {part.text}")
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
    on_hole: OnHole | None = None,
    save_lock: bool = True,
    prune: bool = False,
) -> FillOutcome:
    """Fill every hole (lock first), splice the text in, and re-resolve.

    ``prune`` (``screenplay fill``) also tidies the lock: entries of holes
    that no longer exist are dropped and kept-but-stale entries get the
    current prompt's hash, so the SP0310 warning is given once.
    """
    holes = find_holes(film)
    if not holes:
        return FillOutcome(film, [], 0)
    from screenplay.dialogue.fill_core import HoleRequest, fill_hole, prompt_digest
    from screenplay.dialogue.lock import LockError, LockFile

    lp = lock_path(film)
    try:
        lock = LockFile.load(lp) if lp else LockFile()
    except LockError as exc:
        name = str(lp)
        film.sources[name] = Source.read_lenient(lp) if lp else Source(name, "")
        diags.error(
            exc.code,
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
    current_keys = {h.key for h in holes}
    written = _written_lines(film)
    filled: list[tuple[Hole, str]] = []
    generated = 0
    changed = False  # the lock needs saving (migrated, re-keyed or refreshed entries)
    keys: set[str] = set()
    unlocked = [h for h in holes if lock.get(h.key) is None or regenerate]
    for hole in holes:
        req = HoleRequest(
            preceding=_preceding(film.source, hole.span.line, filled),
            mode=hole.mode,  # type: ignore[arg-type]
            count=hole.count,
            character=hole.character,
            cast=cast,
            seed=hole.seed,
            temperature=hole.temperature,
            model=_model_path(hole.model, film.base_dir),
            line=hole.span.line,
            top_p=hole.top_p,
            new_characters=hole.new_characters,
            candidates=hole.candidates,
            key=hole.key,
            hole=hole.text,
            anchor=hole.anchor,
        )
        adopted = False
        if lock.get(hole.key) is None and not regenerate:
            adopted = _adopt(hole, req, lock, current_keys, written, diags, film)
            changed = changed or adopted
        if on_hole is not None and hole in unlocked and not locked:
            on_hole(unlocked.index(hole) + 1, len(unlocked), hole.span.line)
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
        if result.stale and not adopted:  # (an adoption has already said so)
            # The script above the hole changed since its text was generated:
            # keep the locked text (a lock is a promise), and say how to redraw.
            diags.report(
                LOCKED_TEXT_KEPT_AFTER_AN_EDIT,
                hole.span,
                "the script before this hole changed since its text was generated; "
                "the locked text is kept",
                f"`screenplay fill --regenerate {film.source.name}` draws new text",
                "locked text kept",
            )
        if result.stale:
            entry = lock.get(result.key)
            if prune and not locked and entry is not None:
                lock.put(replace(entry, prompt=prompt_digest(req)))
                changed = True
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
    # A film with alternatives is one variant of several: the holes of the others
    # (`seed=1|2`, another ending) are not in this one, and their entries stay.
    if film.script.extra.get("axes") is not None:
        prune = False
    if prune and save_lock and not locked and not diags.has_errors and len(keys) == len(holes):
        pruned = lock.prune(keys)
    if lock.legacy and prune and not locked and not diags.has_errors:
        lock.legacy = False  # written back in the current format
        changed = True
    if (
        save_lock
        and lp is not None
        and not locked
        and (generated or regenerate or pruned or changed)
    ):
        lock.save(lp)
    return FillOutcome(splice(film, filled, diags), filled, generated)


def _written_lines(film: Film) -> set[str]:
    """Every written dialogue line of the film as an anchor (``NAME: words``)."""
    from screenplay.dialogue.lock import normalize_hole_text

    out: set[str] = set()
    for el in film.script.body:
        blocks = (el.left, el.right) if isinstance(el, ast.DualDialogue) else (el,)
        for b in blocks:
            if isinstance(b, ast.DialogueBlock):
                for part in b.parts:
                    if isinstance(part, ast.DialogueLine) and not part.is_hole:
                        out.add(normalize_hole_text(f"{b.character.name.upper()}: {part.text}"))
    return out


def _adopt(
    hole: Hole,
    req: Any,
    lock: Any,
    current_keys: set[str],
    written: set[str],
    diags: Diagnostics,
    film: Film,
) -> bool:
    """Give a hole without an entry the text that is clearly its own, under its key.

    * A format-1 lock (keys were prompt hashes): the entry that asks for the
      same thing (mode, count, character, seed, temperature, model), nearest
      by recorded line, not claimed by another hole.  A silent migration.
    * An entry whose hole text is this hole's and whose anchor line no
      longer exists anywhere in the film: the dialogue line above the hole
      was edited.  Adopted only when exactly one such entry exists, with
      SP0310.  An entry whose anchor still exists belongs to a hole that was
      deleted or moved, and is never taken: text does not move between holes.
    """
    from screenplay.dialogue.fill_core import prompt_digest

    free = [e for e in lock.ordered() if e.key not in current_keys]
    model = req.model.strip() if req.model and req.model.strip() else "default"
    if lock.legacy:
        cands = [
            e
            for e in free
            if not e.hole
            and e.mode == hole.mode
            and int(e.count) == int(hole.count)
            and int(e.seed) == int(hole.seed)
            and abs(float(e.temperature) - float(hole.temperature)) < 1e-9
            and e.model == model
            and (e.character or None) == hole.character
        ]
        if cands:
            e = min(cands, key=lambda x: abs(int(x.line) - hole.span.line))
            lock.entries.pop(e.key)
            lock.put(
                replace(
                    e,
                    key=hole.key,
                    hole=hole.text,
                    after=hole.anchor,
                    prompt=prompt_digest(req),
                    line=hole.span.line,
                )
            )
            return True
    orphans = [e for e in free if e.hole == hole.text and e.after and e.after not in written]
    if len(orphans) != 1:
        return False
    e = orphans[0]
    lock.entries.pop(e.key)
    lock.put(replace(e, key=hole.key, after=hole.anchor, line=hole.span.line))
    diags.report(
        LOCKED_TEXT_KEPT_AFTER_AN_EDIT,
        hole.span,
        "the dialogue line above this hole changed since its text was generated; "
        "the locked text is kept",
        f"`screenplay fill --regenerate {film.source.name}` draws new text",
        "locked text kept",
    )
    return True


def _model_path(model: str | None, base_dir: Path) -> str | None:
    """A ``model=`` that names a file or folder beside the film is resolved against it."""
    if not model:
        return model
    p = Path(model).expanduser()
    if not p.is_absolute() and (base_dir / p).exists():
        return str((base_dir / p).resolve())
    return model


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
        if d.code == CHARACTER_AUTO_CAST.code and d.span.file != film.source.name:
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
        diags.report(
            GENERATED_TEXT_DID_NOT_PARSE,
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
