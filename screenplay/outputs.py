"""Where a command's results land: checked before any work, published together at the end.

Every command that writes files the user asked for (``build``: the MP4 and its
``.srt``/``.vtt``; ``export``: the ``.otio``; ``say``: the WAV; ``cast``: the
contact sheet) goes through this module:

* :func:`check_outputs` runs *before* the expensive work and refuses an output
  that is a folder, whose folder cannot be created or written (probed by
  really creating a temporary file there: permission bits say nothing about a
  read-only mount or ``/proc``), or that is one of the command's *inputs* (the
  film, its lock, a ``use``d module, a face/set/music file): ``build s.film -o
  s.film`` would otherwise replace the screenplay with a film.
* :class:`Staged` hands out a temporary file beside each output; nothing the
  user can see changes until :meth:`Staged.commit` renames all of them onto
  their targets, one after the other, after every one was written and checked.
  On any failure (an exception, Ctrl-C) the temporaries are deleted; after a
  SIGKILL they are left with the writer's pid in their name and the next build
  deletes them (:func:`screenplay.render.segments.sweep_stale`).

Failures the user can fix raise :class:`~screenplay.backends.protocols.BackendError`
with codes from :mod:`screenplay.render.errors`.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screenplay.backends.protocols import BackendError
from screenplay.render import errors

if TYPE_CHECKING:
    from screenplay.film import Film


def film_inputs(film: Film) -> list[Path]:
    """Every file a build of ``film`` reads: the film, its lock, modules, asset files."""
    found: list[Path] = []
    if film.path is not None:
        found += [film.path, film.path.with_name(film.path.name + ".lock")]
    for src in film.sources.values():
        if src.path is not None:
            found.append(Path(src.path))
    specs: list[Any] = [m.face for m in film.cast.values()]
    specs += [m.voice for m in film.cast.values()]
    specs += [s.spec for s in film.sets.values()]
    specs += [c.spec for c in film.cues.values()]
    for kind in film.presets.values():
        specs += list(kind.values())
    for spec in specs:
        for value in getattr(spec, "params", {}).values() if spec is not None else ():
            if isinstance(value, Path):
                found.append(value)
    return found


def _same(a: Path, b: Path) -> bool:
    """The same file: by resolved path, or (for hard links, bind mounts) by inode."""
    try:
        if os.path.realpath(a) == os.path.realpath(b):
            return True
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def check_outputs(outputs: Sequence[Path], inputs: Iterable[Path] = ()) -> None:
    """Refuse outputs that cannot be written or that would overwrite an input (see module doc)."""
    inputs = list(inputs)
    for i, out in enumerate(outputs):
        for other in outputs[:i]:
            if _same(out, other):
                raise errors.error(
                    errors.OUTPUT_IS_INPUT,
                    f"{out} would be written twice (the film and its subtitles share a name)",
                    "name the film with the .mp4 extension",
                )
        for inp in inputs:
            if _same(out, inp):
                raise errors.error(
                    errors.OUTPUT_IS_INPUT,
                    f"writing {out} would overwrite {inp}, which this build reads",
                )
        try:
            is_dir = out.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            raise errors.error(errors.OUTPUT_IS_DIRECTORY, f"{out} is a folder")
    for folder in dict.fromkeys(out.parent for out in outputs):
        probe_folder(folder)


def probe_folder(folder: Path, code: str = errors.OUTPUT_NOT_WRITABLE) -> None:
    """Create ``folder`` if needed and prove a file can be created in it."""
    missing = folder
    while not missing.exists() and missing != missing.parent:
        missing = missing.parent
    if missing.exists() and not missing.is_dir():
        raise errors.error(code, f"cannot write into {folder}: {missing} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".screenplay-probe.", suffix=".part", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as e:
        raise os_error(e, folder, code) from e


def os_error(e: OSError, where: Path, code: str = errors.OUTPUT_NOT_WRITABLE) -> BackendError:
    """The diagnostic for an OSError while writing at ``where`` (full disk, read-only, …)."""
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return errors.error(errors.DISK_FULL, f"the disk is full while writing {where}")
    reason = e.strerror or str(e)
    if e.errno == errno.EROFS:
        reason = "the file system is read-only"
    elif e.errno in (errno.EACCES, errno.EPERM):
        reason = "permission denied"
    elif e.errno in (errno.ENOENT, errno.ENOTDIR):
        reason = "that folder does not accept new files"
    return errors.error(code, f"cannot write into {where}: {reason}")


class Staged:
    """Temporary files beside their targets, published together by :meth:`commit`.

    ::

        with Staged([film, srt, vtt]) as staged:
            write(staged[film]); write(staged[srt]); ...
            staged.commit()          # renames every temporary onto its target

    Leaving the block without ``commit()`` (an exception, Ctrl-C) deletes the
    temporaries and leaves every target as it was.  ``commit`` renames the
    first target last: callers list the main result (the film) first, so it
    is the last to change.
    """

    def __init__(self, targets: Sequence[Path]) -> None:
        self.targets = [Path(t) for t in targets]
        self.temps: dict[Path, Path] = {}
        self.committed = False

    def __enter__(self) -> Staged:
        try:
            for target in self.targets:
                target.parent.mkdir(parents=True, exist_ok=True)
                # The pid in the name lets the next build sweep temporaries of a killed one.
                fd, name = tempfile.mkstemp(
                    prefix=f".{target.name}.",
                    suffix=f".{os.getpid()}{target.suffix or '.out'}.part",
                    dir=target.parent,
                )
                os.close(fd)
                self.temps[target] = Path(name)
        except BaseException:
            self.discard()
            raise
        return self

    def __getitem__(self, target: Path) -> Path:
        return self.temps[Path(target)]

    def __iter__(self) -> Iterator[Path]:
        return iter(self.targets)

    def commit(self) -> None:
        """Give each temporary the mode a new file gets, then rename them all into place."""
        from screenplay.render.subtitles import public_mode

        for target in self.targets:
            try:
                mode = target.stat().st_mode & 0o777
            except OSError:
                mode = public_mode()
            os.chmod(self.temps[target], mode)
        for target in reversed(self.targets):
            os.replace(self.temps[target], target)
        self.committed = True

    def discard(self) -> None:
        for tmp in self.temps.values():
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass

    def __exit__(self, *exc: object) -> None:
        if not self.committed:
            self.discard()


def sidecars(out: Path) -> tuple[Path, Path]:
    """The ``.srt`` and ``.vtt`` written beside a film."""
    return out.with_suffix(".srt"), out.with_suffix(".vtt")
