"""The build manifest: "nothing changed → nothing done" in well under a second.

After a successful build, :func:`record` writes a small JSON manifest (cache
namespace ``manifests``, one per output file) listing everything the film
was made from and what was made:

* **inputs** – the screenplay, its lock file (or the fact that there was
  none), every module it ``use``\\ s and every local asset file its
  declarations name (faces, sets, music), each with size, mtime and SHA-256;
* **settings** – quality, size, frame rate, burn-in, ``--locked``, output;
* **engine** – a digest of this package's code, grammar and stdlib, the
  Python version, the installed distributions (the ``*.dist-info`` names
  carry their versions) and the external programs the engines run;
* **outputs** – the MP4 and its sidecars, with size and mtime.

:func:`check` compares all of that to the present without importing the
compiler (only the standard library): unchanged inputs are recognised by
size and mtime, a touched file by its hash.  If everything matches, the
film on disk is exactly what a build would write, and the build is skipped.
Anything unrecognisable (no manifest, a corrupt one, a missing output) just
means "build".
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: Bump when the manifest's layout or meaning changes.
MANIFEST_VERSION = 1
#: Programs whose version can change a film's bytes (voices, music, media tools).
PROGRAMS = ("espeak-ng", "flite", "festival", "text2wave", "fluidsynth", "sox", "ffmpeg")
_ROOT = Path(__file__).resolve().parent


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _tree_digest(folders: Iterable[Path], suffixes: tuple[str, ...]) -> str:
    """Digest of the code that compiles films (every source file's name and bytes)."""
    h = hashlib.sha256()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix in suffixes and path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(folder.parent)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def _distributions() -> list[str]:
    """Installed distributions with versions, from the ``*.dist-info`` folder names (fast)."""
    names: set[str] = set()
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as it:
                names.update(e.name for e in it if e.name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return sorted(names)


def _programs() -> list[list[Any]]:
    out: list[list[Any]] = []
    for name in PROGRAMS:
        exe = shutil.which(name)
        if exe is None:
            out.append([name, None])
            continue
        st = os.stat(exe)
        out.append([name, exe, st.st_size, st.st_mtime_ns])
    return out


def engine_key() -> str:
    """What, besides the inputs, decides the film's bytes: code, packages, programs."""
    h = hashlib.sha256()
    parts = [
        MANIFEST_VERSION,
        _tree_digest(
            [_ROOT, _ROOT.parent / "grammar", _ROOT.parent / "stdlib"],
            (".py", ".lark", ".film", ".ttf"),
        ),
        sys.version,
        _distributions(),
        _programs(),
    ]
    h.update(json.dumps(parts, sort_keys=True, default=str).encode())
    return h.hexdigest()


def settings_key(out: Path, **settings: Any) -> dict[str, Any]:
    return {"output": str(out.resolve()), **{k: str(v) for k, v in sorted(settings.items())}}


def manifest_path(cache_root: Path, out: Path) -> Path:
    name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()
    return Path(cache_root) / "manifests" / name[:2] / f"{name}.json"


def _stat(path: Path) -> list[Any] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _outputs(out: Path) -> list[Path]:
    return [out, out.with_suffix(".srt"), out.with_suffix(".vtt")]


def used_files(film: Any) -> list[Path]:
    """The files a film was built from: source, modules, lock, local asset files."""
    files: list[Path] = []
    if film.path is not None:
        files.append(Path(film.path))
        files.append(Path(film.path).with_name(Path(film.path).name + ".lock"))
    for src in film.sources.values():
        if getattr(src, "path", None) is not None:
            files.append(Path(src.path))
    base = Path(film.base_dir)
    specs: list[Any] = []
    for member in film.cast.values():
        specs += [member.face, member.voice]
    specs += [s.spec for s in film.sets.values()]
    specs += [c.spec for c in film.cues.values()]
    for group in film.presets.values():
        specs += list(group.values())
    for spec in specs:
        for value in _leaves(getattr(spec, "params", None)):
            p = value if isinstance(value, Path) else None
            if isinstance(value, str) and 0 < len(value) < 4096 and "\0" not in value:
                p = Path(value)
            if p is None:
                continue
            p = p if p.is_absolute() else base / p
            try:
                if p.is_file():
                    files.append(p)
            except OSError:
                continue
    seen: dict[str, Path] = {}
    for f in files:
        seen.setdefault(str(f.resolve()), f.resolve())
    return list(seen.values())


def _leaves(value: Any, depth: int = 0) -> Iterable[Any]:
    if depth > 6 or value is None:
        return
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v, depth + 1)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _leaves(v, depth + 1)
    elif hasattr(value, "params"):
        yield from _leaves(value.params, depth + 1)
    else:
        yield value


def record(
    cache_root: Path,
    out: Path,
    inputs: Iterable[Path],
    settings: dict[str, Any],
    summary: str,
    engine: str | None = None,
) -> Path:
    """Write the manifest of a build that just succeeded (atomically)."""
    entries = []
    for path in inputs:
        st = _stat(path)
        entries.append([str(path), *(st or [None, None]), _sha256(path) if st else None])
    outputs = []
    for path in _outputs(out):
        st = _stat(path)
        if st is not None:
            outputs.append([str(path.resolve()), *st])
    data = {
        "version": MANIFEST_VERSION,
        "engine": engine or engine_key(),
        "settings": settings,
        "inputs": entries,
        "outputs": outputs,
        "summary": summary,
    }
    target = manifest_path(cache_root, out)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(tmp, target)
    return target


def check(cache_root: Path, out: Path, settings: dict[str, Any]) -> str | None:
    """The summary of the last build if ``out`` is up to date, else None."""
    try:
        data = json.loads(manifest_path(cache_root, out).read_text(encoding="utf-8"))
        if data.get("version") != MANIFEST_VERSION or data.get("settings") != settings:
            return None
        outputs = data["outputs"]
        if not outputs or outputs[0][0] != str(out.resolve()):
            return None  # the film itself must be there
        for path, size, mtime in outputs:
            if _stat(Path(path)) != [size, mtime]:
                return None
        for path, size, mtime, sha in data["inputs"]:
            p = Path(path)
            st = _stat(p)
            if st is None or sha is None:
                if (st is None) != (sha is None):
                    return None  # appeared or vanished
                continue
            if st != [size, mtime] and _sha256(p) != sha:
                return None
        if data["engine"] != engine_key():
            return None
        return str(data.get("summary", ""))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
