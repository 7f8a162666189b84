"""A tiny GPT-2 built on the spot, so tests exercise the real loading code offline.

The tokenizer is a byte-level BPE trained with ``tokenizers`` on a short
screenplay this module writes; the model is a 2-layer ``GPT2Config`` trained
for a few hundred steps on the same text, so that it continues a scene with
cue lines and dialogue (an untrained model only emits noise, which the
garbage tests use on purpose).  Everything is seeded: the same directory
contents every time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SCENE = """INT. EMPTY ROOM - DAY

A man enters the room. A woman sits by the window.

MAN
It still hasn't begun.

WOMAN
It began a long time ago.

MAN
Then why is the room still empty?

WOMAN
Because we are still waiting.

MAN
I can wait a little longer.

WOMAN
So can I.

MAN
Do you hear the rain?

WOMAN
I hear the rain on the window.

MAN
It will stop soon.

WOMAN
Nothing stops in this room.

"""

#: Tokens of the trained vocabulary; asserted after saving and reloading.
VOCAB_SIZE = 400


def corpus() -> str:
    """Training text: the scene a few times, so the model learns its shape."""
    return SCENE * 6


def build_tiny_gpt2(directory: Path, *, train_steps: int = 150, seed: int = 0) -> Path:
    """Write a tiny GPT-2 (weights + tokenizer) to ``directory`` and return it."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    directory.mkdir(parents=True, exist_ok=True)
    text = corpus()
    (directory / "corpus.txt").write_text(text, encoding="utf-8")

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator([text], trainer=trainer)
    # Wrap the trained object: building GPT2TokenizerFast from vocab/merges
    # files can silently give an empty vocabulary in transformers 5.
    tok = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        bos_token="<|endoftext|>",
        eos_token="<|endoftext|>",
        unk_token="<|endoftext|>",
    )
    vocab = len(tok)
    assert vocab == bpe.get_vocab_size() and vocab > 300, vocab

    torch.manual_seed(seed)
    config = GPT2Config(
        vocab_size=vocab,
        n_positions=256,
        n_embd=64,
        n_layer=2,
        n_head=2,
        bos_token_id=tok.eos_token_id,
        eos_token_id=tok.eos_token_id,
    )
    model = GPT2LMHeadModel(config)
    threads = torch.get_num_threads()
    # One thread: a model this small only loses to thread hand-offs on a busy machine.
    torch.set_num_threads(1)
    try:
        _train(model, tok, text, train_steps, seed)
    finally:
        torch.set_num_threads(threads)
    model.save_pretrained(directory)
    tok.save_pretrained(directory)

    reloaded = PreTrainedTokenizerFast.from_pretrained(directory)
    assert len(reloaded) == vocab, (len(reloaded), vocab)
    return directory


def _train(model: Any, tok: Any, text: str, steps: int, seed: int) -> None:
    import torch

    if steps:
        ids = torch.tensor(tok(text)["input_ids"])
        opt = torch.optim.AdamW(model.parameters(), lr=5e-3)
        gen = torch.Generator().manual_seed(seed)
        window = 64
        model.train()
        for _ in range(steps):
            starts = torch.randint(0, len(ids) - window - 1, (8,), generator=gen)
            batch = torch.stack([ids[s : s + window] for s in starts.tolist()])
            loss = model(input_ids=batch, labels=batch).loss
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
