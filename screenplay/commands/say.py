"""``screenplay say PRESET "text" -o out.wav``: speak one line with a voice preset.

PRESET is a preset from stdlib/voices.film (``dicka``, ``audrey`` …) or an
engine name (``piper``, ``flite``, ``festival``, ``espeak``) for its default
voice.  ``--parenthetical "(whispering)"`` and ``--extension V.O.`` apply a
delivery exactly as a screenplay line would.  The line goes through the same
cache as a build.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import wave
from pathlib import Path
from typing import TYPE_CHECKING

from screenplay.backends.protocols import PROJECT_RATE, AssetSpec, BackendError, Speech

if TYPE_CHECKING:
    import numpy as np

from screenplay.commands import _args

NAME = "say"
HELP = "speak one line with a voice preset and write it to a WAV file"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "preset", metavar="PRESET", help="voice preset (see `screenplay voices`) or engine name"
    )
    p.add_argument("text", metavar="TEXT", help="what to say")
    p.add_argument(
        "-o",
        "--output",
        type=_args.output_path,
        default=Path("say.wav"),
        help="WAV file to write",
    )
    p.add_argument("--parenthetical", "-p", default=None, help='delivery, e.g. "(whispering)"')
    p.add_argument("--extension", default=None, help="cue extension: V.O. or O.S.")
    p.add_argument("--timings", action="store_true", help="print word and viseme timings")


class UnknownPreset(Exception):
    def __init__(self, name: str, suggestion: str | None, known: list[str]) -> None:
        super().__init__(name)
        self.name, self.suggestion, self.known = name, suggestion, known


def find_voice(name: str, presets: dict[str, AssetSpec]) -> AssetSpec:
    """A preset by name, or an engine's default voice; UnknownPreset with a suggestion otherwise."""
    from screenplay.voices.schema import ENGINE_NAMES

    if name in presets:
        return presets[name]
    lowered = {k.lower(): k for k in presets}
    if name.lower() in lowered:
        return presets[lowered[name.lower()]]
    if name in ENGINE_NAMES:
        return AssetSpec("voice", name, {}, label=f"{name} (engine default)")
    known = sorted(presets) + list(ENGINE_NAMES)
    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.5)
    raise UnknownPreset(name, close[0] if close else None, known)


def write_wav(path: Path, audio: np.ndarray, rate: int = PROJECT_RATE) -> None:
    """16-bit PCM mono WAV (what every player opens)."""
    import numpy as np

    from screenplay.outputs import Staged

    pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2")
    with Staged([path]) as staged:
        with wave.open(str(staged[path]), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(pcm.tobytes())
        staged.commit()


def say(
    spec: AssetSpec,
    text: str,
    output: Path,
    parenthetical: str | None = None,
    extension: str | None = None,
) -> Speech:
    """Speak ``text`` with ``spec`` (cached) and write ``output``; BackendError on failure."""
    from screenplay.cache import Cache
    from screenplay.syntax.emphasis import emphasized_words
    from screenplay.voices.backend import backend
    from screenplay.voices.delivery import delivery_for

    # Fountain emphasis in the text (*word*, **word**, _word_) stresses those words,
    # read by the one emphasis parser (as in a film).
    delivery = delivery_for(parenthetical, extension, emphasized_words(text))
    speech = backend().speak(spec, text, delivery, Cache())
    write_wav(output, speech.audio)
    return speech


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from screenplay.passes.resolve import load_presets

    err = Console(stderr=True, highlight=False)
    try:
        spec = find_voice(args.preset, load_presets("voice"))
    except UnknownPreset as exc:
        err.print(f"[bold red]error[SP0406][/]: unknown voice preset [bold]{exc.name}[/]")
        if exc.suggestion:
            err.print(f"  [cyan]help[/]: did you mean [bold]{exc.suggestion}[/]?")
        err.print("  [dim]`screenplay voices` lists the presets[/]")
        return 1
    from screenplay.outputs import check_outputs

    try:
        check_outputs([args.output])
        speech = say(spec, args.text, args.output, args.parenthetical, args.extension)
    except BackendError as exc:
        err.print(f"[bold red]error[{exc.code}][/]: {exc.message}")
        if exc.help:
            err.print(f"  [cyan]help[/]: {exc.help}")
        return 1
    out = Console(highlight=False)
    if speech.duration == 0 or not speech.words:
        err.print("[yellow]note[/]: nothing to pronounce in that text; wrote silence")
    out.print(f"wrote {args.output} ({speech.duration:.2f} s, {PROJECT_RATE} Hz)")
    if args.timings:
        for w in speech.words:
            out.print(f"  {w.start:7.3f} {w.end:7.3f}  {w.label}")
        out.print("  visemes: " + " ".join(f"{v.label}@{v.start:.2f}" for v in speech.visemes))
    sys.stdout.flush()
    return 0
