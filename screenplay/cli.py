"""The ``screenplay`` command: parses arguments and dispatches to ``commands/``.

Each module in :mod:`screenplay.commands` is one subcommand and exposes
``NAME``, ``HELP``, ``configure(parser)`` and ``run(args) -> int``; they are
discovered automatically, so adding a command never touches this file.

Exit status: 0 success, 1 the input has errors (diagnostics were printed;
this includes a flag with a bad value, SP0806), 2 usage errors (argparse's
convention: an unknown flag, a missing argument).  Every ``type=`` of every
command goes through a validator from :mod:`screenplay.commands._args`;
:func:`build_parser` wraps any other, so no flag skips validation.

A user error never shows a Python traceback; an unexpected internal error
prints one line asking for a bug report (with ``SCREENPLAY_DEBUG=1`` the traceback is shown).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from pathlib import Path

from screenplay import __version__


def _command_modules(only: str | None = None) -> list[object]:
    import screenplay.commands as pkg

    mods: list[object] = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or (only is not None and info.name != only):
            continue
        mods.append(importlib.import_module(f"screenplay.commands.{info.name}"))
    return mods


class BadFlag(Exception):
    """A flag's value failed its validator (raised out of argparse, reported as SP0806)."""

    def __init__(self, flag: str, value: str, message: str) -> None:
        super().__init__(f"{flag} {value}: {message}")
        self.flag, self.value, self.message = flag, value, message


class _Parser(argparse.ArgumentParser):
    """argparse, except that a validator's refusal leaves argparse as :class:`BadFlag`."""

    def _get_value(self, action: argparse.Action, arg_string: str) -> object:
        from screenplay.commands._args import FlagError

        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError as e:
            if isinstance(e.__context__, FlagError):
                flag = max(action.option_strings, key=len, default="") or action.dest
                raise BadFlag(str(flag), arg_string, str(e.__context__)) from None
            raise


def _require_validators(parser: argparse.ArgumentParser, command: str) -> None:
    """Every typed argument goes through a validator from ``commands._args``.

    A command that declares a plain ``type=`` (``Path``, ``int``, ``Fraction`` …)
    gets it wrapped (:func:`screenplay.commands._args.wrap`): its errors become
    SP0806 like every other flag's, so no flag can reach the code unchecked or
    end in a traceback.
    """
    from screenplay.commands._args import is_validator, wrap

    for action in parser._actions:
        if action.type is not None and not is_validator(action.type):
            action.type = wrap(action.type)  # type: ignore[arg-type]  # a callable here


def _report_bad_flag(err: BadFlag, argv: Sequence[str]) -> None:
    """SP0806 with the command line as the source line and a caret under the bad value."""
    import shlex

    from rich.console import Console

    from screenplay.diagnostics import Diagnostic, Severity
    from screenplay.diagnostics.render import print_diagnostics
    from screenplay.syntax.source import Span

    words = ["screenplay", *argv]
    line, start, end = "", 0, 0
    for i, word in enumerate(words):
        quoted = shlex.quote(word)
        if i:
            line += " "
        if (word == err.value or word.endswith("=" + err.value)) and not end and i:
            end = len(line) + len(quoted)
            start = end - len(shlex.quote(err.value)) if word != err.value else len(line)
        line += quoted
    if not end:
        start, end = len(line), len(line) + 1
    name = "<command line>"
    from screenplay.render.errors import BAD_FLAG

    diag = Diagnostic(
        BAD_FLAG,
        Severity.ERROR,
        f"invalid value for {err.flag}: {err.message}",
        Span(name, 1, start + 1, 1, end + 1),
        f"`screenplay {words[1] if len(words) > 1 else ''} --help` lists the flags",
        label="not valid here",
    )
    print_diagnostics(
        [diag],
        lambda file, n: line if file == name and n == 1 else "",
        console=Console(stderr=True, highlight=False),
    )


def _report_failure(exc: Exception) -> None:
    from rich.console import Console

    from screenplay.backends.protocols import BackendError
    from screenplay.diagnostics import Diagnostic, Severity
    from screenplay.diagnostics.render import print_diagnostics
    from screenplay.syntax.source import Span

    if isinstance(exc, BackendError):
        code, message, help, where = exc.code, exc.message, exc.help, "<screenplay>"
    else:
        assert isinstance(exc, OSError)
        from screenplay.outputs import os_error
        from screenplay.render import errors

        name = exc.filename if isinstance(exc.filename, str) else ""
        if exc.errno in (28, 122):  # ENOSPC, EDQUOT
            err = os_error(exc, Path(name or "."))
        else:
            err = errors.error(
                errors.INPUT_UNREADABLE, f"{name or 'a file'}: {exc.strerror or exc}"
            )
        code, message, help, where = err.code, err.message, err.help, name or "<screenplay>"
    diag = Diagnostic(code, Severity.ERROR, message, Span(where, 0, 0, 0, 0), help)
    print_diagnostics([diag], lambda f, n: "", console=Console(stderr=True, highlight=False))


#: Commands run on every save (the edit loop): their start-up loads only their own module.
FAST_COMMANDS = ("build", "watch")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="screenplay",
        description="Compile a film written as text (Fountain + production) into an MP4.",
    )
    parser.add_argument("--version", action="version", version=f"screenplay {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for mod in _command_modules(only):
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)  # type: ignore[attr-defined]
        mod.configure(p)  # type: ignore[attr-defined]
        _require_validators(p, mod.NAME)  # type: ignore[attr-defined]
        p.set_defaults(_run=mod.run)  # type: ignore[attr-defined]
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    first = argv[0] if argv else None
    parser = build_parser(first if first in FAST_COMMANDS else None)
    try:
        args = parser.parse_args(argv)
    except BadFlag as err:
        _report_bad_flag(err, argv)
        return 1
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return 2
    from screenplay.backends.protocols import BackendError, outside_assets

    try:
        with outside_assets(getattr(args, "allow_outside_assets", False)):
            return int(args._run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except (BackendError, OSError) as exc:
        # The last line of defence for every command: what the user or the
        # machine caused (an engine's refusal, a full disk, a file that cannot be
        # read or written) is a diagnostic, never "a bug in screenplay".
        _report_failure(exc)
        return 1
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
