"""libespeak-ng through ctypes: audio plus exact phoneme and word events.

The espeak-ng *program* only prints phonemes, without times; the library
calls back with every phoneme and word and its position in the audio, so
:class:`~screenplay.voices.tts.espeak.Espeak` uses it when it loads (and the
program otherwise).  One library per process, used one line at a time.
"""

from __future__ import annotations

import ctypes
import os
import threading
from functools import cache
from typing import Any

import numpy as np

from screenplay.backends.protocols import BackendError, Timed
from screenplay.voices import errors
from screenplay.voices.tts.base import Raw


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


class EspeakLibrary:
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
def library() -> EspeakLibrary | None:
    """The process's one libespeak-ng (the bind pass speaks lines from several threads)."""
    if os.environ.get("SCREENPLAY_ESPEAK_CLI"):
        return None  # forced CLI path (tests exercise both)
    with _ESPEAK_INIT_LOCK:
        return _open_espeak_library()


def _open_espeak_library() -> EspeakLibrary | None:
    import ctypes.util

    global _ESPEAK_LIB
    if _ESPEAK_LIB is not None:
        return _ESPEAK_LIB
    for name in ("libespeak-ng.so.1", ctypes.util.find_library("espeak-ng")):
        if not name:
            continue
        try:
            _ESPEAK_LIB = EspeakLibrary(ctypes.CDLL(name))
        except OSError:
            continue
        return _ESPEAK_LIB
    return None


# espeak_Initialize must run once per process, even if the cache above is cleared.
_ESPEAK_LIB: EspeakLibrary | None = None
