"""Constructor schemas of the pictures engines (cheap: imports nothing heavy).

Faces (kind ``face``): ``portrait(...)`` draws a procedural illustrated
portrait; ``file(path)`` uses the writer's own photo or painting.
Sets (kind ``set``): ``room(...)`` draws an interior, ``exterior(...)`` an
outdoor place, ``file(path)`` uses the writer's own picture.

Choice parameters default to ``"auto"``: the engine then picks a value from
the spec's ``seed`` (for portraits) or from the scene heading (for sets), so
an undeclared character or an undeclared set still gets a stable, distinct
look.  The implementation is :mod:`screenplay.pictures.engine`.
"""

from __future__ import annotations

import re

from screenplay.backends.protocols import Constructor, Param, SceneInfo

ENGINE = "screenplay.pictures.engine"
AUTO = "auto"

_PLACE_WORDS = {
    "STREET": "street",
    "ROAD": "street",
    "ALLEY": "street",
    "AVENUE": "street",
    "SIDEWALK": "street",
    "FOREST": "forest",
    "WOODS": "forest",
    "WOOD": "forest",
    "JUNGLE": "forest",
    "FIELD": "field",
    "MEADOW": "field",
    "FARM": "field",
    "COUNTRYSIDE": "field",
    "BEACH": "beach",
    "SEA": "beach",
    "SHORE": "beach",
    "OCEAN": "beach",
    "COAST": "beach",
    "HARBOR": "beach",
    "HARBOUR": "beach",
    "LAKE": "beach",
    "CITY": "city",
    "ROOFTOP": "city",
    "SKYLINE": "city",
    "DOWNTOWN": "city",
    "BRIDGE": "city",
    "GARDEN": "garden",
    "YARD": "garden",
    "BACKYARD": "garden",
    "DESERT": "desert",
    "MOUNTAIN": "mountains",
    "MOUNTAINS": "mountains",
    "HILLS": "mountains",
    "CLIFF": "mountains",
    "PARK": "park",
    "CEMETERY": "park",
}


def location_words(location: str) -> list[str]:
    return re.findall(r"[A-ZÀ-Ý]+", location.upper())


def place_for(location: str) -> str | None:
    """The exterior kind a location names (``"DARK FOREST"`` → ``"forest"``), or None."""
    for w in location_words(location):
        if w in _PLACE_WORDS:
            return _PLACE_WORDS[w]
    return None


def set_constructor_for(scene: SceneInfo) -> str:
    """The one rule for an undeclared picture of a set: ``exterior`` or ``room``.

    EXT./EST. headings are outdoors and INT. indoors; a heading that says
    neither (``.BEACH``, a ``set`` declared without a heading) is outdoors when
    its location names a place (:func:`place_for`).  The front end's auto-set
    (``passes.resolve.auto_set``) is the only caller, so ``build`` and
    ``screenplay cast`` can never disagree.
    """
    if scene.interior is None:
        return "exterior" if place_for(scene.location) is not None else "room"
    return "room" if scene.interior else "exterior"


PRESENTATIONS = ("feminine", "masculine", "androgynous")
SKINS = ("porcelain", "fair", "light", "medium", "olive", "tan", "brown", "dark", "deep")
HAIR_STYLES = (
    "bald",
    "buzz",
    "short",
    "side-part",
    "curly",
    "bob",
    "long",
    "ponytail",
    "bun",
    "afro",
)
HAIR_COLOURS = (
    "black",
    "dark-brown",
    "brown",
    "auburn",
    "red",
    "blonde",
    "platinum",
    "grey",
    "white",
)
EYE_COLOURS = ("brown", "dark", "hazel", "green", "blue", "grey")
FACE_SHAPES = ("oval", "round", "square", "long", "heart")
BEARDS = ("none", "stubble", "mustache", "full")
GLASSES = ("none", "round", "square")
CLOTHING = ("shirt", "tshirt", "sweater", "jacket", "suit", "dress", "coat")
EXPRESSIONS = ("neutral", "smile", "serious", "sad")
FACE_BACKGROUNDS = ("none", "soft", "studio")

