"""The music constructors the front end sees (cheap: imports nothing heavy).

Algorithmic styles (``drone``, ``piano``, ``pulse``, ``strings``, ``ambient``,
``music_box``) share one parameter set; ``file`` plays the user's own audio.
:func:`validate` does the semantic checks the type checker cannot (a key named
"H minor", an unknown instrument), and :func:`check_fades` checks a cue's
fades against its length; both return ``(code, message, help)`` triples so the
check pass can report every problem at once.
"""

from __future__ import annotations

import difflib
from typing import Any

from screenplay.backends.protocols import AssetSpec, Constructor, Param
from screenplay.music import errors
from screenplay.music.keys import KeyParseError, parse_key

MODULE = "screenplay.music.engine"

MOODS: tuple[str, ...] = ("calm", "melancholy", "tense", "hopeful", "dark", "playful")

#: Per style: (default key, default mood, natural bpm, description).
STYLES: dict[str, tuple[str, str, float, str]] = {
    "drone": (
        "D minor",
        "dark",
        40.0,
        "Sustained low pads and cello on the tonic and fifth, slow chord changes, rare bell "
        "tones high above.",
    ),
    "piano": (
        "A minor",
        "melancholy",
        66.0,
        "Solo piano: bass notes, flowing broken chords and a sparse melody, with pedal.",
    ),
    "pulse": (
        "E minor",
        "tense",
        96.0,
        "An eighth-note synth-bass ostinato under a held synth pad, with soft hi-hats.",
    ),
    "strings": (
        "G major",
        "hopeful",
        60.0,
        "String ensemble chords with smooth voice leading over cello and bass, and a slow "
        "violin line.",
    ),
    "ambient": (
        "F major",
        "calm",
        50.0,
        "Overlapping warm and choir pads with scattered celesta notes from the pentatonic scale.",
    ),
    "music_box": (
        "C major",
        "playful",
        84.0,
        "A music-box waltz in 3/4: a repeating high melody over harp broken chords.",
    ),
}


def _style_params(style: str) -> tuple[Param, ...]:
    key, mood, bpm, _ = STYLES[style]
    return (
        Param("key", "str", key, 'tonic and mode, e.g. "D minor", "F# major", "Bb dorian"'),
        Param(
            "tempo",
            "float",
            1.0,
            f"speed multiplier: 1.0 is the style's natural tempo ({bpm:g} bpm), 0.5 half speed",
            min=0.1,
            max=4.0,
        ),
        Param(
            "bpm",
            "float",
            None,
            "base tempo in beats per minute (tempo= still multiplies it)",
            min=20,
            max=240,
        ),
        Param("mood", "choice", mood, "harmony, dynamics and register", choices=MOODS),
        Param(
            "instruments",
            "str",
            "",
            "comma-separated General MIDI names or program numbers replacing the style's "
            'instruments in order, e.g. "Cello, Harp"',
        ),
        Param("seed", "int", 0, "makes the score reproducible; other seeds give other variations"),
        Param(
            "volume",
            "float",
            0.0,
            "gain in dB relative to the music-bed reference level",
            min=-60,
            max=12,
        ),
    )


CONSTRUCTORS: tuple[Constructor, ...] = tuple(
    Constructor(name, "music", _style_params(name), doc=STYLES[name][3], module=MODULE)
    for name in STYLES
) + (
    Constructor(
        "file",
        "music",
        (
            Param("path", "path", None, "an audio (or video) file any FFmpeg build decodes"),
            Param(
                "tempo",
                "float",
                1.0,
                "time-stretch factor without changing pitch: "
                "0.5 plays at half speed (twice as long)",
                min=0.25,
                max=4.0,
            ),
            Param("offset", "duration", 0.0, "skip this much of the file's start", min=0.0),
            Param("loop", "bool", True, "repeat (with a crossfade) if the cue outlasts the file"),
            Param(
                "volume",
                "float",
                0.0,
                "gain in dB relative to the music-bed reference level",
                min=-60,
                max=12,
            ),
        ),
        doc="The user's own audio file, loudness-matched to the music bed.",
        module=MODULE,
    ),
)

#: The model a musicgen(...) cue uses unless `model=` says otherwise.
DEFAULT_MUSICGEN_MODEL = "facebook/musicgen-small"

