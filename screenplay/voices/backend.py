"""The voice backend: text + voice spec + delivery → a cached, normalized :class:`Speech`.

Pipeline for one line (each step is measurable, none is cosmetic):

1. clean the text (Fountain emphasis marks out, whitespace folded); a line
   with nothing to pronounce becomes silence, not an engine call;
2. refuse text in a writing system the voice's language cannot read
   (``SP0405``) instead of speaking letter names;
3. split long text into sentence chunks (≤ ~350 characters) so a 2,000-word
   monologue neither hits engine limits nor one huge subprocess;
4. synthesize each chunk with the engine (rate natively; whisper and
   emphasis natively where the engine can), collecting phone timings;
5. trim engine padding, shift pitch (preset + delivery) with sox, resample to
   48 kHz, colour the delivery (whisper, shout, laugh, emphasis),
   loudness-normalize to −20 LUFS, apply preset + delivery gain, place
   (V.O./O.S.), prepend the pause;
6. derive word and viseme timings, and cache everything under
   :func:`speech_key` — a hash of engine, engine version, voice parameters,
   text and delivery — so a second build synthesizes nothing.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from screenplay.backends.protocols import (
    PROJECT_RATE,
    AssetSpec,
    BackendError,
    Delivery,
    Speech,
    Timed,
)
from screenplay.cache import Cache, digest, stable_digest
from screenplay.syntax.emphasis import plain_text
from screenplay.voices import dsp, errors
from screenplay.voices.schema import CONSTRUCTORS
from screenplay.voices.timings import (
    estimate_phones,
    label_words,
    phone_runs,
    text_words,
    visemes_from_phones,
    words_by_phrases,
)
from screenplay.voices.tts import ENGINES, Engine, Raw

#: Bump when the processing below changes what a cached line sounds like.
PIPELINE_VERSION = 7  # 7: espeak-ng lines primed, independent of history
NAMESPACE = "voices"
#: Sentences are grouped into engine calls of at most this many characters.
MAX_CHUNK_CHARS = 350

_DEFAULTS: dict[str, dict[str, Any]] = {
    c.name: {p.name: p.default for p in c.params} for c in CONSTRUCTORS
}


def _params(spec: AssetSpec) -> dict[str, Any]:
    """The spec's parameters with schema defaults filled in (the resolve pass normally did this)."""
    merged = dict(_DEFAULTS.get(spec.constructor, {}))
    merged.update({k: v for k, v in spec.params.items() if v is not None})
    return merged


def engine_for(spec: AssetSpec) -> Engine:
    if spec.kind != "voice" or spec.constructor not in ENGINES:
        known = ", ".join(ENGINES)
        raise BackendError(
            errors.BAD_PARAMETER,
            f"{spec.constructor!r} is not a voice engine",
            f"voice engines: {known}",
        )
    return ENGINES[spec.constructor]


# ---------------------------------------------------------------------------
# Text handling
# ---------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Fountain emphasis marks removed (the words come as ``Delivery.emphasis``), spaces folded."""
    return " ".join(plain_text(text).split())


