"""``screenplay cast FILE -o sheet.png``: a contact sheet of the film's faces and sets.

Every character's face (at rest, each mouth shape, a blink) and every set of
the film, in one image, so the writer can look at the casting before a full
build.  The sheet itself is :func:`screenplay.pictures.contact_sheet.contact_sheet`;
this command loads the film through the compiler's API (parse, resolve,
check) and binds each face and set with the pictures backend.  Engine
failures (a missing photo…) and warnings (no face found…) are reported as
diagnostics at the declaration that asked for the picture.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path
from typing import Any

from screenplay.commands import _args

NAME = "cast"
HELP = "draw a contact sheet of every character's face and every set of a film"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=_args.input_path, metavar="FILE", help="the .film file")
    parser.add_argument(
        "-o",
        "--output",
        type=_args.output_path,
        default=None,
        help="output image, .png or .jpg (default: FILE-cast.png beside the film)",
    )
    parser.add_argument(
        "--width", type=_args.sheet_width, default=1600, help="sheet width in pixels (default 1600)"
    )
    _args.allow_outside_assets(parser)


def _bind(kind: str, spec: Any, make: Any, span: Any, diags: Any, path: Path) -> Any | None:
    """Build one picture; turn engine errors and warnings into diagnostics at ``span``."""
    from screenplay.backends.protocols import (
        BackendError,
        BackendWarning,
        caught_backend_warnings,
    )
    from screenplay.syntax.source import Span

    where = span if span is not None else Span(str(path), 1, 1, 1, 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", BackendWarning)
        try:
            made = make(spec)
        except BackendError as exc:
            diags.error(exc.code, where, exc.message, exc.help)
            return None
    for w in caught_backend_warnings(caught):
        diags.warning(w.code, where, w.message, w.help)
    return made


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from screenplay.api import load_film
    from screenplay.backends import registry
    from screenplay.cache import Cache
    from screenplay.commands._common import outputs_ok, progress_bar, report
    from screenplay.diagnostics import Diagnostics
    from screenplay.pictures.errors import CODES, SHEET_EMPTY, SHEET_WRITE_FAILED
    from screenplay.syntax.source import Span

    film, loaded = load_film(args.file)
    diags = Diagnostics(list(loaded))
    if film is None or diags.has_errors:
        report(diags, film)
        return 1
    out: Path = args.output or args.file.with_name(args.file.stem + "-cast.png")
    file_span = Span(str(args.file), 1, 1, 1, 1)
    if out.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        diags.error(
            SHEET_WRITE_FAILED,
            file_span,
            f"cannot write {out}: use a .png or .jpg name",
            CODES[SHEET_WRITE_FAILED][1],
        )
        report(diags, film)
        return 1
    if not outputs_ok([out], film, diags):
        report(diags, film)
        return 1
    cache = Cache()
    faces: list[tuple[str, Any]] = []
    sets: list[tuple[str, Any]] = []
    # Faces and sets come from the pictures cache when they were drawn before (by
    # an earlier `cast` or `build`); drawing a new one takes seconds: show progress.
    people = [
        (name, member)
        for name, member in film.cast.items()
        if member.face is not None and not (name == "NARRATOR" and film.narrated)
    ]
    console = Console(stderr=True, highlight=False)
    with progress_bar(console, transient=True) as bar:
        task = bar.add_task("Faces", total=len(people))
        for name, member in people:
            fspec = member.face
            assert fspec is not None  # people have faces (filtered above)
            bar.update(task, description=f"Face of {name}")
            ctor = registry.lookup("face", fspec.constructor)
            if ctor is not None:  # else the check pass has reported it
                face = _bind(
                    "face",
                    fspec,
                    lambda s, c=ctor: registry.backend_for(c).face(s, cache),
                    member.span,
                    diags,
                    args.file,
                )
                if face is not None:
                    faces.append((name, face))
            bar.advance(task)
        task = bar.add_task("Sets", total=len(film.sets))
        for name, decl in film.sets.items():
            bar.update(task, description=f"Set {name}")
            sspec = decl.spec
            assert sspec is not None  # resolve gives every set a picture
            ctor = registry.lookup("set", sspec.constructor)
            if ctor is not None:
                stage = _bind(
                    "set",
                    sspec,
                    lambda s, c=ctor, d=decl: registry.backend_for(c).set(s, d.scene, cache),
                    decl.span,
                    diags,
                    args.file,
                )
                if stage is not None:
                    sets.append((name, stage))
            bar.advance(task)
    if not diags.has_errors and not faces and not sets:
        diags.error(
            SHEET_EMPTY,
            file_span,
            f"{args.file} has no characters with faces and no sets",
            CODES[SHEET_EMPTY][1],
        )
    if diags.has_errors:
        report(diags, film)
        return 1

    from PIL import Image

    from screenplay.pictures.contact_sheet import contact_sheet

    title = film.title.get("title", "")
    sheet = contact_sheet(faces, sets, width=max(640, args.width), title=title or args.file.stem)
    from screenplay.outputs import Staged

    try:
        with Staged([out]) as staged:
            Image.fromarray(sheet).save(
                staged[out], format="PNG" if out.suffix.lower() == ".png" else "JPEG"
            )
            staged.commit()
    except (OSError, ValueError) as exc:
        diags.error(
            SHEET_WRITE_FAILED,
            file_span,
            f"cannot write {out}: {exc}",
            CODES[SHEET_WRITE_FAILED][1],
        )
        report(diags, film)
        return 1
    report(diags, film)  # warnings (e.g. a photo with no face) still deserve a look
    print(f"wrote {out} ({len(faces)} faces, {len(sets)} sets)")
    return 0