CONSTRUCTORS = CONSTRUCTORS + (
    Constructor(
        "musicgen",
        "music",
        (
            Param("prompt", "str", "", "what the music sounds like ('' describes it from the cue)"),
            Param("seed", "int", 0, "makes the cue reproducible; other seeds give other music"),
            Param(
                "model",
                "model",
                DEFAULT_MUSICGEN_MODEL,
                "a MusicGen folder (relative to the film) or an id found in $SCREENPLAY_MODELS "
                "or the local Hugging Face cache; never downloaded",
            ),
            Param(
                "guidance", "float", 3.0, "classifier-free guidance of the prompt", min=1, max=10
            ),
            Param(
                "segment",
                "duration",
                20.0,
                "longest stretch generated at once; longer cues loop it with a crossfade",
                min=1.0,
                max=30.0,
            ),
            Param(
                "tempo",
                "float",
                1.0,
                "time-stretch factor without changing pitch (0.5: half speed)",
                min=0.25,
                max=4.0,
            ),
            Param(
                "device",
                "choice",
                "auto",
                "where to run: auto (GPU when present)",
                choices=("auto", "cpu", "cuda"),
            ),  # fmt: skip
            Param(
                "volume",
                "float",
                0.0,
                "gain in dB relative to the music-bed reference level",
                min=-60,
                max=12,
            ),
        ),
        doc=(
            "Music generated by MusicGen (transformers) from a text prompt and a seed, from a "
            "local model folder; rendered to the cue's length and loudness-matched like any "
            "cue. Needs weights at $SCREENPLAY_MODELS/facebook--musicgen-small or in the local "
            "Hugging Face cache."
        ),
        module="screenplay.music.musicgen",
    ),
)

#: General MIDI program names (pretty_midi's spelling), for checking ``instruments=``
#: without importing pretty_midi at check time.
GM_PROGRAMS: tuple[str, ...] = (
    "Acoustic Grand Piano",
    "Bright Acoustic Piano",
    "Electric Grand Piano",
    "Honky-tonk Piano",
    "Electric Piano 1",
    "Electric Piano 2",
    "Harpsichord",
    "Clavinet",
    "Celesta",
    "Glockenspiel",
    "Music Box",
    "Vibraphone",
    "Marimba",
    "Xylophone",
    "Tubular Bells",
    "Dulcimer",
    "Drawbar Organ",
    "Percussive Organ",
    "Rock Organ",
    "Church Organ",
    "Reed Organ",
    "Accordion",
    "Harmonica",
    "Tango Accordion",
    "Acoustic Guitar (nylon)",
    "Acoustic Guitar (steel)",
    "Electric Guitar (jazz)",
    "Electric Guitar (clean)",
    "Electric Guitar (muted)",
    "Overdriven Guitar",
    "Distortion Guitar",
    "Guitar Harmonics",
    "Acoustic Bass",
    "Electric Bass (finger)",
    "Electric Bass (pick)",
    "Fretless Bass",
    "Slap Bass 1",
    "Slap Bass 2",
    "Synth Bass 1",
    "Synth Bass 2",
    "Violin",
    "Viola",
    "Cello",
    "Contrabass",
    "Tremolo Strings",
    "Pizzicato Strings",
    "Orchestral Harp",
    "Timpani",
    "String Ensemble 1",
    "String Ensemble 2",
    "Synth Strings 1",
    "Synth Strings 2",
    "Choir Aahs",
    "Voice Oohs",
    "Synth Choir",
    "Orchestra Hit",
    "Trumpet",
    "Trombone",
    "Tuba",
    "Muted Trumpet",
    "French Horn",
    "Brass Section",
    "Synth Brass 1",
    "Synth Brass 2",
    "Soprano Sax",
    "Alto Sax",
    "Tenor Sax",
    "Baritone Sax",
    "Oboe",
    "English Horn",
    "Bassoon",
    "Clarinet",
    "Piccolo",
    "Flute",
    "Recorder",
    "Pan Flute",
    "Blown bottle",
    "Shakuhachi",
    "Whistle",
    "Ocarina",
    "Lead 1 (square)",
    "Lead 2 (sawtooth)",
    "Lead 3 (calliope)",
    "Lead 4 chiff",
    "Lead 5 (charang)",
    "Lead 6 (voice)",
    "Lead 7 (fifths)",
    "Lead 8 (bass + lead)",
    "Pad 1 (new age)",
    "Pad 2 (warm)",
    "Pad 3 (polysynth)",
    "Pad 4 (choir)",
    "Pad 5 (bowed)",
    "Pad 6 (metallic)",
    "Pad 7 (halo)",
    "Pad 8 (sweep)",
    "FX 1 (rain)",
    "FX 2 (soundtrack)",
    "FX 3 (crystal)",
    "FX 4 (atmosphere)",
    "FX 5 (brightness)",
    "FX 6 (goblins)",
    "FX 7 (echoes)",
    "FX 8 (sci-fi)",
    "Sitar",
    "Banjo",
    "Shamisen",
    "Koto",
    "Kalimba",
    "Bagpipe",
    "Fiddle",
    "Shanai",
    "Tinkle Bell",
    "Agogo",
    "Steel Drums",
    "Woodblock",
    "Taiko Drum",
    "Melodic Tom",
    "Synth Drum",
    "Reverse Cymbal",
    "Guitar Fret Noise",
    "Breath Noise",
    "Seashore",
    "Bird Tweet",
    "Telephone Ring",
    "Helicopter",
    "Applause",
    "Gunshot",
)


