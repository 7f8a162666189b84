"""fill_hole's rules with a scripted model: the cast mask, best of N, retries, progress.

``Scripted`` implements the structured interface of the real backend
(``encode``/``choose``/``sample_lines``) with answers given by the test, so
each rule is checked exactly; test_dialogue_model.py runs the same rules on
a real (tiny) GPT-2.
"""

from __future__ import annotations

from typing import Any

import pytest
from shape import dialogue_blocks

from screenplay.backends.protocols import GenerationRequest
from screenplay.dialogue.fill_core import HoleRequest, fill_hole, round_seed
from screenplay.dialogue.lock import LockFile
from screenplay.dialogue.model import Sample
from screenplay.dialogue.prompt import (
    is_exclamation_only,
    is_fragment,
    repetition,
    scene_context,
    score_line,
)

SCRIPT = """Title: Orbit
Logline: An astronaut and a radio operator keep each other awake.

cast MAYA "An astronaut alone on a space station"
cast BEN "A radio operator"
cast NARRATOR
cast GENERAL "A general at headquarters"

EXT. DESERT RADIO SHACK - NIGHT

BEN sits at the radio.

BEN
Station, this is Ben. Are you still awake up there?

MAYA (V.O.)
Still here. The Earth is turning under me and I can't sleep.
"""


class Scripted:
    """A structured dialogue model whose answers the test writes."""

    identity = "scripted@1"

    def __init__(
        self,
        lines: list[list[tuple[str, float]]],
        *,
        pick: int = 0,
        chat: bool = False,
        free_cue: str = "",
    ) -> None:
        self.lines = list(lines)
        self.pick = pick
        self.has_chat_template = chat
        self.free_cue = free_cue
        self.offered: list[list[str]] = []
        self.samples: list[dict[str, Any]] = []
        self.chats: list[tuple[str, str]] = []
        self.tokens_generated = 0

    def encode(self, text: str, *, first: bool = False) -> list[int]:
        return [ord(c) for c in text]

    def chat_text(self, system: str, user: str) -> str:
        self.chats.append((system, user))
        return f"<system>{system}</system><user>{user}</user><assistant>"

    def choose(
        self, ids: list[int], options: list[list[int]], *, seed: int, temperature: float
    ) -> int:
        self.offered.append(["".join(map(chr, o)).strip() for o in options])
        return min(self.pick, len(options) - 1)

    def sample_lines(
        self,
        ids: list[int],
        *,
        n: int,
        max_new_tokens: int,
        seed: int,
        temperature: float,
        top_p: float,
        on_token: Any = None,
        multiline: bool = False,
    ) -> list[Sample]:
        prompt = "".join(map(chr, ids))
        self.samples.append({"prompt": prompt, "n": n, "seed": seed, "top_p": top_p})
        if max_new_tokens == 8:  # the free cue of new_characters=yes
            return [Sample(self.free_cue + "\n", (-1.0,))]
        answers = self.lines.pop(0) if self.lines else []
        for step in range(1, 4):
            if on_token:
                on_token(step, max_new_tokens)
        self.tokens_generated += 3 * n
        out = [Sample(t + "\n", (lp,)) for t, lp in answers][:n]
        return out + [Sample("", ())] * (n - len(out))


def _req(**kw: object) -> HoleRequest:
    fields: dict[str, object] = dict(
        preceding=SCRIPT,
        mode="lines",
        count=2,
        character=None,
        seed=4,
        temperature=0.7,
        line=20,
        hole="[[generate 2 lines]]",
    )
    fields.update(kw)
    return HoleRequest(**fields)  # type: ignore[arg-type]


GOOD = [("I can hear the static breathing.", -1.0)]


def test_scene_context_reads_the_structure() -> None:
    ctx = scene_context(SCRIPT)
    assert ctx.title == "Orbit" and "radio operator" in ctx.logline
    assert ctx.heading == "EXT. DESERT RADIO SHACK - NIGHT"
    assert ctx.present == ("BEN",) and ctx.offscreen == ("MAYA",)
    assert ctx.speakers() == ("BEN", "MAYA")  # not NARRATOR, not the absent GENERAL
    assert ctx.description("MAYA") == "An astronaut alone on a space station"
    assert ctx.cue("MAYA") == "MAYA (V.O.)" and ctx.cue("BEN") == "BEN"


