"""The voice constructors the front end can call: ``piper``, ``flite``, ``festival``, ``espeak``.

Cheap on purpose (imports only the protocols): the check pass validates
``voice:`` arguments against these schemas without loading any engine.
Every constructor shares ``rate`` (speaking speed, 1 = the engine's own),
``pitch`` (semitones from the voice's natural pitch) and ``volume`` (dB after
per-line loudness normalization), so a preset can be retuned the same way
whatever engine speaks it.
"""

from __future__ import annotations

from screenplay.backends.protocols import Constructor, Param

_IMPL = "screenplay.voices.backend"

#: flite's compiled-in voices on Debian (``flite -lv``).
FLITE_VOICES: tuple[str, ...] = ("slt", "rms", "awb", "kal", "kal16", "awb_time")


def _common() -> tuple[Param, ...]:
    return (
        Param(
            "rate",
            "float",
            1.0,
            "speaking speed; 1 is the engine's natural speed",
            min=0.3,
            max=3.0,
        ),
        Param(
            "pitch", "float", 0.0, "pitch shift in semitones from the voice's own", min=-12, max=12
        ),
        Param(
            "volume",
            "float",
            0.0,
            "gain in dB after per-line loudness normalization",
            min=-40,
            max=12,
        ),
    )


CONSTRUCTORS: tuple[Constructor, ...] = (
    Constructor(
        name="piper",
        kind="voice",
        params=(
            Param(
                "model",
                "str",
                "en_US-joe-medium",
                "a Piper voice: a bundled voice name (en_US-joe-medium), a path to a .onnx "
                "file (its .onnx.json beside it) or a model id found in $SCREENPLAY_PIPER_VOICES",
            ),
            Param("speaker", "int", 0, "speaker number for multi-speaker models", min=0),
            Param(
                "variation",
                "float",
                0.667,
                "Piper noise scale: how much the voice varies from line to line",
                min=0.0,
                max=1.5,
            ),
            *_common(),
        ),
        doc="Piper neural text-to-speech (offline, ONNX). Bundled: en_US-joe-medium (male).",
        module=_IMPL,
    ),
    Constructor(
        name="flite",
        kind="voice",
        params=(
            Param("voice", "choice", "slt", "flite voice", choices=FLITE_VOICES),
            *_common(),
        ),
        doc="CMU flite: slt (female), rms, awb (Scottish), kal (male, diphone).",
        module=_IMPL,
    ),
    Constructor(
        name="festival",
        kind="voice",
        params=(
            Param(
                "voice",
                "str",
                "cmu_us_slt_arctic_hts",
                "an installed festival voice "
                "(Debian: festvox-us-slt-hts gives cmu_us_slt_arctic_hts)",
            ),
            *_common(),
        ),
        doc="The Festival speech synthesis system with an HTS voice (female slt by default).",
        module=_IMPL,
    ),
    Constructor(
        name="espeak",
        kind="voice",
        params=(
            Param("voice", "str", "en-us", "espeak-ng language/voice, e.g. en-us, en-gb, ru, ja"),
            Param(
                "variant",
                "str",
                "",
                "espeak-ng variant: m1…m7, f1…f5, klatt, whisper, croak, … (empty: the default)",
            ),
            Param(
                "base_pitch",
                "int",
                50,
                "espeak-ng's own pitch setting (-p, 0…99; 50 is the voice's default)",
                min=0,
                max=99,
            ),
            *_common(),
        ),
        doc="eSpeak NG formant synthesis: robotic but tiny, fast and multilingual.",
        module=_IMPL,
    ),
)

CONSTRUCTORS += (
    Constructor(
        name="coqui",
        kind="voice",
        params=(
            Param(
                "model",
                "model",
                "tts_models/multilingual/multi-dataset/xtts_v2",
                "a Coqui model folder (config.json + model.pth) relative to the film, or a "
                "Coqui model name found in $SCREENPLAY_MODELS or ~/.local/share/tts; never "
                "downloaded",
            ),
            Param("speaker_wav", "path", None, "a recording of the voice to clone (XTTS)"),
            Param("speaker", "str", "", "speaker name of a multi-speaker model"),
            Param("language", "str", "en", "language code for multilingual models"),
            Param("seed", "int", 0, "fixes the model's sampling (XTTS) so lines repeat", min=0),
            Param(
                "device",
                "choice",
                "auto",
                "where to run: auto (GPU when present)",
                choices=("auto", "cpu", "cuda"),
            ),
            *_common(),
        ),
        doc=(
            "Coqui TTS (coqui-tts): XTTS voice cloning from speaker_wav, or any local Coqui "
            "model folder. Needs weights at $SCREENPLAY_MODELS/<model> or "
            "~/.local/share/tts, and coqui-tts with a torchaudio matching torch."
        ),
        module=_IMPL,
    ),
)

CONSTRUCTORS += (
    Constructor(
        name="vits",
        kind="voice",
        params=(
            Param(
                "model",
                "model",
                "facebook/mms-tts-eng",
                "a VITS model folder (transformers VitsModel, e.g. an MMS-TTS voice) relative "
                "to the film, or an id found in $SCREENPLAY_MODELS or the Hugging Face cache; "
                "never downloaded",
            ),
            Param("language", "str", "en", "the language the model reads (for script checks)"),
            Param("seed", "int", 0, "fixes the model's sampling noise so lines repeat", min=0),
            *_common(),
        ),
        doc=(
            "A VITS neural voice run by transformers (MMS-TTS voices in 1,100 languages, "
            "Coqui-style VITS exports), with lip-sync timings from the model's own "
            "durations. Needs weights at $SCREENPLAY_MODELS/facebook--mms-tts-eng or in the "
            "local Hugging Face cache."
        ),
        module=_IMPL,
    ),
)

#: Names of the constructors above, for quick membership tests.
ENGINE_NAMES: tuple[str, ...] = tuple(c.name for c in CONSTRUCTORS)