def _norm(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


_BY_NORM = {_norm(n): i for i, n in enumerate(GM_PROGRAMS)}
# Friendly short names people write.
_BY_NORM.update(
    {
        "piano": 0,
        "harp": 46,
        "strings": 48,
        "bass": 32,
        "guitar": 24,
        "organ": 19,
        "choir": 52,
        "bells": 14,
        "synthbass": 38,
        "pad": 88,
        "horn": 60,
        "bell": 14,
    }
)


def parse_instruments(text: str) -> list[int]:
    """GM program numbers for ``instruments=`` text; raises ``ValueError(name, hint)``."""
    programs: list[int] = []
    for raw in (text or "").split(","):
        name = raw.strip()
        if not name:
            continue
        if name.isdigit() and 0 <= int(name) <= 127:
            programs.append(int(name))
            continue
        found = _BY_NORM.get(_norm(name))
        if found is None:
            close = difflib.get_close_matches(name, GM_PROGRAMS, n=1, cutoff=0.5)
            raise ValueError(name, f'did you mean "{close[0]}"?' if close else "")
        programs.append(found)
    return programs


def validate(spec: AssetSpec) -> list[tuple[str, str, str]]:
    """Semantic problems in a music spec the type checker cannot see, as (code, message, help)."""
    problems: list[tuple[str, str, str]] = []
    if spec.constructor == "file":
        tempo = spec.get("tempo", 1.0)
        if tempo is not None and not tempo > 0:
            problems.append(
                (
                    errors.BAD_VALUE,
                    f"tempo={tempo} must be greater than 0",
                    "1.0 plays the file as it is",
                )
            )
        offset = spec.get("offset", 0.0)
        if offset is not None and offset < 0:
            problems.append((errors.BAD_VALUE, f"offset={offset} must not be negative", ""))
        return problems
    if spec.constructor == "musicgen":  # checked by its engine (screenplay.music.musicgen)
        return problems
    if spec.constructor not in STYLES:
        close = difflib.get_close_matches(spec.constructor, [*STYLES, "file"], n=1)
        problems.append(
            (
                errors.UNKNOWN_STYLE,
                f"unknown music style {spec.constructor!r}",
                (f'did you mean "{close[0]}"? ' if close else "")
                + "styles are "
                + ", ".join(STYLES)
                + "; or give a file path in quotes",
            )
        )
        return problems
    key = spec.get("key") or STYLES[spec.constructor][0]
    try:
        parse_key(str(key))
    except KeyParseError as exc:
        problems.append((errors.UNKNOWN_KEY, f"unknown key: {exc}", exc.help))
    try:
        parse_instruments(str(spec.get("instruments") or ""))
    except ValueError as exc:
        name, hint = exc.args
        problems.append((errors.UNKNOWN_INSTRUMENT, f"unknown instrument {name!r}", hint))
    tempo = spec.get("tempo", 1.0)
    if tempo is not None and not tempo > 0:
        problems.append(
            (
                errors.BAD_VALUE,
                f"tempo={tempo} must be greater than 0",
                "1.0 is the style's natural tempo",
            )
        )
    mood = spec.get("mood")
    if mood is not None and mood not in MOODS:
        close = difflib.get_close_matches(str(mood), MOODS, n=1)
        problems.append(
            (
                errors.BAD_VALUE,
                f"unknown mood {mood!r}",
                f'did you mean "{close[0]}"?' if close else "moods are " + ", ".join(MOODS),
            )
        )
    return problems


def check_fades(duration: float, fade_in: float, fade_out: float) -> list[tuple[str, str, str]]:
    """Problems with a cue of ``duration`` seconds and its fades, as (code, message, help)."""
    problems: list[tuple[str, str, str]] = []
    if not duration > 0:
        problems.append(
            (
                errors.ZERO_LENGTH,
                f"the music cue lasts {max(duration, 0.0):g}s",
                "a cue must play for some time; move its stop later",
            )
        )
        return problems
    for name, value in (("fade-in", fade_in), ("fade-out", fade_out)):
        if value < 0:
            problems.append(
                (errors.BAD_VALUE, f"{name} {value:g}s is negative", "fades are lengths of time")
            )
    if fade_in > duration or fade_out > duration or fade_in + fade_out > duration + 1e-9:
        problems.append(
            (
                errors.FADE_TOO_LONG,
                f"fades (in {fade_in:g}s + out {fade_out:g}s) are longer than "
                f"the cue ({duration:.2f}s)",
                f"shorten the fades to at most {duration:.2f}s together, "
                "or let the cue play longer",
            )
        )
    return problems


def spec_params(spec: AssetSpec) -> dict[str, Any]:
    """The spec's params with this module's defaults filled in (engines call this)."""
    ctor = next((c for c in CONSTRUCTORS if c.name == spec.constructor), None)
    out: dict[str, Any] = {}
    if ctor is not None:
        out = {p.name: p.default for p in ctor.params}
    out.update({k: v for k, v in spec.params.items() if v is not None or k not in out})
    return out
