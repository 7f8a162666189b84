"""What the audience prefers: a Bayesian model per axis, and what to show next.

**Ratings** (1–5) are modelled as additive effects of the axes' values,
``rating = base + Σ_axis effect[axis][value] + noise``, with each axis's
first value as its reference (effect 0).  The prior is conjugate
Normal-Inverse-Gamma: the base near the middle of the scale, every effect
``N(0, σ²)`` (a value is not assumed better than the default), the noise
variance ``σ² ~ InvGamma(2, 1)``.  The posterior is exact (Bayesian linear
regression); draws from it give every variant's expected rating with a 95 %
credible interval — wide with little data, narrowing as ratings arrive.  The
additive model lets a variant nobody has seen borrow strength from the
variants that share its values.

**Watch time** is a Beta posterior per axis value on the fraction of the
film watched (``watched_s / duration_s``, a fractional Bernoulli update from
``Beta(1, 1)``).

**Thompson sampling**: each posterior draw crowns one variant; the share of
draws a variant wins is the probability it is the best, which is how often
Thompson sampling would show it next.  ``next`` lists the variants worth
testing in that order.  Draws come from a fixed seed, so ``tune`` answers
the same for the same feedback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from screenplay.variants.axes import Analysis, Variant
from screenplay.variants.feedback import Record

DRAWS = 4000
SEED = 20261129
PRIOR_BASE = 3.0
PRIOR_BASE_SCALE = 2.0  # sd of the base in units of σ
PRIOR_EFFECT_SCALE = 1.0  # sd of an effect in units of σ
PRIOR_A = 2.0
PRIOR_B = 1.0
NEXT = 3


@dataclass
class Fit:
    """Posterior draws of every variant's expected rating (``samples``: draws × variants)."""

    variants: list[Variant]
    samples: np.ndarray
    effects: dict[str, dict[str, np.ndarray]]  # axis → value → draws
    n_ratings: int
    completion: dict[str, dict[str, tuple[float, float, float, int]]]
    variant_completion: dict[str, tuple[float, float, float, int]]
    counts: dict[str, int]


def _design(analysis: Analysis, choice: dict[str, str]) -> np.ndarray:
    row = [1.0]
    for axis in analysis.axes:
        for value in axis.values[1:]:
            row.append(1.0 if choice.get(axis.name) == value else 0.0)
    return np.array(row)


def fit(
    analysis: Analysis,
    variants: Sequence[Variant],
    records: Sequence[Record],
    *,
    draws: int = DRAWS,
) -> Fit:
    """The posterior given ``records`` (every record's variant must be in ``variants``)."""
    rng = np.random.default_rng(SEED)
    by_id = {v.id: v for v in variants}
    rated = [r for r in records if r.rating is not None]
    k = 1 + sum(len(a.values) - 1 for a in analysis.axes)
    m0 = np.zeros(k)
    m0[0] = PRIOR_BASE
    v0_inv = np.diag([1 / PRIOR_BASE_SCALE**2] + [1 / PRIOR_EFFECT_SCALE**2] * (k - 1))
    if rated:
        x = np.stack([_design(analysis, by_id[r.variant].choice) for r in rated])
        y = np.array([float(r.rating) for r in rated if r.rating is not None])
    else:
        x = np.zeros((0, k))
        y = np.zeros(0)
    vn_inv = v0_inv + x.T @ x
    vn = np.linalg.inv(vn_inv)
    mn = vn @ (v0_inv @ m0 + x.T @ y)
    an = PRIOR_A + len(y) / 2
    bn = PRIOR_B + 0.5 * float(y @ y + m0 @ v0_inv @ m0 - mn @ vn_inv @ mn)
    bn = max(bn, 1e-9)
    sigma2 = bn / rng.gamma(an, 1.0, size=draws)  # InvGamma(an, bn)
    chol = np.linalg.cholesky(vn)
    z = rng.standard_normal((draws, k))
    beta = mn + (z @ chol.T) * np.sqrt(sigma2)[:, None]
    design = np.stack([_design(analysis, v.choice) for v in variants])
    samples = beta @ design.T

    effects: dict[str, dict[str, np.ndarray]] = {}
    col = 1
    for axis in analysis.axes:
        effects[axis.name] = {axis.values[0]: np.zeros(draws)}
        for value in axis.values[1:]:
            effects[axis.name][value] = beta[:, col]
            col += 1

    # Watch time: Beta per axis value and per variant on the fraction watched.
    completion: dict[str, dict[str, tuple[float, float, float, int]]] = {}
    watched = [
        (by_id[r.variant], min(1.0, r.watched_s / r.duration_s))
        for r in records
        if r.watched_s is not None and r.duration_s
    ]

    def beta_summary(fracs: list[float]) -> tuple[float, float, float, int]:
        a = 1.0 + sum(fracs)
        b = 1.0 + sum(1.0 - f for f in fracs)
        d = rng.beta(a, b, size=draws)
        return (a / (a + b), float(np.quantile(d, 0.025)), float(np.quantile(d, 0.975)), len(fracs))

    for axis in analysis.axes:
        completion[axis.name] = {
            value: beta_summary([f for v, f in watched if v.choice.get(axis.name) == value])
            for value in axis.values
        }
    variant_completion = {
        v.id: beta_summary([f for w, f in watched if w.id == v.id]) for v in variants
    }
    counts = {v.id: 0 for v in variants}
    for r in rated:
        counts[r.variant] += 1
    return Fit(list(variants), samples, effects, len(rated), completion, variant_completion, counts)


