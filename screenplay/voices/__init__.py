"""Voices: Piper, flite, festival, espeak-ng, Coqui and VITS behind one ``VoiceBackend``.

Importing this package is cheap on purpose: the CLI and the front end import
``screenplay.voices.schema`` (constructors) and ``screenplay.voices.delivery``
without loading any engine.  The shared pipeline (text + voice
spec + delivery → a cached ``Speech``) is ``backend.py``; the engines, one
module each, are the ``tts`` package.  Both load on first use.
"""