PALETTES = ("bare", "warm", "cool", "pastel", "dark", "green")
WINDOWS = ("left", "right", "center", "none")
LIGHTS = ("day", "night", "dusk", "dawn")
PLACES = ("street", "forest", "field", "beach", "city", "garden", "desert", "mountains", "park")
FURNITURE = ("none", "chair", "table", "bed", "sofa", "desk", "shelves")


def _auto(choices: tuple[str, ...]) -> tuple[str, ...]:
    return (AUTO, *choices)


_SEED = Param("seed", "int", None, "Random seed; every 'auto' choice is derived from it.", min=0)
_PATH = Param("path", "path", None, "A PNG/JPEG/WebP file, relative to the .film file.")

PORTRAIT = Constructor(
    name="portrait",
    kind="face",
    doc=(
        "A procedural illustrated portrait (flat-colour, cel-shaded head and shoulders) "
        "that can talk (mouth shapes per viseme) and blink. Deterministic: the same "
        "parameters and seed always draw the same face."
    ),
    module=ENGINE,
    params=(
        _SEED,
        Param(
            "age",
            "int",
            None,
            "Age in years (5–95); drives wrinkles, greying, proportions.",
            min=5,
            max=95,
        ),
        Param(
            "presentation",
            "choice",
            AUTO,
            "Feminine, masculine or androgynous features.",
            choices=_auto(PRESENTATIONS),
        ),
        Param("skin", "choice", AUTO, "Skin tone.", choices=_auto(SKINS)),
        Param("hair", "choice", AUTO, "Hair style.", choices=_auto(HAIR_STYLES)),
        Param("hair_color", "choice", AUTO, "Hair colour.", choices=_auto(HAIR_COLOURS)),
        Param("eye_color", "choice", AUTO, "Iris colour.", choices=_auto(EYE_COLOURS)),
        Param("face_shape", "choice", AUTO, "Outline of the face.", choices=_auto(FACE_SHAPES)),
        Param(
            "beard",
            "choice",
            AUTO,
            "Facial hair ('auto' gives none for feminine faces).",
            choices=_auto(BEARDS),
        ),
        Param("glasses", "choice", "none", "Spectacles.", choices=GLASSES),
        Param(
            "expression",
            "choice",
            "neutral",
            "Resting expression (brows, mouth corners).",
            choices=EXPRESSIONS,
        ),
        Param("clothing", "choice", AUTO, "What they wear.", choices=_auto(CLOTHING)),
        Param("clothing_color", "str", AUTO, "A colour name (e.g. 'white', 'navy') or '#rrggbb'."),
        Param(
            "background",
            "choice",
            "none",
            "'none' is transparent (for compositing over the set); 'soft'/'studio' "
            "paint a backdrop (contact sheets, stand-alone portraits).",
            choices=FACE_BACKGROUNDS,
        ),
        Param("background_color", "str", AUTO, "Backdrop colour name or '#rrggbb'."),
    ),
)

FACE_FILE = Constructor(
    name="file",
    kind="face",
    doc=(
        "The writer's own photo or painting of the character. A face in it is located "
        "with MediaPipe face mesh so the mouth opens per viseme and the eyes blink by "
        "mesh warping; with no detectable face it is shown as a still (warning SP0504)."
    ),
    module=ENGINE,
    params=(_PATH,),
)

ROOM = Constructor(
    name="room",
    kind="set",
    doc=(
        "A procedural interior in one-point perspective: back wall, side walls, floor, "
        "an optional window and door, light graded by the time of day of the scene "
        "heading (or `light=`)."
    ),
    module=ENGINE,
    params=(
        _SEED,
        Param(
            "palette", "choice", AUTO, "Colour scheme of walls and floor.", choices=_auto(PALETTES)
        ),
        Param("window", "choice", AUTO, "Where the window is, or none.", choices=_auto(WINDOWS)),
        Param("door", "bool", None, "Draw a door (default: derived from the seed)."),
        Param(
            "light",
            "choice",
            AUTO,
            "Time of day; 'auto' reads the scene heading.",
            choices=_auto(LIGHTS),
        ),
        Param(
            "furniture",
            "choice",
            AUTO,
            "One piece of furniture ('auto' reads the place words: KITCHEN → table…).",
            choices=_auto(FURNITURE),
        ),
        Param("wall_color", "str", AUTO, "Override the wall colour (name or '#rrggbb')."),
        Param("lamp", "bool", None, "A ceiling lamp (default: on at night)."),
    ),
)