def _interval(d: np.ndarray) -> list[float]:
    return [round(float(np.quantile(d, 0.025)), 3), round(float(np.quantile(d, 0.975)), 3)]


def summarize(f: Fit, analysis: Analysis) -> dict[str, Any]:
    """The ``tune`` report: axes, variants (best first), ``best`` and ``next``."""
    wins = np.bincount(np.argmax(f.samples, axis=1), minlength=len(f.variants)) / len(f.samples)
    rows: list[dict[str, Any]] = []
    for i, v in enumerate(f.variants):
        c = f.variant_completion[v.id]
        rows.append(
            {
                "id": v.id,
                "choice": dict(v.choice),
                "expected_rating": round(float(f.samples[:, i].mean()), 3),
                "ci95": _interval(f.samples[:, i]),
                "ratings": f.counts[v.id],
                "p_best": round(float(wins[i]), 4),
                "completion": {"mean": round(c[0], 3), "ci95": [round(c[1], 3), round(c[2], 3)]},
            }
        )
    # Best: the highest expected rating; between equals (a variant nobody has seen
    # shares its values' effects), the one the data knows best (narrowest interval).
    order = sorted(
        range(len(rows)),
        key=lambda i: (
            -round(rows[i]["expected_rating"], 2),
            rows[i]["ci95"][1] - rows[i]["ci95"][0],
            rows[i]["id"],
        ),
    )
    ranked = [rows[i] for i in order]
    axes: list[dict[str, Any]] = []
    for axis in analysis.axes:
        values: list[dict[str, Any]] = []
        for value in axis.values:
            d = f.effects[axis.name][value]
            c = f.completion[axis.name][value]
            values.append(
                {
                    "value": value,
                    "effect": round(float(d.mean()), 3),
                    "ci95": _interval(d),
                    "completion": {
                        "mean": round(c[0], 3),
                        "ci95": [round(c[1], 3), round(c[2], 3)],
                        "views": c[3],
                    },
                }
            )
        best_value = max(values, key=lambda v: v["effect"])["value"]
        axes.append({"name": axis.name, "best": best_value, "values": values})
    by_p = sorted(rows, key=lambda r: (-r["p_best"], -r["expected_rating"], r["id"]))
    nxt = [{"id": r["id"], "p_best": r["p_best"]} for r in by_p[:NEXT] if r["p_best"] > 0]
    return {
        "ratings": f.n_ratings,
        "axes": axes,
        "variants": ranked,
        "best": ranked[0] if ranked else None,
        "next": nxt,
        "model": "additive Normal-Inverse-Gamma regression on ratings (effect per axis value); "
        "Beta on the fraction watched; Thompson sampling",
    }
