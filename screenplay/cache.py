"""Content-addressed on-disk cache shared by every expensive step.

Every expensive result (a synthesized line, a rendered cue, a face layer, an
encoded shot segment) is stored under the hash of *everything that affects
it*.  Keys are built with :func:`digest` from plain data (str, numbers, bools,
None, lists, dicts, bytes, numpy arrays, :class:`pathlib.Path` – hashed by
file content, not by name).  A result is written to a temporary file in the
same directory and renamed into place, so a build that is killed half-way
never leaves a truncated entry behind: an entry either exists whole or not at
all.

Location: ``$SCREENPLAY_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/screenplay``
(``~/.cache/screenplay``).  Tests point ``SCREENPLAY_CACHE_DIR`` at a temporary
directory.

Every entry used by a build has its modification time set to that moment
(:func:`touch`), so the mtime is the entry's *last use*: ``screenplay cache
prune --max-size 5G`` (:func:`prune`) deletes the least recently used entries
first, and ``screenplay cache info`` (:func:`usage`) shows what each namespace
holds.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from screenplay import __version__

#: Bump when the layout of cache entries changes incompatibly.
CACHE_FORMAT = 1


def _feed(h: Any, value: Any) -> None:
    """Feed ``value`` into hash ``h`` in a canonical, type-tagged way."""
    if value is None:
        h.update(b"N")
    elif isinstance(value, bool):
        h.update(b"T" if value else b"F")
    elif isinstance(value, int):
        h.update(b"i" + str(value).encode() + b";")
    elif isinstance(value, float):
        h.update(b"f" + repr(value).encode() + b";")
    elif isinstance(value, str):
        data = value.encode("utf-8")
        h.update(b"s" + str(len(data)).encode() + b":" + data)
    elif isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        h.update(b"b" + str(len(data)).encode() + b":" + data)
    elif isinstance(value, Path):
        h.update(b"p" + file_digest(value).encode())
    elif isinstance(value, dict):
        h.update(b"{")
        for k in sorted(value, key=str):
            _feed(h, str(k))
            _feed(h, value[k])
        h.update(b"}")
    elif isinstance(value, list | tuple):
        h.update(b"[")
        for item in value:
            _feed(h, item)
        h.update(b"]")
    elif hasattr(value, "__array__") and hasattr(value, "dtype"):
        import numpy as np

        arr = np.ascontiguousarray(value)
        h.update(b"a" + str(arr.dtype).encode() + str(arr.shape).encode())
        h.update(arr.tobytes())
    elif hasattr(value, "cache_key"):
        _feed(h, value.cache_key())
    elif hasattr(value, "__dataclass_fields__"):
        import dataclasses

        _feed(h, type(value).__name__)
        _feed(h, {f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
    else:
        raise TypeError(f"cannot hash {type(value).__name__} into a cache key")


def digest(*parts: Any) -> str:
    """A cache key: a stable hex digest of ``parts`` and the package version.

    A new release may change any engine without bumping its own version: its
    results never reuse an older release's.  (Not for seeds: see :func:`stable_digest`.)
    """
    h = hashlib.sha256()
    _feed(h, CACHE_FORMAT)
    _feed(h, __version__)
    _feed(h, list(parts))
    return h.hexdigest()


def stable_digest(*parts: Any) -> str:
    """A hex digest of ``parts`` alone, the same in every release: for seeds.

    A random draw seeded from it (a voice's breath noise) stays the same
    when only the package version changes, so a film rebuilds identically.
    """
    h = hashlib.sha256()
    _feed(h, CACHE_FORMAT)
    _feed(h, list(parts))
    return h.hexdigest()


_FILE_DIGESTS: dict[tuple[str, int, int], str] = {}


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, memoised on (path, size, mtime)."""
    st = path.stat()
    memo_key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    found = _FILE_DIGESTS.get(memo_key)
    if found is None:
        h = hashlib.sha256()
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        found = _FILE_DIGESTS[memo_key] = h.hexdigest()
    return found


def default_cache_dir() -> Path:
    env = os.environ.get("SCREENPLAY_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "screenplay"


@contextmanager
def atomic_path(target: Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    On any exception (including KeyboardInterrupt) the temporary file is
    removed and ``target`` is left untouched.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    # The writer's pid is in the name, so the next build can tell (and delete)
    # the temporaries of a build that was killed (render.segments.sweep_stale).
    suffix = suffix or f".{os.getpid()}{target.suffix or '.tmp'}"
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=suffix + ".part", dir=target.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp makes 0600 files; a film, a lock or an edited source must keep
        # the mode it had, or get the user's usual one.
        try:
            mode = target.stat().st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        if tmp.exists():
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


class Cache:
    """A directory of content-addressed entries, grouped by namespace.

    ``stats`` counts hits and misses per namespace so tests can assert, for
    example, that a second build synthesizes zero lines.
    """

    def __init__(self, root: Path | None = None, *, enabled: bool = True) -> None:
        self.root = Path(root) if root is not None else default_cache_dir()
        self.enabled = enabled
        self.hits: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()

    def path(self, namespace: str, key: str, suffix: str = "") -> Path:
        return self.root / namespace / key[:2] / f"{key}{suffix}"

    # -- raw bytes -----------------------------------------------------------
    def get_bytes(self, namespace: str, key: str, suffix: str = ".bin") -> bytes | None:
        p = self.path(namespace, key, suffix)
        if self.enabled and p.is_file():
            self.hits[namespace] += 1
            touch(p)
            return p.read_bytes()
        self.misses[namespace] += 1
        return None

    def put_bytes(self, namespace: str, key: str, data: bytes, suffix: str = ".bin") -> Path:
        p = self.path(namespace, key, suffix)
        if self.enabled:
            atomic_write_bytes(p, data)
        return p

    # -- numpy arrays (npz keeps several named arrays together) ---------------
    def get_arrays(self, namespace: str, key: str) -> dict[str, Any] | None:
        data = self.get_bytes(namespace, key, ".npz")
        if data is None:
            return None
        import numpy as np

        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as z:
                return {name: z[name] for name in z.files}
        except (OSError, ValueError):
            # An unreadable entry is treated as a miss and recomputed.
            self.hits[namespace] -= 1
            self.misses[namespace] += 1
            return None

    def put_arrays(self, namespace: str, key: str, **arrays: Any) -> None:
        import numpy as np

        buf = io.BytesIO()
        np.savez(buf, **arrays)
        self.put_bytes(namespace, key, buf.getvalue(), ".npz")

    # -- JSON ----------------------------------------------------------------
    def get_json(self, namespace: str, key: str) -> Any | None:
        data = self.get_bytes(namespace, key, ".json")
        if data is None:
            return None
        try:
            return json.loads(data)
        except ValueError:
            self.hits[namespace] -= 1
            self.misses[namespace] += 1
            return None

    def put_json(self, namespace: str, key: str, value: Any) -> None:
        self.put_bytes(namespace, key, json.dumps(value, sort_keys=True).encode("utf-8"), ".json")


# --------------------------------------------------------------------------
# Size and pruning (``screenplay cache``)
# --------------------------------------------------------------------------


def touch(path: Path | str) -> None:
    """Mark a cache entry as used now (its mtime is its last use, for :func:`prune`)."""
    try:
        os.utime(path)
    except OSError:
        pass  # a read-only cache is still a cache; it just cannot be pruned by use


def _entries(root: Path) -> Iterator[tuple[str, Path, os.stat_result]]:
    """``(namespace, path, stat)`` of every entry under ``root`` (temporaries excluded:
    a ``.part`` file belongs to a build that is running or was killed)."""
    if not root.is_dir():
        return
    for ns in sorted(p for p in root.iterdir() if p.is_dir()):
        for dirpath, _, files in os.walk(ns):
            for name in files:
                if name.endswith(".part"):
                    continue
                path = Path(dirpath) / name
                try:
                    yield ns.name, path, path.stat()
                except OSError:
                    continue  # deleted by a concurrent prune or sweep


def usage(root: Path) -> dict[str, tuple[int, int, float]]:
    """Per namespace: ``(entries, bytes, newest use as a timestamp)``."""
    out: dict[str, tuple[int, int, float]] = {}
    for ns, _, st in _entries(root):
        n, size, newest = out.get(ns, (0, 0, 0.0))
        out[ns] = (n + 1, size + st.st_size, max(newest, st.st_mtime))
    return out


def prune(
    root: Path, max_bytes: int, *, keep_recent_s: float = 60.0, dry_run: bool = False
) -> tuple[int, int, int]:
    """Delete least-recently-used entries until the cache holds at most ``max_bytes``.

    Entries used in the last ``keep_recent_s`` seconds are kept whatever the
    size (a build running now may be about to read them).  Returns ``(entries
    removed, bytes freed, bytes left)``.  Each entry is one file, so removing
    one never leaves another half-valid; an empty folder is removed too.
    """
    import time

    entries = sorted(_entries(root), key=lambda e: e[2].st_mtime)
    total = sum(st.st_size for _, _, st in entries)
    now = time.time()
    removed = freed = 0
    for _, path, st in entries:
        if total - freed <= max_bytes:
            break
        if now - st.st_mtime < keep_recent_s:
            break  # sorted by last use: everything after this is newer still
        if not dry_run:
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                continue
            try:
                path.parent.rmdir()  # the two-letter fan-out folder, if now empty
            except OSError:
                pass
        removed += 1
        freed += st.st_size
    return removed, freed, total - freed
