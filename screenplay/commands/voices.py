"""``screenplay voices``: the voice presets and which engines this machine has.

``--measure`` speaks a sample line with every preset and prints its median
pitch and spectral centroid — the figures that show the presets are
distinct (``--markdown`` prints them as the table in docs/voices.md).
"""

from __future__ import annotations

import argparse
from typing import Any

from screenplay.backends.protocols import AssetSpec

NAME = "voices"
HELP = "list voice presets and the speech engines found on this machine"

SAMPLE_LINE = "It still hasn't begun. The room is empty, and the light is going."


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--measure",
        action="store_true",
        help="speak a sample line with every preset and measure pitch and brightness",
    )
    p.add_argument("--markdown", action="store_true", help="with --measure: print a Markdown table")


def _params_text(spec: AssetSpec) -> str:
    from screenplay.voices.backend import _DEFAULTS

    defaults = _DEFAULTS.get(spec.constructor, {})
    shown = {k: v for k, v in spec.params.items() if defaults.get(k) != v}
    return ", ".join(f"{k}={v!r}" for k, v in shown.items())


def measure(presets: dict[str, AssetSpec], line: str = SAMPLE_LINE) -> list[dict[str, Any]]:
    """Speak ``line`` with every preset (cached); return rows of figures per preset."""
    import time

    from screenplay.backends.protocols import PROJECT_RATE, Delivery
    from screenplay.cache import Cache
    from screenplay.voices import dsp
    from screenplay.voices.backend import backend

    cache = Cache()
    rows = []
    for name, spec in presets.items():
        t0 = time.perf_counter()
        speech = backend().speak(spec, line, Delivery(), cache)
        rows.append(
            {
                "preset": name,
                "engine": spec.constructor,
                "seconds": speech.duration,
                "median_f0_hz": dsp.median_pitch(speech.audio, PROJECT_RATE),
                "centroid_hz": dsp.spectral_centroid(speech.audio, PROJECT_RATE),
                "wall_s": time.perf_counter() - t0,
            }
        )
    return rows


def markdown_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| preset | engine | length (s) | median pitch (Hz) | spectral centroid (Hz) |",
        "|---|---|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['preset']} | {r['engine']} | {r['seconds']:.2f} | "
            f"{r['median_f0_hz']:.0f} | {r['centroid_hz']:.0f} |"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from screenplay.passes.resolve import load_presets
    from screenplay.voices.backend import engine_status

    console = Console(highlight=False)
    presets = load_presets("voice")
    status = {name: (ok, info) for name, ok, info in engine_status()}

    if args.measure:
        usable = {n: s for n, s in presets.items() if status.get(s.constructor, (False, ""))[0]}
        rows = measure(usable)
        if args.markdown:
            console.print(markdown_table(rows), markup=False)
            return 0
        t = Table(title=f"Presets speaking: “{SAMPLE_LINE}”")
        for col in ("preset", "engine", "length s", "median pitch Hz", "centroid Hz", "time s"):
            t.add_column(col, justify="left" if col in ("preset", "engine") else "right")
        for r in rows:
            t.add_row(
                r["preset"],
                r["engine"],
                f"{r['seconds']:.2f}",
                f"{r['median_f0_hz']:.0f}",
                f"{r['centroid_hz']:.0f}",
                f"{r['wall_s']:.2f}",
            )
        console.print(t)
        return 0

    t = Table(title="Voice presets (stdlib/voices.film)")
    t.add_column("preset", style="bold")
    t.add_column("engine")
    t.add_column("parameters")
    t.add_column("description")
    t.add_column("here?")
    for name, spec in presets.items():
        ok = status.get(spec.constructor, (False, ""))[0]
        t.add_row(
            name,
            spec.constructor,
            _params_text(spec),
            spec.label,
            "[green]yes[/]" if ok else "[red]no[/]",
        )
    console.print(t)

    e = Table(title="Speech engines on this machine")
    e.add_column("engine", style="bold")
    e.add_column("available")
    e.add_column("version / how to install")
    for name, (ok, info) in status.items():
        e.add_row(name, "[green]yes[/]" if ok else "[red]no[/]", info)
    console.print(e)

    from screenplay.backends.weights import model_status

    m = Table(title="Model backends (docs/models.md): weights are never downloaded")
    m.add_column("constructor", style="bold")
    m.add_column("default model", overflow="fold")
    m.add_column("weights", overflow="fold")
    for ctor, model, where in model_status():
        m.add_row(ctor, model, where)
    console.print(m)
    return 0
