"""fill_hole's control flow with a scripted model: rounds, retries, keys, progress."""

from __future__ import annotations

from collections.abc import Callable

from shape import dialogue_blocks

from screenplay.backends.protocols import GenerationRequest
from screenplay.dialogue.fill_core import HoleRequest, fill_hole, request_key, round_seed
from screenplay.dialogue.lock import LockFile

SCRIPT = """Title: The Empty Room

cast MAN "The man"
    voice: carlos

INT. EMPTY ROOM - DAY

MAN
It still hasn't begun.

WOMAN
It began a long time ago.
"""


class Scripted:
    """A DialogueModel that answers from a list and records what it was asked."""

    identity = "scripted@1"

    def __init__(self, answers: list[str]) -> None:
        self.answers = list(answers)
        self.requests: list[GenerationRequest] = []
        self.tokens_generated = 0

    def generate(
        self,
        request: GenerationRequest,
        *,
        on_token: Callable[[int, int], None] | None = None,
        should_stop: Callable[[str], bool] | None = None,
    ) -> str:
        self.requests.append(request)
        text = self.answers.pop(0) if self.answers else ""
        words = text.split(" ")
        out = ""
        for i, w in enumerate(words, 1):  # one "token" per word, as a real model streams
            out = w if i == 1 else out + " " + w
            self.tokens_generated += 1
            if on_token:
                on_token(i, request.max_new_tokens)
            if should_stop and should_stop(out):
                break
        return out


def _ident(ref: str | None) -> str:
    return f"{ref or 'default'}@test"


def _req(**kw: object) -> HoleRequest:
    fields: dict[str, object] = dict(
        preceding=SCRIPT,
        mode="lines",
        count=3,
        character=None,
        cast=("MAN", "WOMAN"),
        seed=4,
        temperature=0.7,
        model=None,
        line=12,
    )
    fields.update(kw)
    return HoleRequest(**fields)  # type: ignore[arg-type]


def test_lines_come_in_rounds_alternating_speakers() -> None:
    model = Scripted(["Then why wait?\n\nWOMAN\nBecause.\n\nMAN\n", "Fine, I will wait."])
    progress: list[tuple[int, int]] = []
    r = fill_hole(
        _req(),
        LockFile(),
        get_model=lambda ref: model,
        identify=_ident,
        on_token=lambda d, t: progress.append((d, t)),
    )
    assert dialogue_blocks(r.text) == [
        ("MAN", "Then why wait?"),
        ("WOMAN", "Because."),
        ("MAN", "Fine, I will wait."),
    ]
    first, second = model.requests
    assert first.prompt.endswith("\n\nMAN\n") and second.prompt.endswith("Because.\n\nMAN\n")
    assert first.seed == round_seed(4, 0) == 4 and second.seed == round_seed(4, 1) != 4
    assert first.temperature == 0.7
    assert r.tokens == model.tokens_generated and progress[-1] == (r.tokens, r.tokens)


def test_unusable_rounds_retry_then_fail_honestly() -> None:
    model = Scripted(["#### 1234", "<|im_end|>", "FADE OUT.", "www.example.com", "never used"])
    lock = LockFile()
    r = fill_hole(_req(count=2), lock, get_model=lambda ref: model, identify=_ident)
    assert r.text == "" and r.failure and "after 4 attempts" in r.failure
    assert len(model.requests) == 4 and len(lock) == 0
    assert len({q.seed for q in model.requests}) == 4  # each retry draws differently


def test_line_for_and_words() -> None:
    model = Scripted(["(quietly)\nNot yet.\nWOMAN\n"])
    r = fill_hole(
        _req(mode="line_for", count=1, character="WOMAN"),
        LockFile(),
        get_model=lambda ref: model,
        identify=_ident,
    )
    assert r.text == "Not yet." and model.requests[0].prompt.endswith("\n\nWOMAN\n")
    prose = "The light goes. The man sits down and waits for the rain. Nobody comes."
    model = Scripted([prose])
    r = fill_hole(
        _req(mode="words", count=12), LockFile(), get_model=lambda ref: model, identify=_ident
    )
    assert r.text.startswith("The light goes.") and r.text.endswith(".")


def test_locked_hole_never_asks_for_a_model() -> None:
    lock = LockFile()
    fill_hole(
        _req(),
        lock,
        get_model=lambda ref: Scripted(["Then why wait?\n\nWOMAN\nNo.\n"]),
        identify=_ident,
    )

    def refuse(ref: str | None) -> Scripted:
        raise AssertionError("a locked hole must not load a model")

    assert fill_hole(_req(line=40), lock, get_model=refuse, identify=_ident).from_lock


def test_key_ignores_characters_who_come_later_but_not_the_model() -> None:
    key, ident, prompt = request_key(_req(), _ident)
    later = _req(cast=("MAN", "WOMAN", "STRANGER"))  # STRANGER appears after the hole
    assert request_key(later, _ident)[0] == key
    assert "STRANGER" not in prompt and "Characters: MAN, WOMAN" in prompt
    assert request_key(_req(model="gpt2"), _ident)[0] != key
    assert request_key(_req(seed=5), _ident)[0] != key
    assert request_key(_req(line=99), _ident)[0] == key  # the line is not part of the key
