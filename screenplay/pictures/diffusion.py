"""``diffusion(...)`` faces and sets: pictures from a local text-to-image pipeline.

Any Stable Diffusion / SDXL / SD-Turbo style pipeline that diffusers can load
from a folder (``model_index.json``) works: the folder is found by
:mod:`screenplay.backends.weights` (film folder, ``$SCREENPLAY_MODELS``, the
local Hugging Face cache) and loaded with ``local_files_only=True`` inside an
offline block, so nothing is ever downloaded.

* **Identity**: a character's face is its prompt plus its seed (derived from
  the name when not given), generated with a CPU ``torch.Generator`` so the
  same film gives the same face on every build.  ``reference=`` adds an
  IP-Adapter image prompt (weights from ``ip_adapter=``, also local only).
* **Faces** then go through the photo pipeline (:mod:`.photo`): MediaPipe
  landmarks, cut-out, grading, mouth shapes, blinks, morphs.  An image in
  which no face is found (random or tiny test weights, a bad seed) is shown
  as a still with a soft oval cut-out, with warning SP0533.
* **Sets** are cover-fitted like picture files (:class:`~.engine.FileSet`).
* **Device**: CUDA when torch sees it (float16), else CPU (float32); steps
  and size are chosen per device (:func:`plan`).
* **Cache**: the generated RGB is kept in the ``faces``/``sets`` namespace
  under a key holding every model file's SHA-256 (memoised by size+mtime),
  the prompt, seed, steps, guidance, size, device and the reference photo's
  bytes; the photo preparation (landmarks) is cached on top of it.
"""

from __future__ import annotations

import json
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from screenplay.backends import weights
from screenplay.backends.protocols import AssetSpec, BackendError, BackendWarning, SceneInfo
from screenplay.cache import Cache, digest
from screenplay.pictures import errors
from screenplay.pictures.engine import FileSet
from screenplay.pictures.photo import PhotoFace
from screenplay.pictures.schema import DEFAULT_DIFFUSION_MODEL

#: Bump when generation or post-processing below changes the pixels.
DIFFUSION_VERSION = 1
#: Largest long edge generated on a CPU when `size=0` (a 512² SD-Turbo step is ~10 s there).
CPU_MAX_EDGE = 512

_LOCK = threading.Lock()
_PIPES: dict[tuple[str, str], Any] = {}


@dataclass(frozen=True)
class Plan:
    """How one picture is generated: device, dtype, steps, guidance, width, height."""

    device: str
    steps: int
    guidance: float
    width: int
    height: int


def _turbo(name: str, folder: Path) -> bool:
    """SD-Turbo/SDXL-Turbo/Lightning models want 1–4 steps and no guidance."""
    text = f"{name} {folder}".lower()
    return any(w in text for w in ("turbo", "lightning", "lcm", "hyper"))


def _round(x: float, m: int) -> int:
    return max(m, int(round(x / m)) * m)


def plan(params: dict[str, Any], pipe: Any, kind: str, name: str, folder: Path) -> Plan:
    """Steps, guidance and size for this model on this device (what ``0``/``-1`` mean)."""
    device = _device(params)
    turbo = _turbo(name, folder)
    steps = int(params.get("steps") or 0)
    if steps <= 0:
        steps = (4 if device == "cuda" else 2) if turbo else (30 if device == "cuda" else 12)
    guidance = float(params.get("guidance", -1.0))
    if guidance < 0:
        guidance = 0.0 if turbo else 7.0
    vae_scale = int(getattr(pipe, "vae_scale_factor", 8) or 8)
    unet = getattr(pipe, "unet", None) or getattr(pipe, "transformer", None)
    sample = getattr(getattr(unet, "config", None), "sample_size", None)
    native = int(sample) * vae_scale if isinstance(sample, int) else 512
    edge = int(params.get("size") or 0)
    if edge <= 0:
        edge = native if device == "cuda" else min(native, CPU_MAX_EDGE)
    # sizes must divide by the VAE and by the UNet's downsampling: multiples of 8 latents
    m = vae_scale * 8 if edge >= vae_scale * 32 else vae_scale * 2
    if kind == "set":  # a wide picture for a 16:9 frame, cover-fitted later
        width, height = _round(edge, m), _round(edge * 9 / 16, m)
    else:  # a portrait: a little taller than wide, like a head-and-shoulders photo
        width, height = _round(edge * 0.8, m), _round(edge, m)
    return Plan(device, steps, guidance, width, height)


