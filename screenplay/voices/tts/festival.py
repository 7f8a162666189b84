"""The ``festival(...)`` voice engine: Festival driven by a Scheme script that prints segments."""

from __future__ import annotations

import re
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from screenplay.backends.protocols import BackendError, Timed
from screenplay.voices import errors
from screenplay.voices.tts.base import Engine, Raw, read_wav, run, unknown_voice, which

_FESTIVAL_VOICE_DIRS = (
    "/usr/share/festival/voices",
    "/usr/lib/festival/voices",
    "/usr/local/share/festival/voices",
)


class Festival(Engine):
    name = "festival"
    install = "apt-get install festival festvox-us-slt-hts"

    def _exe(self) -> str:
        return which("festival", "festival", self.install)

    def version(self) -> str:
        return _festival_version(self._exe())

    def validate(self, params: dict[str, Any]) -> None:
        self._exe()
        voice = str(params.get("voice") or "cmu_us_slt_arctic_hts")
        known = festival_voices()
        if voice not in known:
            if not known:
                raise BackendError(
                    errors.ENGINE_MISSING,
                    "festival has no voices installed",
                    "apt-get install festvox-us-slt-hts",
                )
            raise unknown_voice("festival", voice, known)

    def synthesize(
        self,
        params: dict[str, Any],
        text: str,
        rate: float,
        whisper: bool,
        emphasis: tuple[str, ...],
    ) -> Raw:
        exe = self._exe()
        voice = str(params.get("voice") or "cmu_us_slt_arctic_hts")
        with tempfile.TemporaryDirectory(prefix="sp-festival-") as tmp:
            wav, scm = Path(tmp) / "line.wav", Path(tmp) / "line.scm"
            scm.write_text(_festival_script(voice, text, rate, wav), encoding="utf-8")
            out = run("festival", [exe, "--batch", str(scm)], cwd=Path(tmp))
            if not wav.is_file():
                raise BackendError(errors.ENGINE_FAILED, f"festival wrote no audio: {out[-200:]}")
            audio, sr = read_wav(wav)
        phones: list[Timed] = []
        spans: list[tuple[float, float]] = []
        start = 0.0
        for line in out.splitlines():
            cols = line.split()
            if len(cols) != 6 or cols[0] != "SEG":
                continue
            name, end, syl_pos, seg_pos = cols[1], float(cols[2]), cols[4], cols[5]
            phones.append(Timed(start, end, name))
            if name != "pau":
                if syl_pos == "0" and seg_pos == "0" or not spans:
                    spans.append((start, end))
                else:
                    spans[-1] = (spans[-1][0], end)
            start = end
        return Raw(audio, sr, phones=phones, alphabet="arpabet", word_spans=spans)


def _scheme_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _festival_script(voice: str, text: str, rate: float, wav: Path) -> str:
    # HTS voices take speed through hts_engine's -r; other voices through Duration_Stretch.
    return f"""
(voice_{voice})
(if (boundp 'hts_engine_params)
    (set! hts_engine_params (append hts_engine_params (list (list "-r" {rate:.4f})))))
(Parameter.set 'Duration_Stretch {1.0 / rate:.4f})
(set! utt (Utterance Text {_scheme_string(text)}))
(utt.synth utt)
(utt.save.wave utt {_scheme_string(str(wav))} 'riff)
(mapcar (lambda (s)
  (format t "SEG %s %f %s %s %s\\n" (item.name s) (item.feat s "end")
          (item.feat s "R:SylStructure.parent.parent.name")
          (item.feat s "R:SylStructure.parent.pos_in_word")
          (item.feat s "pos_in_syl")))
  (utt.relation.items utt 'Segment))
"""


def festival_voices() -> list[str]:
    found: set[str] = set()
    for d in _FESTIVAL_VOICE_DIRS:
        base = Path(d)
        if base.is_dir():
            for lang in base.iterdir():
                if lang.is_dir():
                    found.update(p.name for p in lang.iterdir() if p.is_dir())
    return sorted(found)


@cache
def _festival_version(exe: str) -> str:
    out = run("festival", [exe, "--version"])
    m = re.search(r"System:\s*(\S+)", out)
    return (
        f"festival {m.group(1).rstrip(':') if m else out.strip()} ({'+'.join(festival_voices())})"
    )
