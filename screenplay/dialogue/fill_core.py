"""Filling one hole: the lock first, the model only when the lock has no text.

The fill pass (``screenplay/passes/fill.py``) finds the holes —
``[[generate N lines|words …]]`` directives and cues whose dialogue is only
``...`` — gives each a stable identity (its key, see
:func:`screenplay.dialogue.lock.stable_key`) and hands it here as a
:class:`HoleRequest`.  :func:`fill_hole` returns the locked text when the lock
has the key, and otherwise generates, cleans and locks.

How a hole is generated (docs/dialogue.md has the measurements):

* The prompt is built from the script's *structure*
  (:func:`~screenplay.dialogue.prompt.scene_context`): title and logline, the
  scene heading, who is present and who is off-screen, each character's
  description from ``cast``, and the last lines.  An instruct model gets it
  through its chat template; a base model (GPT-2 style) as plain screenplay
  text to continue.
* **Only the cast speaks.**  Each line's speaker is decoded separately, with
  the vocabulary masked at every token to the names of the characters in the
  scene (:meth:`~screenplay.dialogue.model._Decoder.choose`); the last
  speaker is excluded when anyone else is there.  A ``...`` hole speaks as
  its own character.  ``new_characters=yes`` lets the model write a cue of
  its own instead.
* **Best of N.**  The line is then sampled as ``candidates`` continuations in
  one batch and the best by :func:`~screenplay.dialogue.prompt.score_line`
  is kept (mean token log-prob minus penalties for fragments, repeating the
  context, very short and exclamation-only lines).
* Lines are chosen one at a time until the hole has N of them; ``words``
  holes sample free continuations (action and dialogue) the same way,
  dropping any cue outside the cast.

Seeds: line ``k`` of a hole with ``seed=s`` samples with a seed derived from
``(s, k, draw)``, so the whole hole is reproducible from its seed; a redraw
(``fill --regenerate``) bumps the entry's ``draw``.  Nothing usable after the
retries gives an empty result with ``failure`` set (SP0704), and nothing is
locked.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from screenplay.backends.protocols import BackendError, DialogueModel, GenerationRequest
from screenplay.dialogue.lock import LockEntry, LockFile, prompt_hash, stable_key
from screenplay.dialogue.prompt import (
    Mode,
    SceneContext,
    chat_messages,
    clean_speech,
    cue_name,
    is_fragment,
    is_plausible_name,
    postprocess,
    raw_prompt,
    repetition,
    scene_context,
    score_line,
    words_in,
)

#: Token budget for one dialogue line / per word requested.
TOKENS_PER_LINE = 40
TOKENS_PER_WORD = 1.6
#: A words round never asks for more than this many tokens.
MAX_ROUND_TOKENS = 160
#: Attempts per line (each with a fresh seed) before giving up on the hole.
MAX_EMPTY_ROUNDS = 3
TOP_P = 0.95
#: A candidate sharing this much of its word trigrams with the scene is rejected.
NEAR_COPY = 0.6
#: Best-of-N default: candidates sampled per line.
DEFAULT_CANDIDATES = 4


@dataclass(frozen=True)
class HoleRequest:
    """One place in the script where the model must write."""

    preceding: str  # the script before the hole, as Fountain (earlier holes filled)
    mode: Mode  # "lines", "words" or "line_for"
    count: int  # lines or words (1 for line_for)
    character: str | None  # the speaker for line_for
    cast: tuple[str, ...] = ()  # the film's cast (used when the scene names nobody)
    seed: int = 1
    temperature: float = 0.8
    model: str | None = None  # None: the embedded default
    line: int = 0  # source line of the hole (recorded, not keyed)
    top_p: float = TOP_P
    new_characters: bool = False
    candidates: int = DEFAULT_CANDIDATES
    #: The stable identity (see ``lock.stable_key``); the fill pass computes it.
    key: str = ""
    hole: str = ""  # the hole's own text, recorded in the lock
    anchor: str = ""  # the nearest written dialogue line above it, recorded


@dataclass(frozen=True)
class LineChoice:
    """How one line was picked (for tests and the docs' best/worst lists)."""

    speaker: str
    text: str
    score: float
    candidates: tuple[tuple[str, float], ...]  # (cleaned text or "", score)


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
    #: The locked text was made from a different prompt (the script above changed).
    stale: bool = False
    choices: tuple[LineChoice, ...] = field(default_factory=tuple)


def context_of(req: HoleRequest) -> SceneContext:
    ctx = scene_context(req.preceding)
    if not ctx.known and req.cast:
        from dataclasses import replace

        ctx = replace(ctx, known=tuple(cue_name(c) for c in req.cast))
    return ctx


def allowed_speakers(req: HoleRequest, ctx: SceneContext) -> tuple[str, ...]:
    """The cue mask: who may speak in this hole."""
    if req.mode == "line_for" and req.character:
        return (cue_name(req.character).upper(),)
    return ctx.speakers()


def params_of(req: HoleRequest) -> dict[str, object]:
    return {
        "mode": req.mode,
        "count": int(req.count),
        "character": cue_name(req.character).upper() if req.character else None,
        "seed": int(req.seed),
        "temperature": float(req.temperature),
        "top_p": float(req.top_p),
        "new_characters": bool(req.new_characters),
        "candidates": int(req.candidates),
    }


def prompt_digest(req: HoleRequest) -> str:
    """Hash of everything the model is shown for this hole (the lock's ``prompt:``).

    When it differs from the recorded one the script above the hole changed
    since its text was generated; the text is kept and SP0310 says so.
    """
    ctx = context_of(req)
    payload = json.dumps({"context": ctx.digest_text(), "params": params_of(req)}, sort_keys=True)
    return prompt_hash(payload)


def _model_ref(req: HoleRequest) -> str:
    return req.model.strip() if req.model and req.model.strip() else "default"


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
    fully locked build never loads a model nor hashes its weights.  A locked
    entry is found by the hole's stable key alone, whatever model made it.
    ``on_token(done, total)`` reports progress while generating.  Raises
    :class:`~screenplay.backends.protocols.BackendError` (SP0701/SP0702) when
    the model is needed but cannot be loaded.
    """
    key = req.key or stable_key(req.hole or _describe(req), req.anchor, 0)
    digest = prompt_digest(req)
    entry = lock.get(key)
    if entry is not None and not regenerate:
        lock.relocate(key, req.line)
        stale = bool(entry.prompt) and entry.prompt != digest
        return FillResult(entry.text, key, True, stale=stale)
    draw = entry.draw + 1 if entry is not None else 0

    model = get_model(req.model)
    text, tokens, failure, choices = generate(model, req, on_token, draw)
    if text:
        identity = getattr(model, "identity", None)
        if not isinstance(identity, str) or not identity:
            try:
                identity = (identify or _default_identify())(req.model)
            except BackendError:
                identity = _model_ref(req)
        params = params_of(req)
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
                cast=allowed_speakers(req, context_of(req)),
                prompt=digest,
                line=req.line,
                draw=draw,
                hole=req.hole,
                after=req.anchor,
                top_p=float(req.top_p),
                candidates=int(req.candidates),
                new_characters=bool(req.new_characters),
            )
        )
    return FillResult(text, key, False, failure, tokens, False, tuple(choices))


def _describe(req: HoleRequest) -> str:
    """A hole's text when the caller gave none (API use): what it asks for."""
    if req.mode == "line_for":
        return f"{cue_name(req.character or '').upper()} ..."
    return json.dumps(params_of(req) | {"model": _model_ref(req)}, sort_keys=True)


def _default_identify() -> Callable[[str | None], str]:
    from screenplay.dialogue.model import model_identity

    return model_identity


# --------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------


def round_seed(seed: int, round_no: int, draw: int = 0) -> int:
    """The sampling seed of one line of a hole (line 0 of draw 0 is ``seed`` itself)."""
    return (int(seed) + 1_000_003 * round_no + 7_919_000_011 * draw) % (2**31 - 1)


class _Progress:
    """Adds up tokens over a hole's lines for one ``on_token(done, total)`` callback."""

    def __init__(self, on_token: Callable[[int, int], None] | None, total: int) -> None:
        self.cb = on_token
        self.base = 0
        self.total = total
        self.current = 0

    def step(self, done: int, _round_total: int) -> None:
        self.current = done
        if self.cb is not None:
            so_far = self.base + done
            self.total = max(self.total, so_far)
            self.cb(so_far, self.total)

    def end_round(self) -> None:
        self.base += self.current
        self.current = 0

    def finish(self) -> None:
        if self.cb is not None:
            self.cb(self.base, self.base)


def _structured(model: Any) -> bool:
    return all(hasattr(model, a) for a in ("choose", "sample_lines", "encode"))


class _Prompter:
    """Token ids of a hole's prompts, raw or through the chat template."""

    def __init__(self, model: Any, ctx: SceneContext) -> None:
        self.model = model
        self.ctx = ctx
        self.chat = bool(getattr(model, "has_chat_template", False))

    def ids(self, extra: str) -> list[int]:
        """The prompt up to where a cue begins."""
        if self.chat:
            system, user = chat_messages(self.ctx, extra)
            return list(self.model.encode(self.model.chat_text(system, user)))
        return list(self.model.encode(raw_prompt(self.ctx, None, extra), first=True))

    def cue(self, name: str) -> list[int]:
        return list(self.model.encode(self.ctx.cue(cue_name(name).upper()) + "\n"))


def generate(
    model: Any,
    req: HoleRequest,
    on_token: Callable[[int, int], None] | None = None,
    draw: int = 0,
) -> tuple[str, int, str | None, list[LineChoice]]:
    """``(fountain_text, tokens, failure, choices)`` for a hole on a lock miss."""
    ctx = context_of(req)
    forget = getattr(model, "forget_prefix", None)
    if callable(forget):
        forget()  # the hole's text must not depend on the holes before it
    if req.mode == "words":
        return _generate_words(model, req, ctx, on_token, draw)
    count = 1 if req.mode == "line_for" else max(1, int(req.count))
    progress = _Progress(on_token, count * TOKENS_PER_LINE)
    allowed = list(allowed_speakers(req, ctx))
    if not allowed and not req.new_characters:
        return "", 0, "nobody in the scene can speak (declare the cast or write a line first)", []
    prompter = _Prompter(model, ctx) if _structured(model) else None
    before = int(getattr(model, "tokens_generated", 0) or 0)
    pieces: list[str] = []
    choices: list[LineChoice] = []
    last = _last_speaker(ctx.lines)
    previous = _last_line(ctx.lines)
    attempt = 0
    failures = 0
    while len(pieces) < count and failures < MAX_EMPTY_ROUNDS:
        extra = "\n\n".join(pieces)
        seed = round_seed(req.seed, attempt, draw)
        attempt += 1
        if req.mode == "line_for":
            speaker = allowed[0]
        else:
            speaker = _pick_speaker(model, prompter, req, allowed, last, extra, seed)
        context = "\n\n".join([ctx.lines, extra])
        choice = _best_line(
            model, prompter, req, ctx, speaker, extra, seed, context, previous, progress
        )
        progress.end_round()
        if choice is None:
            failures += 1
            continue
        failures = 0
        choices.append(choice)
        pieces.append(f"{ctx.cue(speaker)}\n{choice.text}")
        last, previous = speaker, choice.text
    progress.finish()
    tokens = int(getattr(model, "tokens_generated", 0) or 0) - before
    if not pieces:
        return "", tokens, f"the model wrote nothing usable for this {_what(req)}", choices
    if req.mode == "line_for":
        return choices[0].text, tokens, None, choices
    return "\n\n".join(pieces), tokens, None, choices


def _last_speaker(lines: str) -> str | None:
    from screenplay.dialogue.prompt import script_body, speakers

    order = speakers(script_body(lines))
    return order[-1] if order else None


def _last_line(lines: str) -> str:
    paras = [p for p in lines.strip().split("\n\n") if p.strip()]
    return paras[-1].split("\n")[-1].strip() if paras else ""


def _pick_speaker(
    model: Any,
    prompter: _Prompter | None,
    req: HoleRequest,
    allowed: list[str],
    last: str | None,
    extra: str,
    seed: int,
) -> str:
    """Who speaks next: decoded with the vocabulary masked to the allowed names."""
    options = [n for n in allowed if n != last] or list(allowed)
    if prompter is None:
        return options[seed % len(options)] if len(options) > 1 else options[0]
    ids = prompter.ids(extra)
    if req.new_characters:
        free = model.sample_lines(
            ids, n=1, max_new_tokens=8, seed=seed, temperature=req.temperature, top_p=req.top_p
        )
        name = cue_name(free[0].text.strip().split("\n")[0]) if free else ""
        if name and name != last and is_plausible_name(name, allowed) and name.isupper():
            return name
    if len(options) == 1:
        return options[0]
    cues = [prompter.cue(n) for n in options]
    return options[int(model.choose(ids, cues, seed=seed, temperature=req.temperature))]


def _best_line(
    model: Any,
    prompter: _Prompter | None,
    req: HoleRequest,
    ctx: SceneContext,
    speaker: str,
    extra: str,
    seed: int,
    context: str,
    previous: str,
    progress: _Progress,
) -> LineChoice | None:
    """Sample ``candidates`` lines for ``speaker`` in one batch and keep the best."""
    if prompter is not None:
        ids = prompter.ids(extra) + prompter.cue(speaker)
        samples = model.sample_lines(
            ids,
            n=max(1, int(req.candidates)),
            max_new_tokens=TOKENS_PER_LINE,
            seed=seed,
            temperature=req.temperature,
            top_p=req.top_p,
            on_token=progress.step,
        )
        raw = [(s.text, s.mean_logprob) for s in samples]
    else:
        prompt = raw_prompt(ctx, speaker, extra)
        text = _call(model, prompt, seed, req, progress)
        raw = [(text, 0.0)]
    scored: list[tuple[str, float]] = []
    best: tuple[float, int, str] | None = None
    for i, (text, lp) in enumerate(raw):
        line = postprocess(text, "line_for", 1, speaker, [speaker], context=context)
        line = clean_speech(line) if line else ""
        if line and len(line.split()) < 3 and is_fragment(line):
            line = ""  # "You", "To your": not a line at all, whatever it scores
        if line and repetition(line, context) >= NEAR_COPY:
            line = ""  # a near-copy of the scene is an echo, not a reply
        if line and _opens_with_a_cue(line, ctx):
            line = ""  # "GUS (with a smile)...": a cue written into the speech
        if not line:
            scored.append(("", -math.inf))
            continue
        sc = score_line(line, lp, context, previous).total
        scored.append((line, sc))
        if best is None or sc > best[0]:
            best = (sc, i, line)
    if best is None:
        return None
    return LineChoice(speaker, best[2], best[0], tuple(scored))


def _opens_with_a_cue(line: str, ctx: SceneContext) -> bool:
    """Whether a line starts with a character's name in capitals (a cue run into the speech)."""
    head = line.split("(")[0].strip().rstrip(",.:;!?")
    return bool(head) and head.isupper() and head in ctx.known


def _call(model: Any, prompt: str, seed: int, req: HoleRequest, progress: _Progress) -> str:
    """A plain ``DialogueModel`` (``generate(request) -> str``): one sample, no scores."""
    import inspect

    request = GenerationRequest(
        prompt=prompt,
        max_new_tokens=TOKENS_PER_LINE,
        seed=seed,
        temperature=float(req.temperature),
        top_p=float(req.top_p),
    )
    kwargs: dict[str, Any] = {}
    try:
        accepted = inspect.signature(model.generate).parameters
    except (TypeError, ValueError):
        accepted = {}  # type: ignore[assignment]
    if "on_token" in accepted:
        kwargs["on_token"] = progress.step
    return str(model.generate(request, **kwargs))


def _generate_words(
    model: Any,
    req: HoleRequest,
    ctx: SceneContext,
    on_token: Callable[[int, int], None] | None,
    draw: int,
) -> tuple[str, int, str | None, list[LineChoice]]:
    """About N words of action and dialogue; cues outside the cast end the text."""
    count = max(1, int(req.count))
    progress = _Progress(on_token, int(count * TOKENS_PER_WORD) + 16)
    allowed = list(allowed_speakers(req, ctx))
    prompter = _Prompter(model, ctx) if _structured(model) else None
    before = int(getattr(model, "tokens_generated", 0) or 0)
    pieces: list[str] = []
    got = 0
    attempt = 0
    failures = 0
    while got < count and failures < MAX_EMPTY_ROUNDS:
        remaining = count - got
        budget = min(MAX_ROUND_TOKENS, int(remaining * TOKENS_PER_WORD) + 16)
        extra = "\n\n".join(pieces)
        seed = round_seed(req.seed, attempt, draw)
        attempt += 1
        context = "\n\n".join([ctx.lines, extra])
        lead = ""
        if prompter is not None:
            # Open with a cue chosen under the cast mask: a chat model left to
            # itself talks *about* the screenplay; a cue keeps it inside it.
            ids = prompter.ids(extra)
            if allowed:
                last = _last_speaker(context)
                speaker = _pick_speaker(model, prompter, req, allowed, last, extra, seed)
                lead = ctx.cue(speaker) + "\n"
                ids = ids + prompter.cue(speaker)
            samples = model.sample_lines(
                ids,
                n=max(1, int(req.candidates)),
                max_new_tokens=budget,
                seed=seed,
                temperature=req.temperature,
                top_p=req.top_p,
                on_token=progress.step,
                multiline=True,
            )
            raw = [(lead + s.text, s.mean_logprob) for s in samples]
        else:
            raw = [(_call(model, raw_prompt(ctx, None, extra), seed, req, progress), 0.0)]
        progress.end_round()
        best: tuple[float, str] | None = None
        for text, lp in raw:
            cleaned = postprocess(text, "words", remaining, None, allowed, context=context)
            cleaned = _cast_only(cleaned, allowed, req.new_characters)
            if not cleaned:
                continue
            last_sentence = cleaned.split("\n")[-1]
            sc = score_line(last_sentence, lp, context).total
            if best is None or sc > best[0]:
                best = (sc, cleaned)
        if best is None:
            failures += 1
            continue
        failures = 0
        pieces.append(best[1])
        got += words_in(best[1])
    progress.finish()
    tokens = int(getattr(model, "tokens_generated", 0) or 0) - before
    if not pieces:
        return "", tokens, f"the model wrote nothing usable for this {_what(req)}", []
    return "\n\n".join(pieces), tokens, None, []


def _cast_only(text: str, allowed: list[str], new_characters: bool) -> str:
    """Cut a words continuation at the first dialogue block by someone outside the cast."""
    if new_characters or not text:
        return text
    kept = []
    for para in text.split("\n\n"):
        lines = para.split("\n")
        if len(lines) > 1 and cue_name(lines[0]).upper() not in allowed:
            break
        kept.append(para)
    return "\n\n".join(kept)


def _what(req: HoleRequest) -> str:
    if req.mode == "line_for":
        return f"line of {req.character}"
    return f"request ({req.count} {req.mode})"
