"""Safe probing and reading of files a film names (the source, ``use`` modules, assets, the lock).

Every path that comes from a user — a film on the command line, ``use NAME``,
``face: "faces/woman.png"``, ``file(path=…)``, ``FILM.lock`` — goes through
this module, because the obvious calls fail in ways that are not "no such
file": ``Path.is_file()`` raises on a name longer than the file system allows
(ENAMETOOLONG) and on an embedded NUL (ValueError); ``Path.resolve()`` raises
on a symlink loop; ``read_bytes()`` on a FIFO blocks forever and on
``/dev/zero`` reads until memory runs out.

* :func:`probe` says whether a path is a readable regular file, and if not,
  why, in words a diagnostic can print.  It never raises.
* :func:`absolute` resolves a path without ever raising.
* :func:`read_user_bytes` / :func:`read_user_text` read a regular file (or,
  when the caller allows it, a pipe the user named) with a size cap, and raise
  :class:`UnusableFile` (an :class:`OSError`) with the reason otherwise.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

#: The largest film or module read (a feature screenplay is ~200 KB of text).
MAX_SOURCE_BYTES = 16 * 1024 * 1024
#: The largest lock file read.
MAX_LOCK_BYTES = 16 * 1024 * 1024

_ERRNO_REASONS = {
    errno.ENOENT: "no such file",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ENAMETOOLONG: "the path is too long for the file system",
    errno.ELOOP: "the path has a symlink loop",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "it is a folder, not a file",
}


class UnusableFile(OSError):
    """A user-named file that cannot be used; ``reason`` says why in plain words."""

    def __init__(self, path: str | os.PathLike[str], reason: str, missing: bool = False) -> None:
        super().__init__(errno.ENOENT if missing else errno.EINVAL, reason, str(path))
        self.reason = reason
        #: True when the file simply does not exist (callers may say "not found").
        self.missing = missing


def path_problem(path: str | os.PathLike[str]) -> str | None:
    """What makes ``path`` unusable as a name before touching the disk, or None."""
    text = os.fspath(path)
    if "\x00" in text:
        return "the path contains a NUL character"
    if len(os.fsencode(text)) >= 4096 or any(len(os.fsencode(p)) > 255 for p in Path(text).parts):
        return "the path is too long for the file system"
    return None


def probe(path: str | os.PathLike[str]) -> str | None:
    """None if ``path`` is an existing regular file (symlinks followed), else the reason."""
    problem = path_problem(path)
    if problem:
        return problem
    try:
        st = os.stat(path)
    except OSError as exc:
        return _ERRNO_REASONS.get(exc.errno or 0, exc.strerror or "cannot be read")
    except ValueError:
        return "the path cannot be used"
    return _kind_problem(st.st_mode)


def is_regular_file(path: str | os.PathLike[str]) -> bool:
    return probe(path) is None


def _kind_problem(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "it is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "it is a pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "it is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "it is a socket, not a regular file"
    return "it is not a regular file"


def absolute(path: str | os.PathLike[str], base: Path | None = None) -> Path:
    """``path`` made absolute (against ``base``) and resolved where possible; never raises."""
    p = Path(os.fspath(path).replace("\x00", "\\0"))
    if not p.is_absolute() and base is not None:
        p = base / p
    if path_problem(p) is None:
        try:
            return p.resolve()
        except (OSError, RuntimeError, ValueError):
            pass
    return Path(os.path.abspath(p))


def read_user_bytes(
    path: str | os.PathLike[str], max_bytes: int, *, streams: bool = False
) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; raises :class:`UnusableFile`.

    With ``streams=True`` a pipe or character device the user named on purpose
    (``screenplay check /dev/stdin``) is read too, still capped at ``max_bytes``.
    Opening never blocks: without ``streams`` a FIFO is refused; with it, a FIFO with no
    writer reads as empty rather than waiting for one.
    """
    problem = path_problem(path)
    if problem:
        raise UnusableFile(path, problem)
    # Opened non-blocking so that opening a FIFO never waits for a writer.
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        reason = _ERRNO_REASONS.get(exc.errno or 0, exc.strerror or "cannot be read")
        raise UnusableFile(path, reason, missing=exc.errno == errno.ENOENT) from None
    try:
        st = os.fstat(fd)
        kind = _kind_problem(st.st_mode)
        if kind is not None and not (
            streams and (stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode))
        ):
            raise UnusableFile(path, kind)
        if kind is not None:
            # A pipe the user named: read it to its end (a FIFO with no writer reads as empty).
            os.set_blocking(fd, True)
        if kind is None and st.st_size > max_bytes:
            raise UnusableFile(
                path, f"it is too large ({_size(st.st_size)}; at most {_size(max_bytes)})"
            )
        chunks: list[bytes] = []
        total = 0
        while True:
            try:
                chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            except BlockingIOError:
                raise UnusableFile(path, "it is a pipe with nothing to read") from None
            except OSError as exc:
                raise UnusableFile(path, exc.strerror or "cannot be read") from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise UnusableFile(path, f"it is larger than {_size(max_bytes)}")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_user_text(path: str | os.PathLike[str], max_bytes: int, *, streams: bool = False) -> str:
    """:func:`read_user_bytes` decoded as screenplay source text (UTF-8, LF line ends)."""
    from screenplay.syntax.source import decode

    return decode(read_user_bytes(path, max_bytes, streams=streams))


def _size(n: int) -> str:
    if n >= 1 << 20:
        return f"{n / (1 << 20):.0f} MiB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.0f} KiB"
    return f"{n} bytes"
