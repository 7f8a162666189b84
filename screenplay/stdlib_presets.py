"""Kept so that existing imports keep working: the stdlib's presets are the resolve pass's.

``load_presets`` lives in :mod:`screenplay.passes.resolve` (it runs the real
resolver over a stdlib module), which breaks the old resolve ↔ stdlib_presets
import cycle.  New code imports it from there.
"""

from __future__ import annotations

from screenplay.passes.resolve import MODULE_OF_KIND, load_presets

__all__ = ["MODULE_OF_KIND", "load_presets"]
