"""The dialogue model: fills what the script leaves open, and locks the result.

* ``errors``    – diagnostic codes SP07xx and ``[[generate …]]`` argument checks (cheap)
* ``lock``      – the ``FILE.lock`` format (cheap; never imports torch)
* ``prompt``    – prompt building and post-processing into valid Fountain (cheap)
* ``model``     – the transformers causal-LM backend (imports torch lazily)
* ``fill_core`` – one hole: lock first, model only when the lock has no text

Importing this package imports nothing heavy.
"""