EXTERIOR = Constructor(
    name="exterior",
    kind="set",
    doc=(
        "A procedural outdoor place (street, forest, field, beach, city, garden, desert, "
        "mountains, park) drawn as layered silhouettes with aerial perspective; sky and "
        "light graded by the time of day."
    ),
    module=ENGINE,
    params=(
        _SEED,
        Param(
            "place",
            "choice",
            AUTO,
            "Kind of place; 'auto' reads the scene heading.",
            choices=_auto(PLACES),
        ),
        Param(
            "light",
            "choice",
            AUTO,
            "Time of day; 'auto' reads the scene heading.",
            choices=_auto(LIGHTS),
        ),
        Param("palette", "choice", AUTO, "Colour scheme.", choices=_auto(PALETTES)),
    ),
)

SET_FILE = Constructor(
    name="file",
    kind="set",
    doc="The writer's own picture of the place (cover-fitted to the frame).",
    module=ENGINE,
    params=(_PATH,),
)

# -- diffusion(...): faces and sets from a local text-to-image model --------------------
DIFFUSION_MODULE = "screenplay.pictures.diffusion"
#: The model a diffusion(...) face or set uses unless `model=` says otherwise.
DEFAULT_DIFFUSION_MODEL = "stabilityai/sd-turbo"
DEVICES = ("auto", "cpu", "cuda")


def _diffusion_params(kind: str) -> tuple[Param, ...]:
    what = "the character" if kind == "face" else "the place"
    return (
        Param("prompt", "str", "", f"What {what} looks like ('' describes it from its name)."),
        Param("negative", "str", "", "What the picture must not show (negative prompt)."),
        _SEED,
        Param(
            "model",
            "model",
            DEFAULT_DIFFUSION_MODEL,
            "A diffusers pipeline folder (relative to the film) or a model id found in "
            "$SCREENPLAY_MODELS or the local Hugging Face cache. Never downloaded.",
        ),
        Param("steps", "int", 0, "Denoising steps (0: chosen for the model and device).", min=0),
        Param(
            "guidance",
            "float",
            -1.0,
            "Classifier-free guidance (-1: 0 for turbo models, 7 otherwise).",
            min=-1,
            max=30,
        ),
        Param(
            "size",
            "int",
            0,
            "Long edge in pixels (0: the model's native size, at most 512 on a CPU).",
            min=0,
            max=2048,
        ),
        Param(
            "device", "choice", "auto", "Where to run: auto (GPU when present).", choices=DEVICES
        ),
    )


DIFFUSION_FACE = Constructor(
    name="diffusion",
    kind="face",
    doc=(
        "A face generated by a local Stable Diffusion / SDXL / SD-Turbo pipeline (diffusers), "
        "the same for a character on every build (fixed prompt and seed), then animated like a "
        "photo: landmarks, cut-out, mouth shapes, blinks, morphs. Needs weights at "
        "$SCREENPLAY_MODELS/<model> or in the local Hugging Face cache, and the models extra."
    ),
    module=DIFFUSION_MODULE,
    params=(
        *_diffusion_params("face"),
        Param(
            "reference",
            "path",
            None,
            "A photo whose identity the face keeps (through an IP-Adapter).",
        ),
        Param(
            "ip_adapter",
            "model",
            "h94/IP-Adapter",
            "IP-Adapter weights for `reference=` (folder or id; never downloaded).",
        ),
        Param("ip_scale", "float", 0.6, "How strongly `reference=` steers the face.", min=0, max=1),
    ),
)

DIFFUSION_SET = Constructor(
    name="diffusion",
    kind="set",
    doc=(
        "A set generated by a local Stable Diffusion / SDXL / SD-Turbo pipeline (diffusers), "
        "fixed by prompt and seed, then cover-fitted like a picture file. Needs weights at "
        "$SCREENPLAY_MODELS/<model> or in the local Hugging Face cache, and the models extra."
    ),
    module=DIFFUSION_MODULE,
    params=_diffusion_params("set"),
)

CONSTRUCTORS: tuple[Constructor, ...] = (
    PORTRAIT,
    FACE_FILE,
    ROOM,
    EXTERIOR,
    SET_FILE,
    DIFFUSION_FACE,
    DIFFUSION_SET,
)
