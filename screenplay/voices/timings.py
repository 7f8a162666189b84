"""Word and viseme timings for a synthesized line.

Engines differ in what they tell us:

* Piper (with the ``onnx`` package) gives the exact number of samples of every
  phoneme id, so phones and word boundaries are exact;
* festival prints every segment with its end time and its word;
* flite prints every segment with its end time (``-psdur``), but not words;
* espeak-ng prints the phonemes of each word (``--ipa``) but no times.

So there are three levels: exact phones+words, exact phones with words
spread over them, and phones spread over the voiced parts of the audio
envelope (an estimate, good to a syllable or so — enough for mouth shapes and
subtitles).  Phones become the six visemes of ``protocols.VISEMES``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from screenplay.backends.protocols import Timed

# ---------------------------------------------------------------------------
# Phones → visemes
# ---------------------------------------------------------------------------

_IPA_VISEME: dict[str, str] = {}
for _chars, _vis in (
    ("pbmɱ", "mbp"),
    ("fvʋ", "fv"),
    ("oɔuʊwɒɵʉyøœɹrʃʒʍ", "o"),
    ("aæʌɑɐɜɶ", "a"),
    ("eɛiɪəɚɝɨjtdsznkgɡŋlθðʔɾxçhɦcɟɲʎʁʀqɣχɬʂʐɕʑ", "e"),
):
    for _c in _chars:
        _IPA_VISEME[_c] = _vis

#: Symbols that modify the previous/next phone rather than being one.
IPA_MODIFIERS = frozenset("ˈˌːˑ̩̯̃ʰʲʷ̥̬͡‿ᵻ")
#: Separators in Piper's phoneme stream (word space, punctuation, BOS/EOS/PAD).
PIPER_SEPARATORS = frozenset(" .,!?;:—–-…\"'()^$_¡¿«»")

_ARPA_VISEME: dict[str, str] = {
    "p": "mbp",
    "b": "mbp",
    "m": "mbp",
    "em": "mbp",
    "f": "fv",
    "v": "fv",
    "ao": "o",
    "ow": "o",
    "oy": "o",
    "uw": "o",
    "uh": "o",
    "w": "o",
    "r": "o",
    "sh": "o",
    "zh": "o",
    "ch": "o",
    "jh": "o",
    "er": "o",
    "axr": "o",
    "aa": "a",
    "ae": "a",
    "ah": "a",
    "ay": "a",
    "aw": "a",
    "hh": "a",
    "pau": "rest",
    "h#": "rest",
    "sil": "rest",
    "ssil": "rest",
    "#": "rest",
}


def viseme_of(phone: str, alphabet: str) -> str:
    """The mouth shape for one phone in ``"ipa"`` or ``"arpabet"``."""
    if alphabet == "arpabet":
        return _ARPA_VISEME.get(phone.lower().rstrip("012"), "e")
    for ch in unicodedata.normalize("NFD", phone):
        if ch in _IPA_VISEME:
            return _IPA_VISEME[ch]
    return "rest"


def visemes_from_phones(phones: Sequence[Timed], alphabet: str, duration: float) -> list[Timed]:
    """Merge phones into viseme intervals that tile ``[0, duration]`` (gaps are ``rest``)."""
    out: list[Timed] = []

    def push(start: float, end: float, label: str) -> None:
        if end <= start + 1e-6:
            return
        if out and out[-1].label == label and abs(out[-1].end - start) < 1e-6:
            out[-1] = Timed(out[-1].start, end, label)
        else:
            out.append(Timed(start, end, label))

    t = 0.0
    for ph in phones:
        start, end = min(max(ph.start, t), duration), min(ph.end, duration)
        if start > t:
            push(t, start, "rest")
        push(start, end, viseme_of(ph.label, alphabet))
        t = max(t, end)
    if t < duration:
        push(t, duration, "rest")
    return _close_gaps(out)


#: Rests shorter than this between two spoken visemes are word joins, not a closed mouth.
MIN_REST = 0.07


def _close_gaps(items: list[Timed]) -> list[Timed]:
    out: list[Timed] = []
    for i, v in enumerate(items):
        inner = 0 < i < len(items) - 1
        if v.label == "rest" and inner and v.end - v.start < MIN_REST and out:
            prev = out[-1]
            out[-1] = Timed(prev.start, v.end, prev.label)
            continue
        if out and out[-1].label == v.label:
            out[-1] = Timed(out[-1].start, v.end, v.label)
        else:
            out.append(v)
    return out


# ---------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------

_WORD = re.compile(r"[\w'’]+(?:[-‐][\w'’]+)*", re.UNICODE)


def text_words(text: str) -> list[str]:
    """The words of a line as a reader sees them (punctuation dropped)."""
    return _WORD.findall(text)


def label_words(words: Sequence[str], spans: Sequence[tuple[float, float]]) -> list[Timed]:
    """Attach the text's ``words`` to spoken word ``spans``.

    When the engine's word count matches the text's (the usual case) it is
    one to one.  When it does not ("12" spoken as "twelve", "Dr." as
    "doctor") the words are spread over the spoken spans in proportion to
    their length, skipping the pauses between spans.
    """
    spans = [(s, e) for s, e in spans if e > s]
    if not words or not spans:
        return []
    if len(words) == len(spans):
        return [Timed(s, e, w) for w, (s, e) in zip(words, spans, strict=True)]
    lengths = np.array([s for s in spans], dtype=np.float64)
    durs = lengths[:, 1] - lengths[:, 0]
    cum_speech = np.concatenate([[0.0], np.cumsum(durs)])
    total = float(cum_speech[-1])

    def at(v: float) -> float:
        # speech-time v → clock time, walking through the spans.
        i = int(np.clip(np.searchsorted(cum_speech, v, side="right") - 1, 0, len(durs) - 1))
        return float(lengths[i, 0] + (v - cum_speech[i]))

    weights = np.array([max(len(w), 1) + 1.0 for w in words])
    edges = np.concatenate([[0.0], np.cumsum(weights)]) / weights.sum() * total
    out = []
    for i, w in enumerate(words):
        start = at(edges[i])
        end = at(edges[i + 1] - 1e-9) if i + 1 < len(words) else float(lengths[-1, 1])
        out.append(Timed(start, max(end, start + 1e-3), w))
    return out


def words_by_phrases(text: str, runs: Sequence[tuple[float, float]]) -> list[Timed]:
    """Words spread over pause-separated phrase ``runs``, one text phrase per run when possible.

    Engines pause at punctuation, so when the text has as many punctuation-
    separated phrases as the audio has runs, each phrase's words stay inside
    their run; otherwise the words are spread over all runs together.
    """
    phrases = [p for p in re.split(r"[,.;:!?…—]+", text) if text_words(p)]
    if len(phrases) == len(runs) and runs:
        out: list[Timed] = []
        for phrase, run in zip(phrases, runs, strict=True):
            out += label_words(text_words(phrase), [run])
        return out
    return label_words(text_words(text), runs)


def phone_runs(
    phones: Sequence[Timed], is_break: set[str] | frozenset[str]
) -> list[tuple[float, float]]:
    """Contiguous runs of non-break phones (phrases between pauses)."""
    runs: list[tuple[float, float]] = []
    cur: list[float] | None = None
    for ph in phones:
        if ph.label in is_break:
            if cur:
                runs.append((cur[0], cur[1]))
            cur = None
            continue
        if cur is None:
            cur = [ph.start, ph.end]
        else:
            cur[1] = ph.end
    if cur:
        runs.append((cur[0], cur[1]))
    return runs


# ---------------------------------------------------------------------------
# Estimation from the audio envelope (engines that give no times)
# ---------------------------------------------------------------------------

_VOWELS = set("aeiouyæɑɒɔəɛɜɪʊʌɐɚɝɨʉøœɶ")


def split_ipa_word(word: str) -> list[tuple[str, float]]:
    """IPA word → (phone, weight); length marks lengthen, stress marks vanish."""
    out: list[tuple[str, float]] = []
    for ch in unicodedata.normalize("NFC", word):
        if ch in IPA_MODIFIERS or unicodedata.combining(ch):
            if ch == "ː" and out:
                p, w = out[-1]
                out[-1] = (p, w + 0.6)
            continue
        if ch.isspace():
            continue
        out.append((ch, 1.4 if ch in _VOWELS else 0.8))
    return out


def voiced_frames(
    audio: np.ndarray, sr: int, hop: float = 0.01, floor_db: float = -32.0
) -> np.ndarray:
    """A boolean per ``hop`` seconds: is there speech energy there?"""
    n = max(1, int(round(hop * sr)))
    frames = len(audio) // n
    if frames == 0:
        return np.zeros(0, dtype=bool)
    rms = np.sqrt(np.mean(audio[: frames * n].reshape(frames, n).astype(np.float64) ** 2, axis=1))
    peak = float(rms.max())
    if peak <= 1e-9:
        return np.zeros(frames, dtype=bool)
    return np.asarray(rms > peak * 10 ** (floor_db / 20), dtype=bool)


def estimate_phones(
    ipa_words: Sequence[str], audio: np.ndarray, sr: int, hop: float = 0.01
) -> tuple[list[Timed], list[tuple[float, float]]]:
    """Spread the phones of ``ipa_words`` over the voiced frames of ``audio``.

    Returns (phones, word spans).  Each phone gets a share of *voiced* time in
    proportion to its weight (vowels longer than consonants); silent stretches
    between phrases fall between phones, so pauses stay pauses.
    """
    voiced = voiced_frames(audio, sr, hop)
    cum = np.cumsum(voiced.astype(np.float64))
    total_voiced = float(cum[-1]) if len(cum) else 0.0
    words = [split_ipa_word(w) for w in ipa_words]
    words = [w for w in words if w]
    weights = [w for word in words for _, w in word]
    if total_voiced <= 0 or not weights:
        return [], []
    scale = total_voiced / float(sum(weights))

    last = len(cum) - 1

    def first_after(v: float) -> float:
        # Start of the first voiced frame once v frames of voicing have passed.
        return min(int(np.searchsorted(cum, v, side="right")), last) * hop

    def reached(v: float) -> float:
        # End of the frame in which v frames of voicing are complete.
        return (min(int(np.searchsorted(cum, v - 1e-9, side="left")), last) + 1) * hop

    phones: list[Timed] = []
    spans: list[tuple[float, float]] = []
    acc = 0.0
    for word in words:
        w_start: float | None = None
        for label, weight in word:
            start = first_after(acc)
            acc += weight * scale
            end = max(reached(acc), start + hop)
            phones.append(Timed(start, end, label))
            w_start = start if w_start is None else w_start
        spans.append((w_start if w_start is not None else 0.0, phones[-1].end))
    return phones, spans
