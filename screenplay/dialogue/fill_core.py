"""Filling one hole: the lock first, the model only when the lock has no text.

The fill pass (``screenplay/passes/fill.py``, the lead's) finds the holes in
the AST — ``[[generate N lines|words]]`` directives and cues whose dialogue is
only ``...`` — and hands each one here as a :class:`HoleRequest`.
:func:`fill_hole` builds the prompt, computes the lock key, returns the
locked text if there is any, and otherwise asks the model, cleans the
continuation into Fountain and records it in the lock.

How a hole is generated:

* ``line_for`` (a ``...`` cue): the prompt ends with the character's cue; the
  first line of the continuation is the line.  An unusable answer is retried
  with the next seed, a bounded number of times.
* ``lines``: a conversation, one round at a time.  Each round forces the next
  speaker's cue (the scene's alternation) and lets the model run on; every
  well-formed dialogue block it writes is kept (a model that introduces a new
  character gets it cast), and generation stops as soon as the text derails.
  Rounds repeat until N lines exist.
* ``words``: free continuation (action and dialogue), rounds until about N
  words.

Seeds: round ``r`` of a hole with ``seed=s`` samples with a seed derived from
``(s, r)``, so the whole hole is reproducible from its one seed.  A redraw
(``regenerate=True``) bumps the entry's ``draw`` counter, which enters the
derivation, so it gives new text that is still reproducible.  If nothing
usable comes out after the retries, the result is empty and ``failure`` says
why (SP0704); nothing is locked, so the next fill tries again.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from screenplay.backends.protocols import BackendError, DialogueModel, GenerationRequest
from screenplay.dialogue.lock import LockEntry, LockFile, hole_key, prompt_hash
from screenplay.dialogue.prompt import (
    Mode,
    build_prompt,
    continuation_done,
    cue_name,
    known_cast,
    next_speaker,
    postprocess,
    words_in,
)

#: Token budget for one dialogue line / per word requested.
TOKENS_PER_LINE = 48
TOKENS_PER_WORD = 1.6
#: A round never asks for more than this many tokens.
MAX_ROUND_TOKENS = 320
#: Consecutive rounds that may come back empty before giving up.
MAX_EMPTY_ROUNDS = 4
TOP_P = 0.95


@dataclass(frozen=True)
class HoleRequest:
    """One place in the script where the model must write."""

    preceding: str  # the script before the hole, as Fountain
    mode: Mode  # "lines", "words" or "line_for"
    count: int  # lines or words (1 for line_for)
    character: str | None  # the speaker for line_for
    cast: tuple[str, ...]  # characters known so far, in order of appearance
    seed: int = 0
    temperature: float = 0.8
    model: str | None = None  # None: the embedded default
    line: int = 0  # source line of the directive (recorded, not keyed)


@dataclass(frozen=True)
class FillResult:
    """The Fountain text for a hole, its lock key, and whether the lock supplied it."""

    text: str
    key: str
    from_lock: bool
    #: Set when the model produced nothing usable (text is then "", nothing locked).
    failure: str | None = None
    #: Tokens the model generated for this hole (0 when from the lock).
    tokens: int = 0


def effective_cast(req: HoleRequest) -> tuple[str, ...]:
    """The cast the model is told about: who is declared or speaks before the hole.

    ``req.cast`` (the whole film's cast) only fills in when the script before
    the hole names nobody; a character added further down the film must not
    change the prompt, and so the lock key, of the holes above.
    """
    return known_cast(req.preceding) or tuple(cue_name(c) for c in req.cast)


def _params(req: HoleRequest) -> dict[str, object]:
    return {
        "mode": req.mode,
        "count": int(req.count),
        "character": cue_name(req.character) if req.character else None,
        "cast": list(effective_cast(req)),
        "seed": int(req.seed),
        "temperature": float(req.temperature),
    }


def _model_ref(req: HoleRequest) -> str:
    return req.model.strip() if req.model and req.model.strip() else "default"


def request_key(
    req: HoleRequest, identify: Callable[[str | None], str] | None = None
) -> tuple[str, str, str]:
    """``(key, identity, prompt)`` of a hole; raises BackendError if the model is absent."""
    first = _first_prompt(req)
    identity = (identify or _default_identify())(req.model)
    return hole_key(identity, first, _params(req)), identity, first


def _default_identify() -> Callable[[str | None], str]:
    from screenplay.dialogue.model import model_identity

    return model_identity


def _first_prompt(req: HoleRequest) -> str:
    cast = effective_cast(req)
    character = req.character if req.mode == "line_for" else next_speaker(req.preceding, cast)
    return build_prompt(req.preceding, req.mode, req.count, character, cast)


def fill_hole(
    req: HoleRequest,
    lock: LockFile,
    *,
    get_model: Callable[[str | None], DialogueModel],
    regenerate: bool = False,
    on_token: Callable[[int, int], None] | None = None,
    identify: Callable[[str | None], str] | None = None,
) -> FillResult:
    """Text for one hole, from ``lock`` if it has it, else from the model (then locked).

    ``get_model`` is called only on a lock miss (or ``regenerate``), so a
    fully locked build never loads a model.  ``identify`` computes the
    model's identity without loading it (default:
    :func:`screenplay.dialogue.model.model_identity`).  If the model is not
    installed here but the lock holds text for this hole made by a model of
    the same name, that text is used.  ``on_token(done, total)`` reports
    progress while generating.  Raises
    :class:`~screenplay.backends.protocols.BackendError` (SP0701/SP0702) when
    the model is needed but cannot be loaded.
    """
    params = _params(req)
    first = _first_prompt(req)
    p_hash = prompt_hash(first)
    try:
        identity = (identify or _default_identify())(req.model)
    except BackendError:
        # The model is not on this machine; a lock made elsewhere still builds.
        entry = None if regenerate else lock.find_portable(_model_ref(req), p_hash, params)
        if entry is None:
            raise
        lock.relocate(entry.key, req.line)
        return FillResult(entry.text, entry.key, True)
    key = hole_key(identity, first, params)
    entry = lock.get(key)
    if entry is not None and not regenerate:
        lock.relocate(key, req.line)
        return FillResult(entry.text, key, True)
    # A redraw must give new text: the same seed would give the same words.
    draw = entry.draw + 1 if entry is not None else 0

    model = get_model(req.model)
    text, tokens, failure = _generate(model, req, on_token, draw)
    if text:
        lock.put(
            LockEntry(
                key=key,
                text=text,
                mode=req.mode,
                count=int(req.count),
                seed=int(req.seed),
                temperature=float(req.temperature),
                model=_model_ref(req),
                identity=identity,
                character=params["character"],  # type: ignore[arg-type]
                cast=tuple(params["cast"]),  # type: ignore[arg-type]
                prompt=p_hash,
                line=req.line,
                draw=draw,
            )
        )
    return FillResult(text, key, False, failure, tokens)


# --------------------------------------------------------------------------
# Generation rounds
# --------------------------------------------------------------------------


def round_seed(seed: int, round_no: int, draw: int = 0) -> int:
    """The sampling seed of one round of a hole (round 0 of draw 0 is ``seed`` itself)."""
    return (int(seed) + 1_000_003 * round_no + 7_919_000_011 * draw) % (2**31 - 1)


class _Progress:
    """Adds up tokens over rounds for one ``on_token(done, total)`` callback."""

    def __init__(self, on_token: Callable[[int, int], None] | None, total: int) -> None:
        self.cb = on_token
        self.base = 0
        self.total = total
        self.current = 0

    def round_callback(self) -> Callable[[int, int], None]:
        def cb(done: int, _round_total: int) -> None:
            self.current = done
            if self.cb is not None:
                so_far = self.base + done
                self.total = max(self.total, so_far)
                self.cb(so_far, self.total)

        return cb

    def end_round(self) -> None:
        self.base += self.current
        self.current = 0

    def finish(self) -> None:
        if self.cb is not None:
            self.cb(self.base, self.base)


def _call(
    model: DialogueModel,
    request: GenerationRequest,
    on_token: Callable[[int, int], None],
    should_stop: Callable[[str], bool],
) -> tuple[str, int]:
    """Ask the model, passing progress and early-stop hooks if it accepts them."""
    kwargs: dict[str, Any] = {}
    try:
        accepted = inspect.signature(model.generate).parameters
    except (TypeError, ValueError):
        accepted = {}  # type: ignore[assignment]
    if "on_token" in accepted:
        kwargs["on_token"] = on_token
    if "should_stop" in accepted:
        kwargs["should_stop"] = should_stop
    before = getattr(model, "tokens_generated", None)
    raw = model.generate(request, **kwargs)
    after = getattr(model, "tokens_generated", None)
    used = (after - before) if isinstance(before, int) and isinstance(after, int) else 0
    return raw, used


def _generate(
    model: DialogueModel,
    req: HoleRequest,
    on_token: Callable[[int, int], None] | None,
    draw: int = 0,
) -> tuple[str, int, str | None]:
    """``(fountain_text, tokens, failure)`` for a hole on a lock miss."""
    count = max(1, int(req.count))
    if req.mode == "line_for":
        planned = TOKENS_PER_LINE
    elif req.mode == "lines":
        planned = count * TOKENS_PER_LINE
    else:
        planned = int(count * TOKENS_PER_WORD) + 16
    progress = _Progress(on_token, planned)
    pieces: list[str] = []
    got = 0  # lines or words so far
    empty = 0
    round_no = 0
    tokens = 0
    cast = list(effective_cast(req))
    while got < count and empty < MAX_EMPTY_ROUNDS and round_no < count + 2 * MAX_EMPTY_ROUNDS:
        remaining = count - got
        context = "\n\n".join([req.preceding.rstrip(), *pieces])
        if req.mode == "line_for":
            speaker: str | None = req.character
            budget = TOKENS_PER_LINE
        elif req.mode == "lines":
            speaker = next_speaker(context, cast)
            budget = min(MAX_ROUND_TOKENS, remaining * TOKENS_PER_LINE)
        else:
            speaker = None
            budget = min(MAX_ROUND_TOKENS, int(remaining * TOKENS_PER_WORD) + 16)
        prompt = build_prompt(context, req.mode, remaining, speaker, cast)
        request = GenerationRequest(
            prompt=prompt,
            max_new_tokens=budget,
            seed=round_seed(req.seed, round_no, draw),
            temperature=float(req.temperature),
            top_p=TOP_P,
        )

        def done(
            text: str, _mode: Mode = req.mode, _n: int = remaining, _who: str | None = speaker
        ) -> bool:
            return continuation_done(text, _mode, _n, _who, cast)

        raw, used = _call(model, request, progress.round_callback(), done)
        progress.end_round()
        tokens += used
        round_no += 1
        text = postprocess(raw, req.mode, remaining, speaker, cast, context=context)
        if not text:
            empty += 1
            continue
        empty = 0
        if req.mode == "line_for":
            progress.finish()
            return text, tokens, None
        pieces.append(text)
        if req.mode == "lines":
            got += text.count("\n\n") + 1
            for para in text.split("\n\n"):
                name = cue_name(para.split("\n", 1)[0])
                if name not in cast:
                    cast.append(name)  # a character the model introduced
        else:
            got += words_in(text)
    progress.finish()
    if not pieces:
        return (
            "",
            tokens,
            (
                f"the model wrote nothing usable for this {_what(req)} "
                f"after {round_no} attempt{'s' if round_no != 1 else ''}"
            ),
        )
    return "\n\n".join(pieces), tokens, None


def _what(req: HoleRequest) -> str:
    if req.mode == "line_for":
        return f"line of {req.character}"
    return f"request ({req.count} {req.mode})"
