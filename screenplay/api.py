"""The front end as one call: read, parse, resolve and check a film.

``load_film(path)`` is what every command starts with.  It never raises for a
problem in the film: it returns the diagnostics, and a :class:`Film` unless
the file could not be read at all.
"""

from __future__ import annotations

from pathlib import Path

from screenplay.diagnostics import Diagnostic, Diagnostics
from screenplay.film import Film
from screenplay.passes.check import check
from screenplay.passes.resolve import resolve
from screenplay.syntax.parser import parse_source
from screenplay.syntax.source import Source, Span


def read_source(path: Path, diags: Diagnostics) -> Source | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        diags.error(
            "SP0304",
            Span(str(path), 1, 1, 1, 1),
            f"no such file: {path}",
            "check the path; films are .film or .fountain files",
        )
        return None
    except IsADirectoryError:
        diags.error("SP0304", Span(str(path), 1, 1, 1, 1), f"{path} is a folder, not a film")
        return None
    except OSError as exc:
        diags.error("SP0304", Span(str(path), 1, 1, 1, 1), f"cannot read {path}: {exc.strerror}")
        return None
    return Source.from_bytes(str(path), data, path)


def load_film(path: Path | str) -> tuple[Film | None, list[Diagnostic]]:
    path = Path(path)
    diags = Diagnostics()
    source = read_source(path, diags)
    if source is None:
        return None, diags.items
    film = compile_source(source, path.resolve(), diags)
    return film, diags.items


def compile_source(source: Source, path: Path | None, diags: Diagnostics) -> Film:
    script, _ = parse_source(source, diags)
    film = resolve(script, source, path, diags)
    check(film, diags)
    return film
