"""The ``espeak(...)`` voice engine: eSpeak NG, through its library or its program."""

from __future__ import annotations

import re
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from screenplay.voices.tts import libespeak
from screenplay.voices.tts.base import Engine, Raw, read_wav, run, unknown_voice, which


class Espeak(Engine):
    """eSpeak NG through its library (exact phoneme and word events) or, failing that, its CLI.

    The library path (``libespeak-ng.so.1`` via ctypes) reports every
    phoneme and word with its time in the audio, so timings are exact.  If
    only the ``espeak-ng`` program exists, its ``--ipa`` phonemes are spread
    over the voiced audio instead.
    """

    name = "espeak"
    install = "apt-get install espeak-ng"

    def _exe(self) -> str:
        return which("espeak-ng", "espeak-ng", self.install)

    def version(self) -> str:
        return _espeak_version(self._exe())

    def language(self, params: dict[str, Any]) -> str:
        return str(params.get("voice") or "en-us").split("/")[-1].split("-")[0].lower()

    def validate(self, params: dict[str, Any]) -> None:
        exe = self._exe()
        voice = str(params.get("voice") or "en-us")
        langs, variants = _espeak_voices(exe)
        if voice.lower() not in langs:
            raise unknown_voice("espeak-ng", voice, sorted(langs))
        variant = str(params.get("variant") or "")
        if variant and variant.lower() not in variants:
            raise unknown_voice("espeak-ng (variant)", variant, sorted(variants))

    def _voice_name(self, params: dict[str, Any], whisper: bool) -> str:
        voice = str(params.get("voice") or "en-us")
        variant = str(params.get("variant") or "")
        voice = _espeak_voices(self._exe())[0].get(voice.lower(), voice)
        if whisper:
            # espeak-ng has real whisper variants: voiceless excitation, same phonemes.
            variant = "whisperf" if variant.lower().startswith("f") else "whisper"
        return f"{voice}+{variant}" if variant else voice

    def synthesize(
        self,
        params: dict[str, Any],
        text: str,
        rate: float,
        whisper: bool,
        emphasis: tuple[str, ...],
    ) -> Raw:
        name = self._voice_name(params, whisper)
        speed = int(np.clip(round(175 * rate), 80, 450))
        pitch = int(np.clip(int(params.get("base_pitch", 50)), 0, 99))
        ssml = bool(emphasis)
        body = _ssml_emphasis(text, emphasis) if ssml else text
        lib = libespeak.library()
        if lib is not None:
            return lib.synthesize(name, body, speed, pitch, ssml, whisper)
        exe = self._exe()
        with tempfile.TemporaryDirectory(prefix="sp-espeak-") as tmp:
            txt, wav = Path(tmp) / "line.txt", Path(tmp) / "line.wav"
            txt.write_text(body, encoding="utf-8")
            cmd = [
                exe,
                "-v",
                name,
                "-s",
                str(speed),
                "-p",
                str(pitch),
                "-b",
                "1",
                "--ipa",
                "-w",
                str(wav),
                "-f",
                str(txt),
            ]
            if ssml:
                cmd.insert(1, "-m")
            out = run("espeak-ng", cmd)
            audio, sr = read_wav(wav)
        ipa_words = [w for line in out.splitlines() for w in line.split()]
        return Raw(
            audio, sr, alphabet="ipa", ipa_words=ipa_words, whisper_done=whisper, emphasis_done=ssml
        )


def _ssml_emphasis(text: str, emphasis: tuple[str, ...]) -> str:
    from xml.sax.saxutils import escape

    targets = [e.lower() for e in emphasis]
    parts = re.split(r"(\w[\w'’]*)", text)
    out = []
    for part in parts:
        if targets and part.lower() == targets[0]:
            out.append(f"<emphasis>{escape(part)}</emphasis>")
            targets.pop(0)
        else:
            out.append(escape(part))
    return "<speak>" + "".join(out) + "</speak>"


@cache
def _espeak_version(exe: str) -> str:
    out = run("espeak-ng", [exe, "--version"])
    m = re.search(r"(\d+\.\d+(?:\.\d+)?)", out)
    return f"espeak-ng {m.group(1) if m else out.strip()}"


@cache
def _espeak_voices(exe: str) -> tuple[dict[str, str], frozenset[str]]:
    """(language or voice file → voice file, variant names).

    Voices are selected by *file* ("gmw/en") rather than language code: with
    a code, espeak-ng may pick an MBROLA voice ("en-gb" → mb-en1) that is not
    installed and silently ignore the ``+variant``.
    """
    files: dict[str, str] = {}
    for line in run("espeak-ng", [exe, "--voices"]).splitlines()[1:]:
        cols = line.split()
        if len(cols) >= 5 and not cols[4].startswith("mb/"):
            files.setdefault(cols[1].lower(), cols[4])
            files.setdefault(cols[4].lower(), cols[4])
    variants: set[str] = set()
    for line in run("espeak-ng", [exe, "--voices=variant"]).splitlines()[1:]:
        m = re.search(r"!v/(\S+)", line)
        if m:
            variants.add(m.group(1).lower())
    return files, frozenset(variants)
