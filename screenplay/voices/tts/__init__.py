"""The speech engines, one module each, and :data:`ENGINES`: constructor name → engine.

========================  ==================================================
``base.py``               :class:`~.base.Engine`, its :class:`~.base.Raw` result,
                          subprocess / program / WAV helpers
``espeak.py``             eSpeak NG (``libespeak.py``: its ctypes binding)
``flite.py``              CMU Flite
``festival.py``           Festival
``piper.py``              Piper ONNX voices (``piper_noise.py``: seeded noise)
``coqui.py`` ``vits.py``  neural voices from model folders on disk
========================  ==================================================

Importing this package builds the table and nothing more: every engine module
imports only the standard library and numpy at top level; piper, onnx, torch,
transformers and coqui-tts load when a line is spoken (or a version asked).
The shared pipeline that turns an engine's :class:`~.base.Raw` into a cached
:class:`~screenplay.backends.protocols.Speech` is
:mod:`screenplay.voices.backend`.
"""

from __future__ import annotations

from screenplay.voices.tts.base import Engine, Raw
from screenplay.voices.tts.coqui import Coqui
from screenplay.voices.tts.espeak import Espeak
from screenplay.voices.tts.festival import Festival
from screenplay.voices.tts.flite import Flite
from screenplay.voices.tts.piper import Piper
from screenplay.voices.tts.vits import Vits

__all__ = ["ENGINES", "Engine", "Raw"]

#: Every voice constructor's engine, in the order ``screenplay voices`` lists them.
ENGINES: dict[str, Engine] = {
    e.name: e for e in (Piper(), Flite(), Festival(), Espeak(), Coqui(), Vits())
}
