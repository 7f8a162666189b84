"""The front end as one call: read, parse, resolve and check a film.

``load_film(path)`` is what every command starts with.  It never raises for a
problem in the film: it returns the diagnostics, and a :class:`Film` unless
the file could not be read at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from screenplay.diagnostics import Diagnostic, Diagnostics
from screenplay.diagnostics.codes import FILE_CANNOT_BE_READ, FILE_NOT_FOUND
from screenplay.film import Film
from screenplay.passes.check import check
from screenplay.passes.resolve import resolve
from screenplay.syntax.files import UnusableFile, absolute
from screenplay.syntax.source import Source, Span
from screenplay.variants.select import parse_variant


def read_source(path: Path, diags: Diagnostics) -> Source | None:
    """Read the film the user named: a regular file (or a pipe named on purpose), size-capped."""
    where = Span(str(path), 1, 1, 1, 1)
    try:
        return Source.read(path, str(path), streams=True)
    except UnusableFile as exc:
        if exc.missing:
            diags.report(
                FILE_NOT_FOUND,
                where,
                f"no such file: {path}",
                "check the path; films are .film or .fountain files",
            )
        else:
            diags.report(
                FILE_CANNOT_BE_READ,
                where,
                f"cannot read {path}: {exc.reason}",
                "a film is a text file (.film or .fountain)",
            )
        return None
    except OSError as exc:  # pragma: no cover - read_user_bytes maps every OSError
        diags.report(FILE_CANNOT_BE_READ, where, f"cannot read {path}: {exc.strerror or exc}")
        return None


def load_film(
    path: Path | str, variant: str | Mapping[str, str] | None = None
) -> tuple[Film | None, list[Diagnostic]]:
    """``variant``: an id or ``AXIS=VALUE,…`` (or a choice dict); None builds the lock's
    variant, else the first alternatives (:mod:`screenplay.variants.select`)."""
    path = Path(path)
    diags = Diagnostics()
    source = read_source(path, diags)
    if source is None:
        return None, diags.items
    film = compile_source(source, absolute(path), diags, variant)
    return film, diags.items


def compile_source(
    source: Source,
    path: Path | None,
    diags: Diagnostics,
    variant: str | Mapping[str, str] | None = None,
) -> Film:
    # A film with alternatives (`voice: carlos | joe`) is lowered to one variant
    # here; any other film is parsed exactly as before.
    script = parse_variant(source, path, diags, variant)
    lowered = script.extra.get("lowered_source", source)
    film = resolve(script, lowered, path, diags)
    if lowered is not source:
        # Diagnostics show the file as written (a chosen option keeps its column there).
        film.sources[source.name] = source
    check(film, diags)
    return film
