"""The ``vits(...)`` voice engine: VITS text-to-speech through transformers' ``VitsModel``.

The nearest neural, model-folder voice that runs where Coqui TTS cannot
(docs/models.md): Coqui's own VITS and Meta's MMS-TTS voices (``facebook/mms-tts-eng``
and 1,100 other languages) are VITS models, and transformers loads the MMS
ones from a local folder (``config.json`` with ``model_type: vits``, weights,
``vocab.json``) with the torch already installed.  It plugs into the shared
voice pipeline (:mod:`screenplay.voices.backend`) as one more :class:`~.base.Engine`.

Viseme timings come from the model's own alignment: a forward hook on the
duration predictor captures each input character's log-duration, turned
into frames exactly as ``VitsModel.forward`` does (``ceil(exp(d) /
speaking_rate)``) and into seconds by the vocoder's hop (the product of
``upsample_rates``).  Characters are the phones (MMS models read letters),
words are the runs between spaces.  Sampling noise is seeded, so a line
sounds the same on every build.
"""

from __future__ import annotations

import json
import math
import threading
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from screenplay.backends import weights
from screenplay.backends.protocols import BackendError, Timed
from screenplay.voices import errors
from screenplay.voices.tts.base import Engine, Raw

DEFAULT_VITS_MODEL = "facebook/mms-tts-eng"

_LOCK = threading.Lock()
_MODELS: dict[tuple[str, str], tuple[Any, Any]] = {}


def find_model(name: str) -> Path:
    """The VITS folder for ``model=`` (SP0436 with where to put it, SP0437)."""
    found = weights.locate(name)
    if found is None:
        where = "\n  ".join(weights.places(name))
        raise BackendError(
            errors.VITS_WEIGHTS_MISSING,
            f"no weights for the VITS voice {name!r} on this machine (nothing is downloaded)",
            f"put the model folder (config.json, model.safetensors, vocab.json) at one of:\n"
            f'  {where}\nor write model="path/to/folder" relative to the film',
        )
    try:
        cfg = json.loads((found.path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cfg = None
    if not isinstance(cfg, dict) or cfg.get("model_type") != "vits":
        raise BackendError(
            errors.VITS_NOT_A_MODEL,
            f"{found.path} is not a VITS model (config.json with model_type 'vits')",
            "give the folder save_pretrained wrote for a VitsModel (e.g. an MMS-TTS voice)",
        )
    return found.path


def _load(folder: Path) -> tuple[Any, Any]:
    key = (str(folder), "cpu")
    with _LOCK:
        got = _MODELS.get(key)
        if got is None:
            with weights.offline(), weights.quiet(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    from transformers import AutoTokenizer, VitsModel

                    model: Any = VitsModel.from_pretrained(folder, local_files_only=True)
                    model.eval()
                    tok = AutoTokenizer.from_pretrained(folder, local_files_only=True)
                except Exception as exc:
                    why = str(exc).splitlines()[0][:200] if str(exc) else ""
                    raise BackendError(
                        errors.VITS_NOT_A_MODEL,
                        f"transformers cannot load {folder} as a VITS voice: "
                        f"{type(exc).__name__}: {why}",
                        "check that config.json, the weights and vocab.json are complete",
                    ) from None
            got = _MODELS[key] = (model, tok)
        return got


def timings(
    tokens: list[str], frames: list[int], hop: int, sr: int
) -> tuple[list[Timed], list[tuple[float, float]]]:
    """(phones, word spans) from per-token frame counts; blanks and spaces are not phones."""
    phones: list[Timed] = []
    spans: list[tuple[float, float]] = []
    pos = 0
    word: list[float] | None = None
    for tok, n in zip(tokens, frames, strict=True):
        t0, t1 = pos * hop / sr, (pos + n) * hop / sr
        pos += n
        label = tok.strip().lower()
        if tok in (" ", "▁") or tok.isspace():
            if word:
                spans.append((word[0], word[1]))
            word = None
            phones.append(Timed(t0, t1, "_"))
            continue
        if not label or not any(ch.isalpha() for ch in label) or n == 0:
            if word is not None and n:
                word[1] = t1
            continue
        phones.append(Timed(t0, t1, label))
        word = [t0, t1] if word is None else [word[0], t1]
    if word:
        spans.append((word[0], word[1]))
    return phones, spans


class Vits(Engine):
    name = "vits"
    install = "pip install transformers torch (run install.sh)"

    def version(self) -> str:
        try:
            import torch  # noqa: F401
            import transformers
        except Exception as exc:
            raise BackendError(
                errors.ENGINE_MISSING,
                f"vits(...) needs transformers and torch ({exc})",
                self.install,
            ) from None
        return f"transformers {transformers.__version__} VitsModel"

    def model_version(self, params: dict[str, Any]) -> str:
        from screenplay.cache import Cache

        folder = find_model(str(params.get("model") or DEFAULT_VITS_MODEL))
        return weights.model_identity(folder, Cache())[:16]

    def validate(self, params: dict[str, Any]) -> None:
        self.version()
        find_model(str(params.get("model") or DEFAULT_VITS_MODEL))

    def language(self, params: dict[str, Any]) -> str:
        return str(params.get("language") or "en").split("-")[0].lower()

    def synthesize(
        self,
        params: dict[str, Any],
        text: str,
        rate: float,
        whisper: bool,
        emphasis: tuple[str, ...],
    ) -> Raw:
        import torch

        folder = find_model(str(params.get("model") or DEFAULT_VITS_MODEL))
        model, tok = _load(folder)
        try:
            inputs = tok(text, return_tensors="pt")
        except Exception as exc:  # e.g. a tokenizer that phonemizes needs `phonemizer`
            raise BackendError(
                errors.ENGINE_FAILED,
                f"the VITS tokenizer failed: {' '.join(str(exc).split())[:200]}",
                "use a model whose tokenizer reads letters (MMS-TTS), or install what it asks for",
            ) from None
        if inputs["input_ids"].shape[-1] == 0:
            return Raw(np.zeros(0, np.float32), int(model.config.sampling_rate))
        captured: list[Any] = []

        def hook(_module: Any, _args: Any, output: Any) -> None:
            captured.append(output.detach())

        with _LOCK, torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            handle = model.duration_predictor.register_forward_hook(hook)
            try:
                torch.manual_seed(int(params.get("seed") or 0))
                out = model(**inputs, speaking_rate=float(rate))
            except Exception as exc:
                raise BackendError(
                    errors.ENGINE_FAILED,
                    f"VITS failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}",
                    "try another voice model",
                ) from None
            finally:
                handle.remove()
        sr = int(model.config.sampling_rate)
        audio = out.waveform[0].float().cpu().numpy().astype(np.float32)
        hop = int(math.prod(model.config.upsample_rates))
        if not captured:  # no alignment: the pipeline estimates phones from the audio
            return Raw(audio, sr, alphabet="ipa", ipa_words=text.lower().split())
        frames = torch.ceil(torch.exp(captured[0]) * inputs["attention_mask"][:, None] / rate)
        counts = [int(x) for x in frames[0, 0].tolist()]
        tokens = tok.convert_ids_to_tokens(inputs["input_ids"][0].tolist())
        phones, spans = timings(list(tokens), counts, hop, sr)
        return Raw(audio, sr, phones=phones, alphabet="ipa", word_spans=spans)
