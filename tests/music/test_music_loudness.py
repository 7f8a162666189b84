"""Meters and the limiter: agreement with pyloudnorm, inter-sample peaks, transparent limiting."""

from __future__ import annotations

import math

import numpy as np
import pyloudnorm
import pytest

from screenplay.backends.protocols import PROJECT_RATE as R
from screenplay.music import loudness
from screenplay.music.loudness import integrated_lufs, limit_true_peak, true_peak_db


@pytest.mark.parametrize("seconds", [0.5, 3.01, 7.1])
def test_integrated_loudness_matches_pyloudnorm(seconds: float) -> None:
    rng = np.random.default_rng(int(seconds * 100))
    n = int(seconds * R)
    x = (rng.standard_normal((n, 2)) * 0.1).astype(np.float32)
    x[: n // 3] *= 0.01  # a quiet stretch the relative gate must drop
    x[n // 2 :, 1] *= 0.3
    ours = integrated_lufs(x)
    ref = pyloudnorm.Meter(R).integrated_loudness(x.astype(np.float64))
    assert ours == pytest.approx(ref, abs=0.01)


def test_reference_tone_reads_minus_3_lufs_per_channel() -> None:
    """BS.1770: a 0 dBFS 997 Hz sine in one channel reads −3.01 LKFS."""
    t = np.arange(5 * R) / R
    x = np.zeros((len(t), 2), np.float32)
    x[:, 0] = np.sin(2 * np.pi * 997 * t)
    assert integrated_lufs(x) == pytest.approx(-3.01, abs=0.05)
    assert integrated_lufs(np.zeros((R, 2), np.float32)) == -math.inf


def test_true_peak_sees_between_samples() -> None:
    n = np.arange(R)
    x = 0.5 * np.sin(2 * np.pi * 12000 * n / R + np.pi / 4)  # samples never hit the crest
    assert 20 * np.log10(np.abs(x).max()) == pytest.approx(-9.03, abs=0.05)
    assert true_peak_db(x) == pytest.approx(-6.02, abs=0.15)


def test_limiter_holds_ceiling_and_leaves_the_rest_alone() -> None:
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((4 * R, 2)) * 0.05).astype(np.float32)
    x[2 * R : 2 * R + 200] *= 30  # a burst far over the ceiling
    y, gain = limit_true_peak(x, -1.0)
    assert gain is not None
    assert true_peak_db(y) <= -1.0 + 1e-3
    assert np.array_equal(y[:R], x[:R])  # a second away from the burst: untouched
    assert np.allclose(y, x * gain[:, None])
    assert np.abs(np.diff(gain)).max() < 0.01  # smooth gain: no distortion clicks
    quiet, none = limit_true_peak(x[:R], -1.0)
    assert none is None and np.array_equal(quiet, x[:R])


def test_meter_is_pyloudnorm_and_scipy_without_importing_them() -> None:
    """The K-weighting, the FIR interpolator and the SOS filter are pyloudnorm's and
    scipy's, bit for bit — and measuring imports neither pyloudnorm nor scipy.signal
    (1.5 s of CPU per build process, paid by every edit)."""
    import subprocess
    import sys

    import pyloudnorm
    from scipy.signal import firwin, sosfilt

    rows = []
    for f in pyloudnorm.Meter(R)._filters.values():
        b = np.asarray(f.b, np.float64) * float(f.passband_gain)
        a = np.asarray(f.a, np.float64)
        rows.append(np.concatenate([b / a[0], a / a[0]]))
    assert np.array_equal(np.asarray(rows, np.float32), loudness._k_weighting(R))
    _, taps, _ = loudness._phases()
    h = (firwin(49, 0.25, window=("kaiser", 6.0)) * 4).astype(np.float32)
    assert np.array_equal(taps, np.stack([h[4 * np.arange(-6, 6) + p + 24] for p in (1, 2, 3)]))
    x = np.random.default_rng(2).standard_normal((2, 30_000)).astype(np.float32)
    zi = np.full((2, 2, 2), 0.1, np.float32)
    got = loudness.sosfilt_rows(loudness._k_weighting(R), x, zi)
    want = sosfilt(loudness._k_weighting(R), x, axis=-1, zi=zi)
    assert all(np.array_equal(g, w) for g, w in zip(got, want, strict=True))
    code = (
        "import sys, numpy as np; from screenplay.music import loudness, mixer; "
        "x = np.random.default_rng(0).standard_normal((96000, 2)).astype(np.float32) * 0.1; "
        "loudness.integrated_lufs(x); loudness.true_peak_db(x); "
        "print(sorted(m for m in ('scipy.signal', 'pyloudnorm') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