def _device(params: dict[str, Any]) -> str:
    return weights.requested_device(
        params,
        errors.DIFFUSION_NEEDS_CUDA,
        'Use device="auto" (the CPU here), or build on a machine with a GPU.',
    )


def _require_diffusers() -> None:
    try:
        with weights.quiet():  # transformers chats about optional image processors on import
            import diffusers  # noqa: F401
            import torch  # noqa: F401
    except Exception as exc:  # missing, or a broken install that fails on import
        raise BackendError(
            errors.DIFFUSION_NOT_INSTALLED,
            f"diffusion(...) needs the diffusers package, which cannot be imported here ({exc})",
            "Install the models extra: pip install -e '.[models]'",
        ) from None


def find_model(name: str) -> Path:
    """The pipeline folder for ``model=`` (raises SP0530/SP0531 with where to put it)."""
    found = weights.locate(name)
    if found is None:
        where = "\n  ".join(weights.places(name))
        raise BackendError(
            errors.DIFFUSION_WEIGHTS_MISSING,
            f"no weights for the diffusion model {name!r} on this machine (nothing is downloaded)",
            f"put the diffusers pipeline folder (with model_index.json) at one of:\n  {where}\n"
            'or write model="path/to/folder" relative to the film',
        )
    folder = found.path
    if not (folder / "model_index.json").is_file():
        what = (
            "a single checkpoint file" if folder.is_file() else "a folder without model_index.json"
        )
        raise BackendError(
            errors.DIFFUSION_NOT_A_PIPELINE,
            f"{folder} is not a diffusers pipeline ({what})",
            "save it with pipe.save_pretrained(folder), or copy the whole hub snapshot "
            "(model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/)",
        )
    _check_cpu_capable(folder)
    return folder