def test_only_the_scene_cast_is_offered_and_the_last_speaker_waits() -> None:
    model = Scripted([GOOD, [("Then talk to me until morning.", -1.2)]], pick=0)
    r = fill_hole(_req(), LockFile(), get_model=lambda ref: model)
    # MAYA spoke last: the first cue can only be BEN; then only MAYA (V.O.).
    assert dialogue_blocks(r.text) == [
        ("BEN", "I can hear the static breathing."),
        ("MAYA (V.O.)", "Then talk to me until morning."),
    ]
    # With one name left the mask decides alone: choose() is not even asked.
    assert model.offered == []
    three = SCRIPT + "\nGENERAL\nReport, both of you.\n"
    model = Scripted([GOOD, GOOD[:0] + [("Nothing to report, sir.", -1.0)]], pick=1)
    r = fill_hole(_req(preceding=three, count=2), LockFile(), get_model=lambda ref: model)
    assert model.offered[0] == ["BEN", "MAYA (V.O.)"]  # GENERAL spoke last; NARRATOR never
    speakers = [c for c, _ in dialogue_blocks(r.text)]
    assert set(speakers) <= {"BEN", "MAYA (V.O.)", "GENERAL"} and speakers[0] == "MAYA (V.O.)"


def test_best_of_n_keeps_the_best_scored_candidate() -> None:
    candidates = [
        ("To your!", -0.3),  # a fragment and exclamation-only
        ("Still here.", -0.2),  # repeats the context
        ("I keep counting the sunrises.", -1.1),
        ("Yes", -0.1),  # one word, no ending: unusable
        ("MAYA (with a smile)... anyway.", 0.0),  # a cue run into the speech: unusable
    ]
    model = Scripted([candidates], pick=0)
    r = fill_hole(_req(count=1, candidates=5), LockFile(), get_model=lambda ref: model)
    assert r.text == "BEN\nI keep counting the sunrises."
    assert model.samples[0]["n"] == 5  # one batch of five candidates
    choice = r.choices[0]
    assert choice.text == "I keep counting the sunrises."
    scores = dict(choice.candidates)
    assert scores["I keep counting the sunrises."] == max(scores.values())
    assert "" in scores  # the unusable one is recorded as rejected


def test_score_penalties_are_the_documented_ones() -> None:
    assert is_fragment("To your!") and is_fragment("I was going to") and is_fragment("Well...")
    assert not is_fragment("It is yours alone.") and not is_fragment("Why?")
    assert is_exclamation_only("Oh no!") and not is_exclamation_only("Oh no! The light is gone.")
    assert repetition("The room was never ours.", "WOMAN\nThe room was never ours.") == 1.0
    assert repetition("A brand new sentence here.", "WOMAN\nThe room was never ours.") == 0.0
    base = score_line("I keep counting the sunrises.", -1.0, "")
    assert base.total == -1.0
    assert score_line("I keep counting the", -1.0, "").total == pytest.approx(-2.5)
    assert score_line("Go.", -1.0, "", previous="A long line before this one.").total == -2.0
    assert score_line("Go.", -1.0, "", previous="Now.").total == -1.0  # short answers short
    assert score_line("Oh no!", -1.0, "", previous="Yes.").total == pytest.approx(-2.5)


def test_line_for_speaks_as_its_character_only() -> None:
    model = Scripted([[("Then stay on the line with me.", -1.0)]])
    r = fill_hole(
        _req(mode="line_for", count=1, character="MAYA", hole="MAYA ..."),
        LockFile(),
        get_model=lambda ref: model,
    )
    assert r.text == "Then stay on the line with me." and model.offered == []
    assert model.samples[0]["prompt"].endswith("\n\nMAYA (V.O.)\n")


def test_new_characters_only_when_asked() -> None:
    model = Scripted([GOOD], free_cue="STRANGER")
    r = fill_hole(_req(count=1), LockFile(), get_model=lambda ref: model)
    assert r.text.startswith("BEN\n")  # the free cue is never even sampled
    model = Scripted([GOOD], free_cue="STRANGER")
    r = fill_hole(_req(count=1, new_characters=True), LockFile(), get_model=lambda ref: model)
    assert r.text.startswith("STRANGER\n")


