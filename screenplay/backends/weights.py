"""Where model weights live, what they are, and which device runs them.

Shared by the model backends (diffusion faces and sets, Coqui voices, MusicGen
cues).  Nothing here downloads: a model is a folder already on disk, found as

1. the folder the film names (``model="models/sd-turbo"``, resolved against
   the film's folder by the spec builder, or an absolute path);
2. ``$SCREENPLAY_MODELS/<name>`` (``/`` in a hub id may also be written ``--``);
3. the local Hugging Face cache (``$HF_HUB_CACHE``/``$HF_HOME``) through
   ``huggingface_hub.snapshot_download(..., local_files_only=True)``;
4. for Coqui model names, Coqui's own folder (``~/.local/share/tts``).

:func:`model_identity` hashes every file of a model folder (SHA-256), memoised
on disk by (path, size, mtime) in the cache's ``models`` namespace, so a
rebuild of a film with a 5 GB pipeline re-hashes nothing and an edited weight
file changes every cache key that depends on it.  Cheap at import: the
Hugging Face hub and torch are imported inside the functions that need them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from screenplay.backends.protocols import BackendError
from screenplay.cache import Cache, digest, file_digest

#: Environment variable listing folders (``:``-separated) that hold model folders.
MODELS_ENV = "SCREENPLAY_MODELS"
#: Files that are never part of a model's identity (hub bookkeeping, editor litter).
_IGNORED = {".gitattributes", "README.md", ".DS_Store"}


@dataclass(frozen=True)
class Located:
    """A model folder found on disk, and how it was found (for messages and credits)."""

    path: Path
    how: str


def model_dirs() -> list[Path]:
    """Folders named by ``$SCREENPLAY_MODELS``, then ``~/.cache/screenplay/models``."""
    out = [Path(p).expanduser() for p in os.environ.get(MODELS_ENV, "").split(os.pathsep) if p]
    xdg = os.environ.get("XDG_CACHE_HOME")
    out.append((Path(xdg) if xdg else Path.home() / ".cache") / "screenplay" / "models")
    return out


def hf_cache_dir() -> Path:
    """The Hugging Face hub cache this process would read (``HF_HUB_CACHE`` or ``HF_HOME``)."""
    env = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    if env:
        return Path(env).expanduser()
    home = os.environ.get("HF_HOME")
    return (Path(home).expanduser() if home else Path.home() / ".cache" / "huggingface") / "hub"


def coqui_dir() -> Path:
    """Where Coqui's model manager keeps downloaded models (``TTS_HOME`` or XDG data)."""
    home = os.environ.get("TTS_HOME") or os.environ.get("XDG_DATA_HOME")
    return (Path(home).expanduser() if home else Path.home() / ".local" / "share") / "tts"


def places(name: str, *, coqui: bool = False) -> list[str]:
    """Human-readable places :func:`locate` looks for ``name`` (for "needs weights at …")."""
    out = []
    if _looks_like_path(name):
        out.append(name)
    for d in model_dirs():
        out.append(str(d / name.replace("/", "--")))
    if name.count("/") == 1 and not _looks_like_path(name):
        out.append(f"{hf_cache_dir()}/models--{name.replace('/', '--')}")
    if coqui:
        out.append(str(coqui_dir() / name.replace("/", "--")))
    return out


def _looks_like_path(name: str) -> bool:
    return name.startswith(("/", ".", "~"))


def _is_model_dir(p: Path) -> bool:
    try:
        return p.is_dir() and any(p.iterdir())
    except OSError:
        return False


def locate(name: str, *, coqui: bool = False) -> Located | None:
    """The folder holding model ``name`` on this machine, or None.  Never downloads."""
    raw = name.strip()
    if not raw:
        return None
    direct = Path(raw).expanduser()
    if direct.is_absolute():
        return Located(direct, "folder") if direct.exists() else None
    for d in model_dirs():
        for cand in (d / raw, d / raw.replace("/", "--")):
            if _is_model_dir(cand):
                return Located(cand, f"${MODELS_ENV}")
    if "/" in raw and raw.count("/") == 1:
        found = _hf_snapshot(raw)
        if found is not None:
            return Located(found, "Hugging Face cache")
    if coqui:
        cand = coqui_dir() / raw.replace("/", "--")
        if _is_model_dir(cand):
            return Located(cand, "Coqui model folder")
    return None


def _hf_snapshot(repo_id: str) -> Path | None:
    """The cached snapshot of a hub repo, without touching the network."""
    repo_dir = hf_cache_dir() / f"models--{repo_id.replace('/', '--')}"
    if not repo_dir.is_dir():  # cheap: no hub import when the repo was never cached
        return None
    try:
        with offline():
            from huggingface_hub import snapshot_download

            return Path(snapshot_download(repo_id, local_files_only=True, cache_dir=hf_cache_dir()))
    except Exception:  # not cached, partial, or the hub library missing: not found
        snaps = sorted((repo_dir / "snapshots").glob("*"), key=lambda p: p.stat().st_mtime)
        return snaps[-1] if snaps else None