def _check_cpu_capable(folder: Path) -> None:
    """SP0532 before loading when a component is quantized for CUDA only (bitsandbytes)."""
    for cfg in sorted(folder.glob("*/config.json")):
        try:
            data = json.loads(cfg.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        quant = data.get("quantization_config") if isinstance(data, dict) else None
        method = str(quant.get("quant_method", "")) if isinstance(quant, dict) else ""
        if method == "bitsandbytes" and weights.torch_device() != "cuda":
            raise BackendError(
                errors.DIFFUSION_NEEDS_CUDA,
                f"{cfg.parent.name} of {folder.name} is quantized with bitsandbytes, which "
                "runs only on a CUDA GPU, and torch sees none here",
                "use the float16/float32 release of the model, or build on a GPU machine",
            )


def load_pipeline(folder: Path, device: str) -> Any:
    """The text-to-image pipeline in ``folder`` on ``device`` (kept for the process)."""
    key = (str(folder), device)
    with _LOCK:
        pipe = _PIPES.get(key)
        if pipe is not None:
            return pipe
        import torch

        dtype = torch.float16 if device == "cuda" else torch.float32
        with weights.offline(), weights.quiet(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                from diffusers import AutoPipelineForText2Image, DiffusionPipeline

                try:
                    pipe = AutoPipelineForText2Image.from_pretrained(  # type: ignore[no-untyped-call]
                        folder, torch_dtype=dtype, local_files_only=True
                    )
                except ValueError:  # a pipeline class AutoPipeline does not map
                    pipe = DiffusionPipeline.from_pretrained(  # type: ignore[no-untyped-call]
                        folder, torch_dtype=dtype, local_files_only=True
                    )
                pipe = pipe.to(device)
            except BackendError:
                raise
            except Exception as exc:
                raise _load_error(folder, exc) from None
        if hasattr(pipe, "set_progress_bar_config"):
            pipe.set_progress_bar_config(disable=True)  # rich owns the terminal
        if getattr(pipe, "safety_checker", None) is not None and device == "cpu":
            pass  # kept: the user's pipeline decides what it filters
        _PIPES[key] = pipe
        return pipe


def _load_error(folder: Path, exc: Exception) -> BackendError:
    text = f"{type(exc).__name__}: {exc}".strip()
    if "cuda" in text.lower() and ("not available" in text.lower() or "deserialize" in text):
        return BackendError(
            errors.DIFFUSION_NEEDS_CUDA,
            f"{folder.name} needs a CUDA GPU to load ({text.splitlines()[0][:200]})",
            "re-save the model on the CPU (map_location='cpu'), or build on a GPU machine",
        )
    return BackendError(
        errors.DIFFUSION_NOT_A_PIPELINE,
        f"diffusers cannot load {folder} as a pipeline: {text.splitlines()[0][:300]}",
        "check that every component folder named in model_index.json is complete",
    )


def _ip_adapter(pipe: Any, params: dict[str, Any], cache: Cache | None) -> tuple[Any, str]:
    """Load the IP-Adapter for ``reference=`` into ``pipe``; (PIL image, identity) or SP0535."""
    ref = params.get("reference")
    if not ref:
        return None, ""
    from PIL import Image

    from screenplay.pictures.photo import load_image

    image = Image.fromarray(load_image(Path(ref))[:, :, :3])
    name = str(params.get("ip_adapter") or "h94/IP-Adapter")
    found = weights.locate(name)
    sdxl = "xl" in type(pipe).__name__.lower()
    sub = "sdxl_models" if sdxl else "models"
    weight = None
    if found is not None:
        cands = sorted((found.path / sub).glob("ip-adapter*.safetensors")) or sorted(
            (found.path / sub).glob("ip-adapter*.bin")
        )
        plain = [c for c in cands if "plus" not in c.name and "face" not in c.name]
        weight = (plain or cands)[0] if (plain or cands) else None
    if found is None or weight is None:
        where = "\n  ".join(weights.places(name))
        raise BackendError(
            errors.IP_ADAPTER_MISSING,
            f"reference= needs IP-Adapter weights ({name}), and none are on this machine",
            f"put the IP-Adapter folder ({sub}/ip-adapter*.safetensors and "
            f"{sub}/image_encoder/) at one of:\n  {where}\nor remove reference=",
        )
    try:
        with weights.offline():
            pipe.load_ip_adapter(
                str(found.path), subfolder=sub, weight_name=weight.name, local_files_only=True
            )
            pipe.set_ip_adapter_scale(float(params.get("ip_scale", 0.6)))
    except Exception as exc:
        raise BackendError(
            errors.IP_ADAPTER_MISSING,
            f"the IP-Adapter in {found.path} cannot be loaded: {str(exc).splitlines()[0][:200]}",
            f"it needs {sub}/{weight.name} and {sub}/image_encoder/ (config.json + weights)",
        ) from None
    return image, weights.model_identity(found.path, cache) + digest(Path(ref))


def default_prompt(kind: str, label: str, scene: SceneInfo | None) -> str:
    """The prompt when ``prompt=""``: the character's or place's name, in a film-still style."""
    if kind == "face":
        who = label.strip().lower() or "a person"
        return (
            f"head and shoulders portrait photo of {who}, facing the camera, neutral "
            "expression, mouth closed, plain background, soft light, film still"
        )
    where = (scene.location if scene else label).strip().lower() or "an empty room"
    inside = "interior" if scene is None or scene.interior is not False else "exterior"
    time = (scene.time if scene else "").lower()
    return f"{inside} of {where}, {time + ', ' if time else ''}empty, wide shot, film still"


def generate(spec: AssetSpec, kind: str, scene: SceneInfo | None, cache: Cache | None) -> Any:
    """(RGB uint8 image, credit) for a diffusion face or set, from the cache when possible."""
    params = dict(spec.params)
    name = str(params.get("model") or DEFAULT_DIFFUSION_MODEL)
    _require_diffusers()
    folder = find_model(name)
    prompt = str(params.get("prompt") or "") or default_prompt(kind, spec.label, scene)
    seed = int(params.get("seed") or 0)
    identity = weights.model_identity(folder, cache)
    device = _device(params)
    base_key = [
        "diffusion", DIFFUSION_VERSION, kind, identity, prompt, str(params.get("negative") or ""),
        seed, int(params.get("steps") or 0), float(params.get("guidance", -1.0)),
        int(params.get("size") or 0), device,
        digest(Path(params["reference"])) if params.get("reference") else "",
        str(params.get("ip_adapter") or ""), float(params.get("ip_scale", 0.6)),
    ]  # fmt: skip
    key = digest(*base_key)
    ns = "faces" if kind == "face" else "sets"
    credit = f"diffusion: {Path(name).name if name.startswith(('/', '.')) else name} (seed {seed})"
    if cache is not None:
        got = cache.get_arrays(ns, key)
        if got is not None:
            return got["rgb"], credit, key
    pipe = load_pipeline(folder, device)
    pl = plan(params, pipe, kind, name, folder)
    rgb = _run(pipe, pl, prompt, str(params.get("negative") or ""), seed, params, cache)
    if cache is not None:
        cache.put_arrays(ns, key, rgb=rgb)
    return rgb, credit, key


def _run(
    pipe: Any,
    pl: Plan,
    prompt: str,
    negative: str,
    seed: int,
    params: dict[str, Any],
    cache: Cache | None,
) -> np.ndarray:
    import torch

    with _LOCK:  # one generation at a time: a GPU (or two CPU cores) has no room for two
        ip_image, _ = _ip_adapter(pipe, params, cache)
        kwargs: dict[str, Any] = {
            "prompt": prompt,
            "num_inference_steps": pl.steps,
            "guidance_scale": pl.guidance,
            "width": pl.width,
            "height": pl.height,
            "generator": torch.Generator("cpu").manual_seed(seed),
            "output_type": "np",
        }
        if negative and pl.guidance > 1:
            kwargs["negative_prompt"] = negative
        if ip_image is not None:
            kwargs["ip_adapter_image"] = ip_image
        try:
            with torch.inference_mode(), weights.quiet(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out = pipe(**kwargs)
        except torch.cuda.OutOfMemoryError:
            raise BackendError(
                errors.DIFFUSION_FAILED,
                f"the GPU ran out of memory generating a {pl.width}×{pl.height} picture",
                "use a smaller size= or fewer steps=",
            ) from None
        except Exception as exc:
            raise BackendError(
                errors.DIFFUSION_FAILED,
                f"generating the picture failed: {type(exc).__name__}: "
                f"{str(exc).splitlines()[0][:200] if str(exc) else ''}",
                "try another size=, steps= or model",
            ) from None
    images = np.asarray(out.images)
    img = images[0] if images.ndim == 4 else images
    if img.dtype != np.uint8:
        img = np.nan_to_num(img.astype(np.float32), nan=0.0)
        img = (np.clip(img, 0.0, 1.0) * 255 + 0.5).astype(np.uint8)
    return np.ascontiguousarray(img[:, :, :3])


def oval_cutout(rgb: np.ndarray) -> np.ndarray:
    """RGBA: the picture inside a soft-edged oval (the still shown when no face is found)."""
    h, w = rgb.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    d = ((xs - w / 2) / (0.46 * w)) ** 2 + ((ys - h * 0.5) / (0.49 * h)) ** 2
    alpha = np.clip((1.0 - d) / 0.12, 0.0, 1.0)
    return np.dstack([rgb, (alpha * 255 + 0.5).astype(np.uint8)])


def face_from_image(rgb: np.ndarray, key: str, credit: str, cache: Cache | None) -> PhotoFace:
    """The photo pipeline on a generated picture (landmarks cached by the picture's key)."""
    from screenplay.pictures.engine import ENGINE_VERSION
    from screenplay.pictures.photo import PREP_VERSION, prepare

    prep_key = digest("diffusion-face", ENGINE_VERSION, PREP_VERSION, key)
    got = cache.get_arrays("faces", prep_key) if cache is not None else None
    if got is not None:
        image, lm = got["image"], np.asarray(got["landmarks"], np.float64)
    else:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", BackendWarning)
            image, found, _method = prepare(rgb, "the generated face")
        for w in caught:  # the photo path's own SP0504/SP0506 are replaced by SP0533 below
            if not issubclass(w.category, BackendWarning):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        lm = np.zeros((0, 2)) if found is None else found
        if found is None:
            image = oval_cutout(rgb)
        if cache is not None:
            cache.put_arrays("faces", prep_key, image=image, landmarks=lm)
    if lm.size == 0:
        warnings.warn(
            BackendWarning(
                errors.DIFFUSION_NO_FACE,
                f"no face found in the generated face ({credit}); it is shown as a still "
                "with an oval cut-out (no lip-sync or blinks)",
            ),
            stacklevel=3,
        )
        return PhotoFace(image, None, credit)
    return PhotoFace(image, lm, credit)


class DiffusionPictures:
    """The :class:`~screenplay.backends.protocols.PictureBackend` of ``diffusion(...)``."""

    def face(self, spec: AssetSpec, cache: Cache) -> PhotoFace:
        rgb, credit, key = generate(spec, "face", None, cache)
        return face_from_image(rgb, key, credit, cache)

    def set(self, spec: AssetSpec, heading: SceneInfo, cache: Cache) -> FileSet:
        rgb, credit, _key = generate(spec, "set", heading, cache)
        return FileSet(rgb, credit)


_BACKEND = DiffusionPictures()


def backend() -> DiffusionPictures:
    return _BACKEND
