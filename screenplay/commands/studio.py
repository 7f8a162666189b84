"""``screenplay studio FILE``: the script beside its film in the browser, rebuilt on every save.

Serves a local page (http://127.0.0.1:PORT/, nothing from the network) with the
script on the left — rendered like a screenplay, diagnostics inline — and the
preview film on the right.  Click a line to jump to its beat; the playing beat
is highlighted; saving the file rebuilds the preview and the page reloads it
in place.  Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import shutil

from rich.console import Console

NAME = "studio"
HELP = "open a local page with the script beside its film, rebuilt on every save"


def configure(p: argparse.ArgumentParser) -> None:
    from screenplay.commands import _args

    p.add_argument("file", type=_args.input_path, metavar="FILE")
    p.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    p.add_argument("--no-open", action="store_true", help="do not open a browser")
    p.add_argument("--size", type=_args.size, help="preview frame size, e.g. 320x180")
    p.add_argument("--fps", type=_args.fps, help="preview frame rate, e.g. 12")
    p.add_argument(
        "--fill",
        action="store_true",
        help="let the dialogue model fill unlocked [[generate]] holes (slow); "
        "by default such a hole is shown as an error",
    )


def run(args: argparse.Namespace) -> int:
    import time
    import webbrowser

    from screenplay.api import load_film
    from screenplay.commands._common import report
    from screenplay.studio.app import Studio, StudioServer, new_workdir

    console = Console(stderr=True, highlight=False)
    film, diags = load_film(args.file)
    if film is None:  # unreadable: nothing to show
        report(diags, None, console=console)
        return 1
    workdir = new_workdir()
    studio = Studio(args.file, workdir, size=args.size, fps=args.fps, fill=args.fill)
    server = StudioServer(studio, port=args.port)
    try:
        server.start()
        if not server.wait_started():
            console.print(f"[bold red]error[/]: could not serve on port {args.port} (in use?)")
            return 1
        console.print(f"[bold green]studio[/] {server.url}  (Ctrl-C to stop)")
        if not args.no_open:
            webbrowser.open(server.url)
        while server.threads[0].is_alive():
            time.sleep(0.5)
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
