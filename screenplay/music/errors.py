"""Diagnostic codes raised by the music engines and the mixer (range SP0600–SP0699).

The diagnostics registry (:mod:`screenplay.diagnostics.codes`) reads
:data:`CODES` (``screenplay explain SP06xx``).  Engines raise
:class:`~screenplay.backends.protocols.BackendError` with these codes; the
cheap checks in :mod:`screenplay.music.schema` return them as
``(code, message, help)`` triples for the check pass.
"""

from __future__ import annotations

UNKNOWN_KEY = "SP0601"
UNKNOWN_STYLE = "SP0602"
FILE_MISSING = "SP0603"
FILE_UNREADABLE = "SP0604"
ZERO_LENGTH = "SP0605"
FADE_TOO_LONG = "SP0606"
SYNTH_MISSING = "SP0607"
SYNTH_FAILED = "SP0608"
STRETCH_MISSING = "SP0609"
UNKNOWN_INSTRUMENT = "SP0610"
BAD_VALUE = "SP0611"
OFFSET_PAST_END = "SP0612"
STRETCH_FAILED = "SP0613"
# musicgen(...) cues (screenplay.music.musicgen): SP0630–SP0639
MUSICGEN_WEIGHTS_MISSING = "SP0630"
MUSICGEN_NOT_A_MODEL = "SP0631"
MUSICGEN_NEEDS_CUDA = "SP0632"
MUSICGEN_NOT_INSTALLED = "SP0633"
MUSICGEN_FAILED = "SP0634"

CODES: dict[str, tuple[str, str]] = {
    UNKNOWN_KEY: (
        "unknown musical key",
        "A music cue's `key=` must be a tonic A–G with an optional `#` or `b`, followed by a "
        "mode: major, minor, dorian, phrygian, lydian, mixolydian, locrian, aeolian, ionian or "
        'harmonic minor (e.g. `key="D minor"`, `key="F# major"`, `key="Bb dorian"`). '
        "`H` (German for B) is not accepted; write `B`.",
    ),
    UNKNOWN_STYLE: (
        "unknown music style",
        "The constructor named in a `music:` line is not one of the algorithmic styles "
        "(drone, piano, pulse, strings, ambient, music_box) and is not a file path. "
        "Check the spelling, or quote a path to use your own audio file.",
    ),
    FILE_MISSING: (
        "music file not found",
        'A `music: "…"` path does not name an existing file. Paths are relative to the '
        "film's folder.",
    ),
    FILE_UNREADABLE: (
        "music file cannot be decoded",
        "The file exists but FFmpeg (through PyAV) could not decode an audio stream from it: "
        "it is corrupt, truncated, empty, or not an audio/video file. Re-export it as WAV, "
        "FLAC, MP3, Ogg or M4A.",
    ),
    ZERO_LENGTH: (
        "zero-length music cue",
        "A music cue would play for no time at all (it stops where it starts, or its span is "
        "empty). Move the `[[music … stop]]` directive later, or remove the cue.",
    ),
    FADE_TOO_LONG: (
        "fade longer than the cue",
        "A cue's fade-in, fade-out, or both together last longer than the cue itself, so the "
        "music would never reach full level. Shorten the fades or let the cue play longer.",
    ),
    SYNTH_MISSING: (
        "music synthesizer not installed",
        "Algorithmic scores are rendered by the `fluidsynth` program with a General MIDI "
        "SoundFont. Install them with `apt-get install fluidsynth timgm6mb-soundfont` "
        "(or `fluid-soundfont-gm` for a larger, richer sound), or set SCREENPLAY_SOUNDFONT "
        "to an .sf2 file.",
    ),
    SYNTH_FAILED: (
        "music synthesis failed",
        "fluidsynth ran but did not produce audio. The message shows its error output; a "
        "damaged SoundFont is the usual cause.",
    ),
    STRETCH_MISSING: (
        "time-stretch tool not installed",
        "`tempo=` on a music file other than 1.0 time-stretches it with SoX's WSOLA `tempo` "
        "effect. Install it with `apt-get install sox`.",
    ),
    UNKNOWN_INSTRUMENT: (
        "unknown instrument",
        '`instruments=` lists General MIDI instrument names (e.g. "Cello", "Acoustic Grand '
        'Piano", "Music Box") or program numbers 0–127, separated by commas.',
    ),
    BAD_VALUE: (
        "music parameter out of range",
        "A music parameter has a value the engine cannot use, such as a tempo of zero or a "
        "negative offset.",
    ),
    OFFSET_PAST_END: (
        "offset past the end of the music file",
        "`offset=` skips into a music file further than the file is long, leaving nothing to play.",
    ),
    STRETCH_FAILED: (
        "time-stretch failed",
        "SoX could not time-stretch the decoded audio; its error output is shown.",
    ),
    MUSICGEN_WEIGHTS_MISSING: (
        "MusicGen weights not found",
        "A `musicgen(...)` cue names a model that is not on this machine, and nothing is "
        "downloaded at build time. Put the model folder (config.json, model.safetensors, "
        "tokenizer and preprocessor files, as `save_pretrained` writes them) beside the film "
        "and give its path, or in $SCREENPLAY_MODELS (~/.cache/screenplay/models) named like "
        "the id (facebook--musicgen-small), or keep the snapshot in the local Hugging Face "
        "cache. The message lists every place searched.",
    ),
    MUSICGEN_NOT_A_MODEL: (
        "folder is not a MusicGen model",
        "The model folder exists but is not a MusicGen text-to-music model "
        "(MusicgenForConditionalGeneration with a text tokenizer): its config.json has another "
        "model_type, or weights or tokenizer files are missing or damaged.",
    ),
    MUSICGEN_NEEDS_CUDA: (
        "MusicGen model needs a CUDA GPU",
        'The model was saved quantized for CUDA (bitsandbytes) or `device="cuda"` was '
        "asked for, and torch sees no GPU here. Use the float32 release or a GPU machine.",
    ),
    MUSICGEN_NOT_INSTALLED: (
        "MusicGen needs torch and transformers",
        "`musicgen(...)` cues run through transformers' MusicgenForConditionalGeneration; "
        "torch or transformers cannot be imported here. Run install.sh.",
    ),
    MUSICGEN_FAILED: (
        "MusicGen generation failed",
        "The model loaded but generating the cue failed (out of memory, a broken "
        "component); the message quotes the library's error.",
    ),
}
