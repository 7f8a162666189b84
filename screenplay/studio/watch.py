"""Rebuild-on-change: call back whenever a film, or a file it may use, is saved.

One small watchfiles-based function, meant to be shared by ``screenplay
studio`` and ``screenplay watch``: it watches the film's folder (recursively:
faces/, sets/, imported ``.film`` modules) and reports changes only to files
that can change the film — the film itself, other ``.film``/``.fountain``
modules, and image or audio files.  Build outputs (``.mp4``, ``.srt``,
``.vtt``, ``.lock`` — a build may write the lock), editor swap files and
temporary ``.part`` files are ignored, so a build never triggers itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

#: Suffixes whose change can change a film.
FILM_INPUTS = frozenset(
    {
        ".film",
        ".fountain",
        ".png",
        ".jpg",
        ".jpeg",
        ".webp",
        ".bmp",
        ".wav",
        ".mp3",
        ".ogg",
        ".flac",
        ".mid",
        ".midi",
    }
)


def _filter(film: Path) -> Callable[[object, str], bool]:
    from watchfiles import DefaultFilter

    default = DefaultFilter()
    film = film.resolve()

    def accept(change: object, path: str) -> bool:
        p = Path(path)
        if not default(change, path):  # type: ignore[arg-type]
            return False
        if p.name.startswith("."):  # hidden and temporary (.name.part) files
            return False
        return p.resolve() == film or p.suffix.lower() in FILM_INPUTS

    return accept


def watch_film(
    film: Path,
    on_change: Callable[[set[Path]], None],
    *,
    stop: threading.Event | None = None,
    debounce_ms: int = 300,
) -> None:
    """Block, calling ``on_change(changed paths)`` after each burst of saves, until ``stop``."""
    from watchfiles import watch

    for changes in watch(
        film.resolve().parent,
        watch_filter=_filter(film),
        debounce=debounce_ms,
        stop_event=stop,
        raise_interrupt=False,
    ):
        on_change({Path(p) for _, p in changes})