def test_raw_prompt_for_base_models_chat_template_for_instruct() -> None:
    raw = Scripted([GOOD])
    fill_hole(_req(count=1), LockFile(), get_model=lambda ref: raw)
    p = raw.samples[0]["prompt"]
    assert p.startswith("Title: Orbit\nLogline: An astronaut")
    assert "Characters: BEN (A radio operator), MAYA (An astronaut alone" in p
    assert "Scene: EXT. DESERT RADIO SHACK - NIGHT" in p and "Heard off-screen: MAYA" in p
    assert "cast " not in p and "GENERAL" not in p
    assert p.endswith("can't sleep.\n\nBEN\n")
    chat = Scripted([GOOD], chat=True)
    fill_hole(_req(count=1), LockFile(), get_model=lambda ref: chat)
    system, user = chat.chats[0]
    assert "Only these characters speak: BEN, MAYA." in system
    assert "The screenplay so far:" in user and "In the scene: BEN" in user
    assert chat.samples[0]["prompt"].endswith("<assistant>BEN\n")


def test_unusable_lines_retry_with_new_seeds_then_fail_honestly() -> None:
    junk = [("#### 1234", -0.1), ("www.example.com", -0.1)]
    model = Scripted([junk, junk, junk, GOOD])
    lock = LockFile()
    r = fill_hole(_req(count=1), lock, get_model=lambda ref: model)
    assert r.text == "" and r.failure and "nothing usable" in r.failure and len(lock) == 0
    seeds = [s["seed"] for s in model.samples]
    assert len(seeds) == 3 and len(set(seeds)) == 3 and seeds[0] == round_seed(4, 0) == 4


def test_progress_is_monotone_and_ends_complete() -> None:
    model = Scripted([GOOD, [("Then talk to me until morning.", -1.0)]])
    seen: list[tuple[int, int]] = []
    fill_hole(
        _req(), LockFile(), get_model=lambda ref: model, on_token=lambda d, t: seen.append((d, t))
    )
    done = [d for d, _ in seen]
    assert done == sorted(done) and seen[-1][0] == seen[-1][1] == 6


def test_locked_hole_never_asks_for_a_model_and_reports_a_changed_prompt() -> None:
    lock = LockFile()
    made = fill_hole(_req(count=1), lock, get_model=lambda ref: Scripted([GOOD]))

    def refuse(ref: str | None) -> Scripted:
        raise AssertionError("a locked hole must not load a model")

    again = fill_hole(_req(count=1, line=40), lock, get_model=refuse)
    assert again.from_lock and again.text == made.text and not again.stale
    edited = SCRIPT.replace("Are you still awake", "Are you awake")
    kept = fill_hole(_req(count=1, preceding=edited), lock, get_model=refuse)
    assert kept.from_lock and kept.text == made.text and kept.stale


def test_plain_dialogue_models_still_work() -> None:
    """Any DialogueModel (``generate(request) -> str``) can fill a hole, one sample a line."""

    class Plain:
        def __init__(self) -> None:
            self.requests: list[GenerationRequest] = []

        def generate(self, request: GenerationRequest) -> str:
            self.requests.append(request)
            return "I can hear you fine.\nMAYA\n"

    model = Plain()
    r = fill_hole(_req(count=1), LockFile(), get_model=lambda ref: model)
    assert r.text == "BEN\nI can hear you fine."
    assert model.requests[0].prompt.endswith("\n\nBEN\n") and model.requests[0].top_p == 0.95


def test_words_open_with_a_masked_cue_and_drop_outsiders() -> None:
    prose = [
        ("I hear you.\n\nMAYA (V.O.)\nThe sun is coming up over Africa.\n\nGENERAL\nReport!", -1.0)
    ]
    model = Scripted([prose])
    r = fill_hole(
        _req(mode="words", count=12, hole="[[generate 12 words]]"),
        LockFile(),
        get_model=lambda ref: model,
    )
    blocks = dialogue_blocks(r.text, allow_action=True)
    assert blocks[0] == ("BEN", "I hear you.")  # the cue came from the mask, not the model
    assert "GENERAL" not in r.text  # declared, absent from the scene: cut off
    assert model.samples[0]["prompt"].endswith("\n\nBEN\n")
