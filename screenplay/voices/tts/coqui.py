"""The ``coqui(...)`` voice engine: Coqui TTS (the ``coqui-tts`` package) from a local model.

It plugs into the shared voice pipeline (:mod:`screenplay.voices.backend`) as one more
:class:`~.base.Engine`: this module turns (parameters, text, rate) into a
:class:`~.base.Raw` and the pipeline does the rest (trim, pitch, 48 kHz,
delivery, loudness, cache).  Models:

* XTTS-style cloning: ``coqui(model="xtts_v2", speaker_wav="me.wav", language="en")``;
* any Coqui model folder (``config.json`` + ``model.pth``): VITS, Glow-TTS…,
  with ``speaker=`` for multi-speaker models.

Folders are found by :mod:`screenplay.backends.weights` (film folder,
``$SCREENPLAY_MODELS``, Coqui's own ``~/.local/share/tts``) and loaded from
disk only (``TTS(model_path=…, config_path=…)``), never through Coqui's
downloading model manager.  Viseme timings: Coqui's API returns no
alignment, so the phonemes of the line (espeak-ng ``--ipa``, the phonemizer
Coqui itself uses) are spread over the voiced frames of the audio by
:func:`screenplay.voices.timings.estimate_phones`, as for espeak-ng.

Coqui needs torchaudio built for the installed torch; where it cannot be
imported, every ``coqui(...)`` voice is diagnostic SP0430 at its declaration
with the import error (see docs/models.md).
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from screenplay.backends import weights
from screenplay.backends.protocols import BackendError
from screenplay.voices import errors
from screenplay.voices.tts.base import Engine, Raw

#: The model a coqui(...) voice uses unless `model=` says otherwise (Coqui's name).
DEFAULT_COQUI_MODEL = "tts_models/multilingual/multi-dataset/xtts_v2"
_CHECKPOINTS = ("model.pth", "model_file.pth", "model.safetensors", "best_model.pth")

_LOCK = threading.Lock()
_MODELS: dict[tuple[str, str], Any] = {}


def import_tts() -> str:
    """coqui-tts's version, or SP0430 quoting why ``import TTS`` fails here."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import TTS
            from TTS.api import TTS as _api  # noqa: F401  (pulls torchaudio: the usual failure)
    except Exception as exc:  # ImportError, or OSError from a native library that will not load
        reason = " ".join(str(exc).split())[:240] or type(exc).__name__
        raise BackendError(
            errors.COQUI_NOT_INSTALLED,
            "coqui(...) voices need the coqui-tts package, which cannot be imported here: "
            + reason,
            "install coqui-tts with a torchaudio built for this torch (see `screenplay explain "
            "SP0430`), or give this character a piper(...) voice",
        ) from None
    return str(getattr(TTS, "__version__", "?"))


def find_model(name: str) -> tuple[Path, Path]:
    """(folder, config.json) of a Coqui model (SP0431 with where to put it, SP0432)."""
    found = weights.locate(name, coqui=True)
    if found is None:
        where = "\n  ".join(weights.places(name, coqui=True))
        raise BackendError(
            errors.COQUI_WEIGHTS_MISSING,
            f"no weights for the Coqui model {name!r} on this machine (nothing is downloaded)",
            f"put the model folder (config.json + model.pth) at one of:\n  {where}\n"
            'or write model="path/to/folder" relative to the film',
        )
    folder = found.path
    config = folder / "config.json"
    ckpt = [folder / c for c in _CHECKPOINTS if (folder / c).is_file()]
    ckpt += sorted(folder.glob("checkpoint_*.pth"))
    if not config.is_file() or not ckpt:
        raise BackendError(
            errors.COQUI_NOT_A_MODEL,
            f"{folder} is not a Coqui model (needs config.json and a checkpoint such as model.pth)",
            "copy the whole model folder Coqui saved",
        )
    return folder, config


def _device(params: dict[str, Any]) -> str:
    return weights.requested_device(
        params, errors.COQUI_NEEDS_CUDA, 'use device="auto" (the CPU here)'
    )


