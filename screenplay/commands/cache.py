"""``screenplay cache info`` / ``screenplay cache prune --max-size 5G``: the build cache.

Every expensive result (spoken lines, drawn faces and sets, rendered music,
encoded shots and soundtracks, build manifests) lives in one
content-addressed cache (:mod:`screenplay.cache`): ``$SCREENPLAY_CACHE_DIR``
if set, else ``$XDG_CACHE_HOME/screenplay`` (``~/.cache/screenplay``).  It
only grows; ``info`` shows what it holds per namespace, ``prune`` deletes
the least recently used entries (a build marks every entry it uses) until it
fits in ``--max-size``.  Deleting an entry never breaks a film: the next
build that needs it computes it again.
"""

from __future__ import annotations

import argparse

NAME = "cache"
HELP = "show the build cache's size, or prune it to a size (least recently used first)"


def configure(p: argparse.ArgumentParser) -> None:
    from screenplay.commands import _args

    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    sub.add_parser("info", help="where the cache is and what each namespace holds")
    prune = sub.add_parser("prune", help="delete least recently used entries down to a size")
    prune.add_argument(
        "--max-size",
        type=_args.byte_size,
        required=True,
        metavar="SIZE",
        help="what the cache may keep, e.g. 5G or 500M",
    )
    prune.add_argument(
        "--dry-run", action="store_true", help="say what would be deleted, delete nothing"
    )


def format_bytes(n: int) -> str:
    """``1.2 GB`` / ``640 MB`` / ``12 kB`` (decimal units, as file managers show them)."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}" if n < 10 * scale else f"{n / scale:.0f} {unit}"
    return f"{n} B"


def run(args: argparse.Namespace) -> int:
    import datetime

    from rich.console import Console
    from rich.table import Table

    from screenplay.cache import default_cache_dir, prune, usage

    console = Console(highlight=False, soft_wrap=True)
    root = default_cache_dir()
    if args.action == "prune":
        removed, freed, left = prune(root, args.max_size, dry_run=args.dry_run)
        verb = "would delete" if args.dry_run else "deleted"
        console.print(
            f"{root}: {verb} {removed} entries ({format_bytes(freed)}), "
            f"{format_bytes(left)} kept (max {format_bytes(args.max_size)})"
        )
        return 0
    table = Table(title=f"cache: {root}", title_justify="left")
    table.add_column("namespace")
    table.add_column("entries", justify="right")
    table.add_column("size", justify="right")
    table.add_column("last used")
    files = size = 0
    for ns, (n, b, newest) in sorted(usage(root).items()):
        files += n
        size += b
        when = datetime.datetime.fromtimestamp(newest).strftime("%Y-%m-%d %H:%M")
        table.add_row(ns, str(n), format_bytes(b), when)
    table.add_row("[bold]total[/]", f"[bold]{files}[/]", f"[bold]{format_bytes(size)}[/]", "")
    console.print(table)
    console.print(
        "[dim]location: $SCREENPLAY_CACHE_DIR, else $XDG_CACHE_HOME/screenplay "
        "(~/.cache/screenplay); `screenplay cache prune --max-size 5G` keeps the most "
        "recently used 5 GB[/]"
    )
    return 0