def speakable(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


_SCRIPT_LANG = {
    "CYRILLIC": "ru",
    "GREEK": "el",
    "ARABIC": "ar",
    "HEBREW": "he",
    "CJK": "cmn",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "DEVANAGARI": "hi",
    "THAI": "th",
    "GEORGIAN": "ka",
    "ARMENIAN": "hy",
    "BENGALI": "bn",
    "TAMIL": "ta",
}
#: Languages whose voices read each script (espeak-ng voice codes).
_READS = {
    "LATIN": None,  # every voice here reads Latin letters
    "CYRILLIC": {"ru", "uk", "bg", "sr", "mk", "be", "kk", "ky", "tt", "ba", "cv"},
    "GREEK": {"el", "grc"},
    "ARABIC": {"ar", "fa", "ur", "ps", "sd", "ug"},
    "HEBREW": {"he"},
    "CJK": {"cmn", "yue", "hak", "zh", "ja"},
    "HIRAGANA": {"ja"},
    "KATAKANA": {"ja"},
    "HANGUL": {"ko"},
    "DEVANAGARI": {"hi", "ne", "mr", "sa", "kok"},
    "THAI": {"th"},
}


def _script(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "UNKNOWN"
    first = name.split()[0]
    return "LATIN" if first not in _SCRIPT_LANG else first


def check_script(text: str, language: str, voice_name: str) -> None:
    """Raise SP0405 when most letters are in a script the voice's language cannot read."""
    letters = [ch for ch in text if unicodedata.category(ch).startswith("L")]
    if not letters:
        return
    counts = Counter(_script(ch) for ch in letters)
    script, n = counts.most_common(1)[0]
    if script == "LATIN" or n < len(letters) / 2:
        return
    readers = _READS.get(script)
    if readers is None or language in readers:
        return
    lang = _SCRIPT_LANG.get(script, "")
    raise BackendError(
        errors.UNREADABLE_SCRIPT,
        f"this line is written in {script.title()} script, which the voice {voice_name} "
        f"(language {language!r}) cannot read",
        f'give the character a voice for that language, e.g. voice: espeak(voice="{lang}")'
        if lang
        else "give the character a voice for that language",
    )


def chunks(text: str, limit: int = MAX_CHUNK_CHARS) -> list[str]:
    """Group sentences into pieces of at most ``limit`` characters.

    A sentence longer than ``limit`` is split at a comma or semicolon, then at a space.
    """
    sentences = re.split(r"(?<=[.!?…])\s+", text)
    pieces: list[str] = []
    for s in sentences:
        while len(s) > limit:
            cut = max(s.rfind(", ", 0, limit), s.rfind("; ", 0, limit))
            if cut <= 0:
                cut = s.rfind(" ", 0, limit)
            if cut <= 0:
                # One unbroken run of letters longer than a chunk: a hard cut.
                pieces.append(s[:limit])
                s = s[limit:].strip()
                continue
            pieces.append(s[: cut + 1].strip())
            s = s[cut + 1 :].strip()
        if s:
            pieces.append(s)
    out: list[str] = []
    for p in pieces:
        if out and len(out[-1]) + 1 + len(p) <= limit:
            out[-1] = f"{out[-1]} {p}"
        else:
            out.append(p)
    return out


# ---------------------------------------------------------------------------
# Keys and the cache
# ---------------------------------------------------------------------------


def engine_version(spec: AssetSpec) -> str:
    eng = engine_for(spec)
    version = eng.version()
    model_version = getattr(eng, "model_version", None)
    if model_version is not None:
        # The model file is part of the voice: a new .onnx (or Coqui checkpoint) is a new voice.
        version += f" model {model_version(_params(spec))}"
    return version


def speech_key(spec: AssetSpec, text: str, delivery: Delivery) -> str:
    """The cache key of one line: engine, engine version, parameters, text and delivery."""
    return digest(
        "voice-line",
        PIPELINE_VERSION,
        spec.constructor,
        engine_version(spec),
        _params(spec),
        clean_text(text),
        delivery,
    )


def _timed_arrays(prefix: str, items: list[Timed]) -> dict[str, np.ndarray]:
    return {
        f"{prefix}_start": np.array([t.start for t in items], dtype=np.float64),
        f"{prefix}_end": np.array([t.end for t in items], dtype=np.float64),
        f"{prefix}_label": np.array([t.label for t in items], dtype=np.str_),
    }


def _timed_list(arrays: Mapping[str, np.ndarray], prefix: str) -> list[Timed]:
    starts, ends, labels = (arrays[f"{prefix}_{k}"] for k in ("start", "end", "label"))
    return [
        Timed(float(s), float(e), str(lab)) for s, e, lab in zip(starts, ends, labels, strict=True)
    ]


def store_speech(cache: Cache, key: str, speech: Speech) -> None:
    cache.put_arrays(
        NAMESPACE,
        key,
        audio=speech.audio.astype(np.float32),
        **_timed_arrays("word", speech.words),
        **_timed_arrays("vis", speech.visemes),
    )


def load_speech(cache: Cache, key: str) -> Speech | None:
    """The cached line stored under ``key`` (what the mixer calls), or None."""
    arrays = cache.get_arrays(NAMESPACE, key)
    if arrays is None:
        return None
    try:
        return Speech(
            audio=arrays["audio"].astype(np.float32),
            words=_timed_list(arrays, "word"),
            visemes=_timed_list(arrays, "vis"),
        )
    except KeyError:
        return None


# ---------------------------------------------------------------------------
# The backend
# ---------------------------------------------------------------------------


def _shift(items: list[Timed], dt: float, scale: float = 1.0) -> list[Timed]:
    return [
        Timed(round(t.start * scale + dt, 5), round(t.end * scale + dt, 5), t.label) for t in items
    ]


class VoiceEngines:
    """The :class:`~screenplay.backends.protocols.VoiceBackend` for every engine in :mod:`.tts`."""

    def __init__(self) -> None:
        #: Engine calls made, per engine (tests assert a rebuild makes none).
        self.synth_calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def speak(self, spec: AssetSpec, text: str, delivery: Delivery, cache: Cache) -> Speech:
        eng = engine_for(spec)
        params = _params(spec)
        eng.validate(params)
        key = speech_key(spec, text, delivery)
        found = load_speech(cache, key)
        if found is not None:
            return replace(found, key=key)
        speech = self.synthesize(spec, text, delivery)
        store_speech(cache, key, speech)
        return replace(speech, key=key)

    def synthesize(self, spec: AssetSpec, text: str, delivery: Delivery) -> Speech:
        """Speak without the cache (``speak`` is the cached entry point)."""
        eng = engine_for(spec)
        params = _params(spec)
        line = clean_text(text)
        pause = max(0.0, float(delivery.pause_before))
        if not speakable(line):
            # "…" or an empty line: the pause, nothing to say.
            return Speech(audio=np.zeros(int(round(pause * PROJECT_RATE)), np.float32))
        check_script(line, eng.language(params), spec.preset or spec.constructor)

        rate = float(params.get("rate", 1.0)) * float(delivery.rate)
        if not 0.1 <= rate <= 5.0:
            raise BackendError(
                errors.BAD_PARAMETER,
                f"speaking rate {rate:g} is out of range",
                "rate must be between 0.3 and 3 (1 is natural speed)",
            )
        pieces = [self._call(eng, params, piece, rate, delivery) for piece in chunks(line)]
        raw = _join(pieces)
        seed = int(stable_digest(spec.cache_key(), line)[:8], 16)

        # Engine padding varies (flite adds ~0.2 s); keep 60 ms so lines start promptly.
        audio, cut = dsp.trim_silence(raw.audio, raw.sr)
        if len(audio) == 0:
            raise BackendError(
                errors.ENGINE_FAILED,
                f"{eng.name} produced no sound for {line[:60]!r}",
                "try another voice for this character",
            )
        phones = _shift(raw.phones, -cut)
        word_spans = (
            [(s - cut, e - cut) for s, e in raw.word_spans] if raw.word_spans is not None else None
        )

        semitones = float(params.get("pitch", 0.0)) + float(delivery.pitch_semitones)
        audio = dsp.pitch_shift(audio, raw.sr, semitones)
        audio = dsp.resample(audio, raw.sr, PROJECT_RATE)
        sr = PROJECT_RATE
        duration = len(audio) / sr

        words_text = text_words(line)
        if raw.phones and word_spans is None:
            # Phones with times but no words (flite): spread the words over the
            # phrases between pauses, phrase by phrase when the punctuation agrees.
            runs = phone_runs(phones, {"pau", "h#", "sil", "_"})
            timed = words_by_phrases(line, runs)
        else:
            if not raw.phones:
                phones, word_spans = estimate_phones(raw.ipa_words, audio, sr)
            timed = label_words(words_text, word_spans or [])
        words = [Timed(max(0.0, w.start), min(w.end, duration), w.label) for w in timed]
        visemes = visemes_from_phones(phones, raw.alphabet, duration)

        if delivery.whisper and not raw.whisper_done:
            audio = dsp.whisper(audio, sr, seed)
        if delivery.shout:
            audio = dsp.shout(audio, sr)
        if delivery.laugh:
            audio = dsp.laugh(audio, sr)
        if delivery.emphasis and not raw.emphasis_done:
            audio = dsp.emphasize(audio, sr, _emphasized(words, delivery.emphasis))
        audio = dsp.loudness_normalize(audio, sr)
        audio = dsp.gain(audio, float(params.get("volume", 0.0)) + float(delivery.volume_db))
        audio = dsp.place(audio, sr, delivery.placement, seed)
        if pause > 0:
            audio = np.concatenate([np.zeros(int(round(pause * sr)), np.float32), audio])
            words = _shift(words, pause)
            visemes = [Timed(0.0, pause, "rest"), *_shift(visemes, pause)]
        audio = dsp.peak_guard(audio)
        return Speech(audio=audio.astype(np.float32), words=words, visemes=visemes)

    def _call(
        self, eng: Engine, params: dict[str, Any], text: str, rate: float, delivery: Delivery
    ) -> Raw:
        with self._lock:
            self.synth_calls[eng.name] += 1
        return eng.synthesize(params, text, rate, delivery.whisper, tuple(delivery.emphasis))


def _emphasized(words: list[Timed], emphasis: tuple[str, ...]) -> list[Timed]:
    """The spoken words matching the emphasis marks, in order."""
    wanted = [w.lower().strip(".,!?;:") for w in emphasis]
    out: list[Timed] = []
    i = 0
    for w in words:
        if i < len(wanted) and w.label.lower() == wanted[i]:
            out.append(w)
            i += 1
    return out


#: Silence between the sentence chunks of a long line (engines pad their ends differently).
CHUNK_GAP = 0.35


def _join(pieces: list[Raw]) -> Raw:
    if len(pieces) == 1:
        return pieces[0]
    sr = pieces[0].sr
    audio: list[np.ndarray] = []
    phones: list[Timed] = []
    spans: list[tuple[float, float]] | None = (
        [] if all(p.word_spans is not None for p in pieces) else None
    )
    ipa: list[str] = []
    offset = 0.0
    gap = np.zeros(int(CHUNK_GAP * sr), np.float32)
    for i, p in enumerate(pieces):
        # Each chunk's own padding is cut to nothing and one even pause put between.
        trimmed, cut = dsp.trim_silence(p.audio, sr, keep=0.0)
        if i:
            audio.append(gap)
            offset += len(gap) / sr
        audio.append(trimmed)
        phones += _shift(p.phones, offset - cut)
        if spans is not None and p.word_spans is not None:
            spans += [(s + offset - cut, e + offset - cut) for s, e in p.word_spans]
        ipa += p.ipa_words
        offset += len(trimmed) / sr
    return Raw(
        np.concatenate(audio),
        sr,
        phones=phones,
        alphabet=pieces[0].alphabet,
        word_spans=spans,
        ipa_words=ipa,
        whisper_done=all(p.whisper_done for p in pieces),
        emphasis_done=all(p.emphasis_done for p in pieces),
    )


_BACKEND: VoiceEngines | None = None


def backend() -> VoiceEngines:
    """The process-wide voice backend (engines load lazily on first use)."""
    global _BACKEND
    if _BACKEND is None:
        _BACKEND = VoiceEngines()
    return _BACKEND


def engine_status() -> list[tuple[str, bool, str]]:
    """(engine, available, version or install hint) for every engine, for ``screenplay voices``."""
    out = []
    for name, eng in ENGINES.items():
        try:
            out.append((name, True, eng.version()))
        except BackendError as exc:
            out.append((name, False, exc.help or exc.message))
    return out