def _load(folder: Path, config: Path, device: str) -> Any:
    key = (str(folder), device)
    with _LOCK:
        tts = _MODELS.get(key)
        if tts is None:
            from TTS.api import TTS

            with weights.offline(), weights.quiet(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    tts = TTS(model_path=str(folder), config_path=str(config), progress_bar=False)
                    tts = tts.to(device)
                except Exception as exc:
                    text = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                    cuda = "cuda" in text.lower() and "deserialize" in text.lower()
                    raise BackendError(
                        errors.COQUI_NEEDS_CUDA if cuda else errors.COQUI_NOT_A_MODEL,
                        f"Coqui cannot load {folder}: {text[:300]}",
                        "check that the folder is complete (config.json, checkpoint, vocab)",
                    ) from None
            _MODELS[key] = tts
        return tts


def ipa_words(text: str, language: str) -> list[str]:
    """The line's phonemes per word from espeak-ng (``--ipa``), for timing the visemes."""
    exe = shutil.which("espeak-ng") or shutil.which("espeak")
    if exe is None:
        return []
    try:
        out = subprocess.run(
            [exe, "-q", "--ipa", "-v", language or "en", text],
            capture_output=True,
            timeout=60,
            check=False,
            stdin=subprocess.DEVNULL,
        ).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [w for line in out.splitlines() for w in line.split()]


class Coqui(Engine):
    name = "coqui"
    install = "pip install coqui-tts (with a torchaudio matching torch; see docs/models.md)"

    def version(self) -> str:
        return f"coqui-tts {import_tts()}"

    def model_version(self, params: dict[str, Any]) -> str:
        from screenplay.cache import Cache, digest

        folder, _ = find_model(str(params.get("model") or DEFAULT_COQUI_MODEL))
        wav = params.get("speaker_wav")
        return digest(weights.model_identity(folder, Cache()), digest(Path(wav)) if wav else "")[
            :16
        ]

    def language(self, params: dict[str, Any]) -> str:
        return str(params.get("language") or "en").split("-")[0].lower()

    def validate(self, params: dict[str, Any]) -> None:
        self.version()
        folder, config = find_model(str(params.get("model") or DEFAULT_COQUI_MODEL))
        _device(params)
        xtts = "xtts" in config.read_text(encoding="utf-8", errors="replace")[:4000].lower()
        if xtts and not params.get("speaker_wav") and not params.get("speaker"):
            raise BackendError(
                errors.COQUI_NEEDS_SPEAKER,
                f"{folder.name} clones a voice and needs a recording of it",
                'add speaker_wav="me.wav" (a few seconds of clean speech)',
            )

    def synthesize(
        self,
        params: dict[str, Any],
        text: str,
        rate: float,
        whisper: bool,
        emphasis: tuple[str, ...],
    ) -> Raw:
        folder, config = find_model(str(params.get("model") or DEFAULT_COQUI_MODEL))
        tts = _load(folder, config, _device(params))
        kwargs: dict[str, Any] = {"text": text, "speed": float(rate)}
        if params.get("speaker_wav"):
            kwargs["speaker_wav"] = str(params["speaker_wav"])
        if params.get("speaker"):
            kwargs["speaker"] = str(params["speaker"])
        if getattr(tts, "is_multi_lingual", False):
            kwargs["language"] = str(params.get("language") or "en")
        with _LOCK, weights.quiet(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                import torch

                torch.manual_seed(int(params.get("seed") or 0))  # XTTS samples: fix it
                wav = tts.tts(**kwargs)
            except Exception as exc:
                raise BackendError(
                    errors.COQUI_FAILED,
                    f"Coqui failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}",
                    "try another model or speaker",
                ) from None
        sr = int(getattr(getattr(tts, "synthesizer", None), "output_sample_rate", 0) or 24000)
        audio = np.asarray(wav, dtype=np.float32).reshape(-1)
        return Raw(audio, sr, alphabet="ipa", ipa_words=ipa_words(text, self.language(params)))