@contextmanager
def offline() -> Iterator[None]:
    """Within the block the Hugging Face libraries refuse the network (no download, ever)."""
    keys = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "DIFFUSERS_OFFLINE")
    old = {k: os.environ.get(k) for k in keys}
    for k in keys:
        os.environ[k] = "1"
    try:
        import huggingface_hub.constants as hc

        old_const: bool | None = bool(hc.HF_HUB_OFFLINE)
        hc.HF_HUB_OFFLINE = True  # read at import time: set the live constant too
    except Exception:
        old_const = None
    try:
        yield
    finally:
        if old_const is not None:
            import huggingface_hub.constants as hc

            hc.HF_HUB_OFFLINE = old_const
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def quiet() -> Iterator[None]:
    """Hugging Face progress bars and chatter off: the build's own rich display owns stderr."""
    import logging

    names = ("transformers", "diffusers", "huggingface_hub", "accelerate")
    old = {n: logging.getLogger(n).level for n in names}
    for n in names:
        logging.getLogger(n).setLevel(logging.ERROR)
    undo = []
    for mod in ("transformers.utils.logging", "diffusers.utils.logging"):
        try:
            import importlib

            lg = importlib.import_module(mod)
            lg.disable_progress_bar()
            lg.set_verbosity_error()
            undo.append(lg)
        except Exception:  # library absent: nothing to silence
            pass
    try:
        import huggingface_hub.utils as hub_utils

        hub_utils.disable_progress_bars()  # type: ignore[attr-defined]
    except Exception:
        pass
    try:
        yield
    finally:
        for n, level in old.items():
            logging.getLogger(n).setLevel(level)


def model_files(folder: Path) -> list[Path]:
    """The files that make up a model (sorted, symbolic links followed, hub litter skipped)."""
    if folder.is_file():
        return [folder]
    out = []
    for root, dirs, files in os.walk(folder, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if f in _IGNORED or f.startswith("."):
                continue
            out.append(Path(root) / f)
    return out


def model_identity(folder: Path, cache: Cache | None) -> str:
    """A digest of every file of a model (relative name + SHA-256 of its bytes).

    Each file's SHA-256 is memoised in ``cache`` (namespace ``models``) under
    its real path, size and modification time, so a multi-gigabyte model is
    read once, not on every build; editing or replacing a file (new size or
    mtime) hashes it again.
    """
    parts = []
    for f in model_files(folder):
        real = Path(os.path.realpath(f))
        st = real.stat()
        memo = digest("file-sha256", str(real), st.st_size, st.st_mtime_ns)
        sha = cache.get_json("models", memo) if cache is not None else None
        if not isinstance(sha, str):
            sha = file_digest(real)
            if cache is not None:
                cache.put_json("models", memo, sha)
        rel = f.relative_to(folder) if folder.is_dir() else Path(f.name)
        parts.append((rel.as_posix(), sha))
    return digest("model", parts)


def identity_of(name: str) -> str:
    """:func:`model_identity` of the model ``name`` names, or ``""`` when it is not found.

    Cheap after the first time (one ``stat`` per file, hashes from the memo); never
    raises, so the front end can put it in specs (a missing model is the engine's
    diagnostic to give).
    """
    try:
        found = locate(name)
        return model_identity(found.path, Cache()) if found is not None else ""
    except (OSError, ValueError):
        return ""


#: (constructor, kinds, default model, Coqui naming) of every model backend, for listings.
MODEL_BACKENDS: tuple[tuple[str, str, bool], ...] = (
    ("diffusion (face, set)", "stabilityai/sd-turbo", False),
    ("musicgen (music)", "facebook/musicgen-small", False),
    ("coqui (voice)", "tts_models/multilingual/multi-dataset/xtts_v2", True),
    ("vits (voice)", "facebook/mms-tts-eng", False),
)


def model_status() -> list[tuple[str, str, str]]:
    """(constructor, default model, "found at …" or "needs weights at …") per model backend."""
    rows = []
    for ctor, model, coqui in MODEL_BACKENDS:
        found = locate(model, coqui=coqui)
        where = (
            f"found at {found.path}"
            if found is not None
            else "needs weights at " + " or ".join(places(model, coqui=coqui))
        )
        rows.append((ctor, model, where))
    return rows


def torch_device() -> str:
    """``"cuda"`` when torch sees a GPU, else ``"cpu"`` (``SCREENPLAY_DEVICE`` overrides)."""
    forced = os.environ.get("SCREENPLAY_DEVICE", "").strip().lower()
    if forced in ("cpu", "cuda"):
        return forced
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def requested_device(params: dict[str, object], needs_cuda: str, help: str) -> str:
    """The device a model backend's ``device=`` asks for: ``"cpu"``, ``"cuda"``, or for
    ``"auto"`` (the default) :func:`torch_device`.

    ``device="cuda"`` on a machine whose torch sees no GPU raises ``needs_cuda`` (each
    backend's own code) with ``help``.
    """
    asked = str(params.get("device") or "auto")
    if asked == "cpu":
        return "cpu"
    import torch

    if asked == "cuda" and not torch.cuda.is_available():
        raise BackendError(
            needs_cuda,
            'device="cuda" was asked for, but torch sees no CUDA GPU on this machine',
            help,
        )
    return torch_device() if asked == "auto" else "cuda"
