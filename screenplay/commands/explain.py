"""``screenplay explain CODE``: the longer explanation of a diagnostic code."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.text import Text

from screenplay.diagnostics.codes import explain, registry

NAME = "explain"
HELP = "explain a diagnostic code, e.g. `screenplay explain SP0202` (or list all codes)"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("code", nargs="?", help="a code such as SP0202; omit to list all")


def run(args: argparse.Namespace) -> int:
    console = Console(highlight=False)
    if not args.code:
        for code, entry in sorted(registry().items()):
            console.print(Text.assemble((code, "bold"), f"  {entry.title}"))
        return 0
    found = explain(args.code)
    if found is None:
        console.print(
            Text(f"unknown code {args.code}; `screenplay explain` lists them", style="red")
        )
        return 1
    title, text = found
    console.print(Text.assemble((args.code.upper(), "bold"), ": ", (title, "bold")))
    console.print(Text(text))  # plain text: `[[generate]]` is not rich markup
    return 0
