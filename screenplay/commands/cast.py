"""``screenplay cast FILE -o sheet.png``: a contact sheet of the film's faces and sets.

Every character's face (at rest, each mouth shape, a blink) and every set of
the film, in one image, so the writer can look at the casting before a full
build.  The sheet itself is :func:`screenplay.pictures.contact_sheet.contact_sheet`;
this command loads the film through the compiler's API and binds each face
and set with the pictures backend.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

NAME = "cast"
HELP = "Draw a contact sheet of every character's face and every set of a film."


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="the .film file")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="output image (.png or .jpg; default: FILE with -cast.png)",
    )
    parser.add_argument(
        "--width", type=int, default=1600, help="sheet width in pixels (default 1600)"
    )


def _error(code: str, message: str, help_text: str = "") -> int:
    print(f"error[{code}]: {message}", file=sys.stderr)
    if help_text:
        print(f"  = help: {help_text}", file=sys.stderr)
    return 1


def _print_diagnostics(diagnostics: list[Any]) -> None:
    try:
        from screenplay.diagnostics.render import render_diagnostics  # type: ignore[import-not-found]

        print(render_diagnostics(diagnostics), file=sys.stderr)
    except Exception:  # the renderer is optional here: fall back to one line each
        for d in diagnostics:
            print(str(d), file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from screenplay.api import load_film  # type: ignore[attr-defined]
    from screenplay.backends import registry
    from screenplay.backends.protocols import BackendError
    from screenplay.cache import Cache
    from screenplay.pictures.errors import SHEET_EMPTY, SHEET_WRITE_FAILED

    film, diagnostics = load_film(args.file)
    errors = [d for d in diagnostics if getattr(d, "severity", "error") == "error"]
    if diagnostics:
        _print_diagnostics(diagnostics)
    if film is None or errors:
        return 1
    out: Path = args.output or args.file.with_name(args.file.stem + "-cast.png")
    if out.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        return _error(SHEET_WRITE_FAILED, f"cannot write {out}: use a .png or .jpg file name")
    cache = Cache()
    faces: list[tuple[str, Any]] = []
    sets: list[tuple[str, Any]] = []
    try:
        for name, member in film.cast.items():
            spec = getattr(member, "face", None)
            if spec is None:
                continue  # a voice-only character (narrator)
            ctor = registry.lookup("face", spec.constructor)
            if ctor is None:
                continue
            faces.append((name, registry.backend_for(ctor).face(spec, cache)))
        for name, decl in film.sets.items():
            ctor = registry.lookup("set", decl.spec.constructor)
            if ctor is None:
                continue
            sets.append((name, registry.backend_for(ctor).set(decl.spec, decl.scene, cache)))
    except BackendError as exc:
        return _error(exc.code, exc.message, exc.help)
    if not faces and not sets:
        return _error(SHEET_EMPTY, f"{args.file} has no characters with faces and no sets")

    from screenplay.pictures.contact_sheet import contact_sheet
    from screenplay.pictures.errors import CODES

    title = getattr(film, "title", "") or args.file.stem
    sheet = contact_sheet(faces, sets, width=max(640, args.width), title=str(title))
    try:
        from PIL import Image

        Image.fromarray(sheet).save(out)
    except (OSError, ValueError) as exc:
        return _error(
            SHEET_WRITE_FAILED, f"cannot write {out}: {exc}", CODES[SHEET_WRITE_FAILED][1]
        )
    print(f"wrote {out} ({len(faces)} faces, {len(sets)} sets)")
    return 0
