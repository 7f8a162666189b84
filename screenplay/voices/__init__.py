"""Voice engines: Piper, flite, festival and espeak-ng behind one ``VoiceBackend``.

Importing this package is cheap on purpose: the CLI and the front end import
``screenplay.voices.schema`` (constructors) and ``screenplay.voices.delivery``
without loading any engine.  The engines live in ``engine.py`` and
``engines.py`` and are loaded on first use.
"""
