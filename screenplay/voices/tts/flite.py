"""The ``flite(...)`` voice engine: CMU Flite's compiled-in voices, with phone end times."""

from __future__ import annotations

import re
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from screenplay.backends.protocols import Timed
from screenplay.voices.schema import FLITE_VOICES
from screenplay.voices.tts.base import Engine, Raw, read_wav, run, unknown_voice, which


class Flite(Engine):
    name = "flite"
    install = "apt-get install flite"

    def _exe(self) -> str:
        return which("flite", "flite", self.install)

    def version(self) -> str:
        return _flite_version(self._exe())

    def validate(self, params: dict[str, Any]) -> None:
        voice = str(params.get("voice") or "slt")
        if voice not in FLITE_VOICES:
            raise unknown_voice("flite", voice, list(FLITE_VOICES))
        self._exe()

    def synthesize(
        self,
        params: dict[str, Any],
        text: str,
        rate: float,
        whisper: bool,
        emphasis: tuple[str, ...],
    ) -> Raw:
        exe = self._exe()
        voice = str(params.get("voice") or "slt")
        with tempfile.TemporaryDirectory(prefix="sp-flite-") as tmp:
            txt, wav = Path(tmp) / "line.txt", Path(tmp) / "line.wav"
            # flite drops a last sentence that has no newline after it.
            txt.write_text(text.strip() + "\n", encoding="utf-8")
            out = run(
                "flite",
                [
                    exe,
                    "-voice",
                    voice,
                    "-psdur",
                    "--setf",
                    f"duration_stretch={1.0 / rate:.4f}",
                    "-f",
                    str(txt),
                    "-o",
                    str(wav),
                ],
            )
            audio, sr = read_wav(wav)
        phones: list[Timed] = []
        offset = 0.0
        # One line per utterance; times restart at 0 in each.
        for line in out.splitlines():
            start = 0.0
            for item in line.split():
                name, _, end_s = item.rpartition(":")
                try:
                    end = float(end_s)
                except ValueError:
                    continue
                phones.append(Timed(offset + start, offset + end, name))
                start = end
            offset += start
        return Raw(audio, sr, phones=phones, alphabet="arpabet")


@cache
def _flite_version(exe: str) -> str:
    # flite --version prints its version and exits 1.
    out = run("flite", [exe, "--version"], check=False)
    m = re.search(r"flite-(\S+)", out)
    return f"flite {m.group(1) if m else out.strip()}"
