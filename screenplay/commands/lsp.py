"""``screenplay lsp``: run the language server over stdio (for editors; see docs/document.md)."""

from __future__ import annotations

import argparse

NAME = "lsp"
HELP = "run the language server over stdio (VS Code, Neovim, Helix…)"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--stdio", action="store_true", help="talk over stdin/stdout (the default and only mode)"
    )


def run(args: argparse.Namespace) -> int:
    from screenplay.lsp.server import run_stdio

    run_stdio()
    return 0
