"""screenplay: compile a film written as text into a finished short film.

The package is laid out as a compiler:

* ``syntax/``   – source files, the line classifier and the Lark grammar → AST
* ``passes/``   – one module per compiler pass (resolve, check, fill, bind, timing)
* ``backends/`` – the protocols and registry every asset engine plugs into
* ``voices/``, ``pictures/``, ``music/``, ``dialogue/`` – the built-in engines
* ``render/``   – the compositor and the encoder that lower the timeline to an MP4
* ``cli.py``    – the ``screenplay`` command

Nothing heavy (torch, transformers, OpenCV, PyAV) is imported at start-up;
engines import their libraries lazily when a build needs them.
"""

__version__ = "0.1.0"
