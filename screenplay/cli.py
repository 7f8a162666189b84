"""The ``screenplay`` command: parses arguments and dispatches to ``commands/``.

Each module in :mod:`screenplay.commands` is one subcommand and exposes
``NAME``, ``HELP``, ``configure(parser)`` and ``run(args) -> int``; they are
discovered automatically, so adding a command never touches this file.

Exit status: 0 success, 1 the input has errors (diagnostics were printed),
2 usage errors (argparse's convention).  A user error never shows a Python
traceback; an unexpected internal error prints one line asking for a bug
report (with ``SCREENPLAY_DEBUG=1`` the traceback is shown).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from screenplay import __version__


def _command_modules(only: str | None = None) -> list[object]:
    import screenplay.commands as pkg

    mods = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or (only is not None and info.name != only):
            continue
        mods.append(importlib.import_module(f"screenplay.commands.{info.name}"))
    return mods


#: Commands run on every save (the edit loop): their start-up loads only their own module.
FAST_COMMANDS = ("build", "watch")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="screenplay",
        description="Compile a film written as text (Fountain + production) into an MP4.",
    )
    parser.add_argument("--version", action="version", version=f"screenplay {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for mod in _command_modules(only):
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)  # type: ignore[attr-defined]
        mod.configure(p)  # type: ignore[attr-defined]
        p.set_defaults(_run=mod.run)  # type: ignore[attr-defined]
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    first = args_list[0] if args_list else None
    parser = build_parser(first if first in FAST_COMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args._run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # an internal error: never dress it up as the user's fault
        if os.environ.get("SCREENPLAY_DEBUG"):
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in screenplay, not in your film. "
            "Run again with SCREENPLAY_DEBUG=1 for the traceback.",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
