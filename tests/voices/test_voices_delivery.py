"""Parentheticals and cue extensions change how a line sounds, measurably."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from screenplay.backends.protocols import PROJECT_RATE, AssetSpec, Delivery, Speech
from screenplay.cache import Cache
from screenplay.voices import dsp
from screenplay.voices.backend import VoiceEngines
from screenplay.voices.delivery import delivery_for, placement_for

LINE = "I told you the room would be empty when we came back."
FLITE = AssetSpec("voice", "flite", {"voice": "rms"})
ESPEAK = AssetSpec("voice", "espeak", {"variant": "m3"})


@pytest.mark.parametrize(
    ("text", "field", "check"),
    [
        ("(whispering)", "whisper", True),
        ("(whispers)", "whisper", True),
        ("(in a whisper)", "whisper", True),
        ("(shouting)", "shout", True),
        ("(yelling at him)", "shout", True),
        ("(angrily)", "shout", True),
        ("(laughing)", "laugh", True),
        ("(chuckles)", "laugh", True),
    ],
)
def test_parenthetical_words_map_to_flags(text: str, field: str, check: bool) -> None:
    assert getattr(delivery_for(text), field) is check


def test_parenthetical_numbers() -> None:
    assert delivery_for("(quietly)").volume_db < 0
    assert delivery_for("(softly)").volume_db < 0
    assert delivery_for("(slowly)").rate < 1 < delivery_for("(quickly)").rate
    assert delivery_for("(pause)").pause_before > 0
    assert 0 < delivery_for("(beat)").pause_before < delivery_for("(a long pause)").pause_before
    assert (
        delivery_for("(quietly, slowly)").rate < 1
        and delivery_for("(quietly, slowly)").volume_db < 0
    )
    # Stage business changes nothing; nor does "slowly" contain "low".
    assert delivery_for("(looking out of the window)") == Delivery()
    assert delivery_for("(slowly)").volume_db == 0


def test_extensions_set_placement() -> None:
    assert placement_for("V.O.") == "vo"
    assert placement_for("O.S.") == "os"
    assert placement_for("O.C.") == "os"
    assert placement_for("CONT'D") == "on"
    assert placement_for("O.S., CONT'D") == "os"
    assert delivery_for(None, "V.O.").placement == "vo"
    assert delivery_for("(whispering)", "O.S.", ("empty",)).emphasis == ("empty",)


@pytest.fixture(scope="module")
def takes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Speech]:
    cache = Cache(tmp_path_factory.mktemp("delivery-cache"))
    b = VoiceEngines()
    asks = {
        "plain": (None, None),
        "whisper": ("(whispering)", None),
        "shout": ("(shouting)", None),
        "laugh": ("(laughing)", None),
        "slow": ("(slowly)", None),
        "quick": ("(quickly)", None),
        "pause": ("(pause)", None),
        "os": (None, "O.S."),
        "vo": (None, "V.O."),
    }
    return {k: b.speak(FLITE, LINE, delivery_for(p, e), cache) for k, (p, e) in asks.items()}


def _rms_db(a: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(a.astype(np.float64) ** 2)) + 1e-12))


def _voiced_fraction(a: np.ndarray) -> float:
    """Share of loud 40 ms frames that are clearly periodic."""
    n = int(0.04 * PROJECT_RATE)
    frames = [a[i : i + n].astype(np.float64) for i in range(0, len(a) - n, n)]
    loud = [f for f in frames if np.sqrt(np.mean(f**2)) > 0.02]
    lo, hi = PROJECT_RATE // 400, PROJECT_RATE // 60
    periodic = 0
    for f in loud:
        f = f - f.mean()
        ac = np.correlate(f, f, "full")[n - 1 :]
        periodic += bool(ac[0] > 0 and ac[lo:hi].max() / ac[0] > 0.45)
    return periodic / max(1, len(loud))


def _high_share(a: np.ndarray, cutoff: float = 2000.0) -> float:
    spec = np.abs(np.fft.rfft(a.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(len(a), 1 / PROJECT_RATE)
    return float(spec[freqs > cutoff].sum() / spec.sum())


def test_whisper_removes_voicing_and_is_quieter(takes: dict[str, Speech]) -> None:
    assert _voiced_fraction(takes["whisper"].audio) < 0.5 * _voiced_fraction(takes["plain"].audio)
    assert _rms_db(takes["whisper"].audio) < _rms_db(takes["plain"].audio) - 5


def test_shout_is_louder_higher_and_brighter(takes: dict[str, Speech]) -> None:
    plain, shout = takes["plain"].audio, takes["shout"].audio
    assert _rms_db(shout) > _rms_db(plain) + 3
    assert dsp.median_pitch(shout, PROJECT_RATE) > dsp.median_pitch(plain, PROJECT_RATE) * 1.08
    assert dsp.spectral_centroid(shout, PROJECT_RATE) > 1.2 * dsp.spectral_centroid(
        plain, PROJECT_RATE
    )


def test_laugh_pulses_at_a_laughing_rate(takes: dict[str, Speech]) -> None:
    def envelope_spectrum(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        hop = PROJECT_RATE // 100
        env = np.sqrt(
            np.mean(a[: len(a) // hop * hop].reshape(-1, hop).astype(np.float64) ** 2, axis=1)
        )
        spec = np.abs(np.fft.rfft(env - env.mean()))
        freqs = np.fft.rfftfreq(len(env), 0.01)
        keep = (freqs > 1) & (freqs < 20)
        return freqs[keep], spec[keep]

    f, laugh = envelope_spectrum(takes["laugh"].audio)
    g, plain = envelope_spectrum(takes["plain"].audio)
    # The strongest loudness modulation of the laughing take is the ~5.5 Hz "ha-ha"…
    assert abs(f[np.argmax(laugh)] - 5.5) < 0.4
    # …and it is much stronger there than speech alone is.
    band_l = laugh[np.abs(f - 5.5) < 0.4].max()
    band_p = plain[np.abs(g - 5.5) < 0.4].max()
    assert band_l > 1.4 * band_p


def test_rate_changes_length(takes: dict[str, Speech]) -> None:
    plain = takes["plain"].duration
    assert takes["slow"].duration > 1.15 * plain
    assert takes["quick"].duration < 0.9 * plain


def test_pause_is_leading_silence_and_shifts_timings(takes: dict[str, Speech]) -> None:
    pause = takes["pause"]
    lead = pause.audio[: int(0.95 * PROJECT_RATE)]
    assert np.max(np.abs(lead)) == 0.0
    assert pause.words[0].start >= 1.0
    assert pause.visemes[0].label == "rest" and pause.visemes[0].end >= 1.0
    assert abs(pause.duration - takes["plain"].duration - 1.0) < 0.02


def test_off_screen_is_duller_and_quieter_voice_over_keeps_the_voice(
    takes: dict[str, Speech],
) -> None:
    plain, os_, vo = takes["plain"].audio, takes["os"].audio, takes["vo"].audio
    assert _rms_db(os_) < _rms_db(plain) - 4
    # Muffled: the share of energy above 2 kHz (consonants) drops by more than half.
    assert _high_share(os_) < 0.5 * _high_share(plain)
    # V.O. is the same voice: same length, same pitch.
    assert len(vo) == len(plain)
    assert abs(dsp.median_pitch(vo, PROJECT_RATE) - dsp.median_pitch(plain, PROJECT_RATE)) < 3


def test_emphasis_stresses_the_marked_word(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    b = VoiceEngines()
    text = "I said the room was empty."
    plain = b.speak(FLITE, text, Delivery(), cache)
    stressed = b.speak(FLITE, text, Delivery(emphasis=("empty",)), cache)
    word = next(w for w in stressed.words if w.label == "empty")
    a, z = int(word.start * PROJECT_RATE), int(word.end * PROJECT_RATE)
    others = np.concatenate([stressed.audio[:a], stressed.audio[z:]])
    plain_others = np.concatenate([plain.audio[:a], plain.audio[z:]])
    # Loudness-normalized lines: the stressed word rises against the rest of the line.
    ratio_stressed = _rms_db(stressed.audio[a:z]) - _rms_db(others)
    ratio_plain = _rms_db(plain.audio[a:z]) - _rms_db(plain_others)
    assert ratio_stressed > ratio_plain + 2.5
    # espeak-ng does it natively (SSML); the audio differs.
    e_plain = b.speak(ESPEAK, text, Delivery(), cache)
    e_stressed = b.speak(ESPEAK, text, Delivery(emphasis=("empty",)), cache)
    assert len(e_plain.audio) != len(e_stressed.audio) or not np.allclose(
        e_plain.audio, e_stressed.audio
    )
