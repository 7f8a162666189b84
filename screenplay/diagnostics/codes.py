"""The registry of diagnostic codes: one place, one explanation each.

``screenplay explain SP0202`` prints the explanation.  Ranges:

* SP01xx – syntax (the document and production values)
* SP02xx – names (imports, presets, cast, cues)
* SP03xx – checks (types, parameters, files, directives, fill)
* SP04xx voices, SP05xx pictures, SP06xx music, SP07xx dialogue model, SP08xx render,
  SP09xx staging (SP0900–SP0919):
  each engine package keeps its own table in ``<package>/errors.py`` (``CODES``),
  merged here on demand.
"""

from __future__ import annotations

import importlib
from functools import cache

from screenplay.diagnostics.core import Code, Severity

# The front end's codes (parse, resolve, check, fill), each a descriptor that the
# passes report by name: ``diags.report(UNKNOWN_CUE, span, ...)``.

UNTERMINATED_BONEYARD = Code(
    "SP0101",
    "unterminated boneyard",
    Severity.ERROR,
    "A boneyard `/* … */` hides text from the screenplay. This one opens with `/*` but is "
    "never closed, so everything after it would vanish. Close it with `*/`. The text is "
    "kept visible until you do, so the rest of the file is still checked.",
)

MALFORMED_PRODUCTION_VALUE = Code(
    "SP0102",
    "malformed production value",
    Severity.ERROR,
    "A production value (after `key:` in a declaration, or after the `:` of a preset) "
    'could not be read. Values are a string `"faces/woman.png"`, a number `0.9`, a '
    "duration `2s`, a level `-6dB`, a boolean `true`, a name `carlos`, a call "
    '`portrait(seed=7, hair="grey")` or a list `[1, 2]`.',
)

MALFORMED_PROPERTY = Code(
    "SP0103",
    "malformed property",
    Severity.ERROR,
    "Inside a `cast`, `set` or `cue` declaration every indented line is a property `key: "
    "value`. This line is indented under a declaration but has no `key:`.",
)

MALFORMED_TITLE_PAGE_FIELD = Code(
    "SP0104",
    "malformed title page field",
    Severity.ERROR,
    "A title page field could not be used, e.g. `Format:` must look like `1280x720, 24 fps`.",
)

UNKNOWN_DIRECTIVE = Code(
    "SP0105",
    "unknown directive",
    Severity.ERROR,
    "A note `[[…]]` whose first word is close to a directive name (`music`, `hold`, "
    "`generate`, `transition`, `camera`, `narration`, `subtitles`) is almost certainly a "
    "misspelt directive; without the fix the film would silently lack what it asks for. A "
    "note whose first word is nothing like a directive is an ordinary note and is ignored.",
)

BAD_DIRECTIVE_ARGUMENTS = Code(
    "SP0106",
    "bad directive arguments",
    Severity.ERROR,
    "A directive's arguments could not be read or do not fit the directive. Each directive "
    "documents its arguments in the language reference (docs/language.md).",
)

DUAL_DIALOGUE_WITHOUT_A_PARTNER = Code(
    "SP0107",
    "dual dialogue without a partner",
    Severity.WARNING,
    "A character cue ending in `^` is spoken at the same time as the dialogue block just "
    "before it. There is no dialogue block right before this one, so it is played alone.",
)

PROPERTY_OUTSIDE_A_DECLARATION = Code(
    "SP0108",
    "property outside a declaration",
    Severity.ERROR,
    "A `key: value` property line must follow a `cast`, `set` or `cue` declaration line.",
)

UNKNOWN_MODULE = Code(
    "SP0201",
    "unknown module",
    Severity.ERROR,
    "`use NAME` imports `NAME.film` from the film's folder, or from screenplay's stdlib "
    "(voices, faces, rooms, music). Neither has a file of that name.",
)

UNKNOWN_NAME = Code(
    "SP0202",
    "unknown name",
    Severity.ERROR,
    "A value names a preset that is not defined. Presets come from `use`d modules or from "
    "`voice`/`face`/`room`/`music` lines in the film itself. The constructors (`piper`, "
    "`portrait`, `room`, `drone`, …) are called with parentheses.",
)

CHARACTER_AUTO_CAST = Code(
    "SP0203",
    "character auto-cast",
    Severity.NOTE,
    "A character speaks without a `cast` declaration, so screenplay chose a face and a "
    "voice for them deterministically from their name. Declare them with `cast NAME` to "
    "choose.",
)

DUPLICATE_DECLARATION = Code(
    "SP0204",
    "duplicate declaration",
    Severity.ERROR,
    "The same name is declared twice; the first declaration wins. Remove or rename one.",
)

UNKNOWN_CONSTRUCTOR = Code(
    "SP0205",
    "unknown constructor",
    Severity.ERROR,
    "A call names no known constructor for this kind of asset. `screenplay voices` lists "
    "voice engines; faces use `portrait` or a file; sets `room`, `exterior` or a file; "
    "music the styles in stdlib/music.film or a file.",
)

UNKNOWN_PROPERTY = Code(
    "SP0206",
    "unknown property",
    Severity.ERROR,
    "Declarations accept these properties: cast – `face`, `voice`, `credit`; set – "
    "`image`, `camera`; cue – `music`, `volume`, `duck`.",
)

CHARACTER_NOT_IN_THE_CAST = Code(
    "SP0207",
    "character not in the cast",
    Severity.ERROR,
    "The film declares its cast, and this cue names a character that is not declared but "
    "is very close to one that is — most likely a typo. If it really is another character, "
    "declare it with `cast NAME`.",
)

UNKNOWN_CUE = Code(
    "SP0208",
    "unknown cue",
    Severity.ERROR,
    "A `[[music NAME]]` directive names a cue that no `cue NAME` declaration defines.",
)

CIRCULAR_OR_TOO_DEEP_IMPORT = Code(
    "SP0209",
    "circular or too deep import",
    Severity.ERROR,
    "Modules `use` each other in a cycle. Imports must form a tree.",
)

WRONG_ARGUMENT_TYPE = Code(
    "SP0301",
    "wrong argument type",
    Severity.ERROR,
    "An argument has the wrong type for its parameter: e.g. `seed` expects a whole number, "
    "`hair` a string. The parameter table of every constructor is in the language "
    "reference.",
)

UNKNOWN_PARAMETER = Code(
    "SP0302",
    "unknown parameter",
    Severity.ERROR,
    "A constructor was given a parameter it does not have.",
)

VALUE_OUT_OF_RANGE = Code(
    "SP0303",
    "value out of range",
    Severity.ERROR,
    "An argument is outside the range its parameter accepts, or not one of its choices.",
)

FILE_NOT_FOUND = Code(
    "SP0304",
    "file not found",
    Severity.ERROR,
    "A path (relative to the film's folder) names no file.",
)

MISSING_PROPERTY = Code(
    "SP0305",
    "missing property",
    Severity.ERROR,
    "A declaration lacks a property it needs, e.g. a `cue` without `music:`.",
)

EMPTY_DIALOGUE = Code(
    "SP0306",
    "empty dialogue",
    Severity.WARNING,
    "A character cue has no dialogue to speak. Write the line, or `...` to have the "
    "dialogue model write it.",
)

GENERATED_TEXT_DID_NOT_PARSE = Code(
    "SP0308",
    "generated text did not parse",
    Severity.WARNING,
    "The dialogue model's continuation could not be read back as screenplay elements; it "
    "was left out. Regenerate with another seed.",
)

LOCKED_TEXT_KEPT_AFTER_AN_EDIT = Code(
    "SP0310",
    "locked text kept after an edit",
    Severity.WARNING,
    "The text a [[generate]] hole was filled with was generated from the script as it was "
    "then. The script before the hole has changed since; the locked text is kept, so the "
    "film still rebuilds identically. Run `screenplay fill --regenerate FILE` to draw new "
    "text from the script as it is now.",
)

INVALID_SETTINGS = Code(
    "SP0309",
    "invalid settings",
    Severity.ERROR,
    "A film-level setting has a value outside what is supported.",
)

VALUE_NESTS_TOO_DEEPLY = Code(
    "SP0110",
    "value nests too deeply",
    Severity.ERROR,
    "Calls and lists in a production value or a directive (`portrait(…)`, `[…]`) nest at "
    "most 16 levels deep. Real films nest two or three; a deeper value is almost certainly "
    "a paste accident, and is refused before it is parsed.",
)

NUMBER_TOO_LARGE = Code(
    "SP0111",
    "number too large",
    Severity.ERROR,
    "A number, duration or level in the film is not finite or is larger than 1e12 in size "
    "(`seed=1e999`, a 400-digit duration). No parameter accepts such a value; write the "
    "number you mean.",
)

LOOKS_LIKE_A_USE_LINE = Code(
    "SP0112",
    "looks like a `use` line",
    Severity.WARNING,
    "A paragraph starts with `use` but is not an import: `use` takes module names "
    "separated by commas (`use voices, faces`), each a plain name — not a path, and not "
    "two names without a comma. As written, the line is an action line that the narrator "
    "would read aloud. Fix the line, or capitalise `Use` if it really is action.",
)

MISSPELT_DECLARATION_KEYWORD = Code(
    "SP0113",
    "misspelt declaration keyword",
    Severity.WARNING,
    "A paragraph starts with a lowercase word very close to a declaration keyword (`cast`, "
    "`set`, `cue`, `voice`, `face`, `room`, `music`, `use`) followed by something shaped "
    "like a declaration, e.g. `cats ODILE`. It is read as an action line (spoken by the "
    "narrator), which is almost certainly not what was meant.",
)

FILE_CANNOT_BE_READ = Code(
    "SP0311",
    "file cannot be read",
    Severity.ERROR,
    "A file the film depends on — the film itself, a `use`d module or the lock file — "
    "exists but cannot be read as text: it is a folder, a pipe, a device, unreadable, or "
    "larger than the limit (16 MiB). Only regular files are read, so a lock that is a "
    "symlink to `/dev/zero` or a FIFO cannot exhaust memory or block the build.",
)

UNUSABLE_FILE_PATH = Code(
    "SP0312",
    "unusable file path",
    Severity.ERROR,
    'A quoted path (`face: "…"`, `file(path=…)`) names something that cannot be a file: '
    "the name is longer than the file system allows, it contains a NUL character, a part "
    "of it is not a folder, or it names a folder or a device.",
)

DURATION_TOO_LONG = Code(
    "SP0313",
    "duration too long",
    Severity.ERROR,
    "One directive asks for more time than a film can use: a `[[hold]]` is at most 1 hour, "
    "a transition at most 60 s, a music fade at most 10 min, a camera move at most 1 hour. "
    "`check` refuses it so a build never tries to allocate frames for it.",
)

FILM_TOO_LONG = Code(
    "SP0314",
    "film too long",
    Severity.ERROR,
    "The film would run longer than 6 hours, counting only the time its directives and "
    "elements take at least (holds, transitions, scene establishing shots, half a second "
    "per line). Longer films are refused: a render would need days and terabytes.",
)

UNSUPPORTED_DIRECTIVE_OPTION = Code(
    "SP0315",
    "unsupported directive option",
    Severity.ERROR,
    "The directive does not support this option; rather than being silently ignored, it is "
    "an error. `offset` belongs to a music file, not to `[[music]]`: write `music: "
    'file(path="theme.wav", offset=12s)` in the `cue` declaration.',
)

#: code → descriptor, for the front end's own codes.
FRONT_END: dict[str, Code] = {
    UNTERMINATED_BONEYARD.code: UNTERMINATED_BONEYARD,
    MALFORMED_PRODUCTION_VALUE.code: MALFORMED_PRODUCTION_VALUE,
    MALFORMED_PROPERTY.code: MALFORMED_PROPERTY,
    MALFORMED_TITLE_PAGE_FIELD.code: MALFORMED_TITLE_PAGE_FIELD,
    UNKNOWN_DIRECTIVE.code: UNKNOWN_DIRECTIVE,
    BAD_DIRECTIVE_ARGUMENTS.code: BAD_DIRECTIVE_ARGUMENTS,
    DUAL_DIALOGUE_WITHOUT_A_PARTNER.code: DUAL_DIALOGUE_WITHOUT_A_PARTNER,
    PROPERTY_OUTSIDE_A_DECLARATION.code: PROPERTY_OUTSIDE_A_DECLARATION,
    UNKNOWN_MODULE.code: UNKNOWN_MODULE,
    UNKNOWN_NAME.code: UNKNOWN_NAME,
    CHARACTER_AUTO_CAST.code: CHARACTER_AUTO_CAST,
    DUPLICATE_DECLARATION.code: DUPLICATE_DECLARATION,
    UNKNOWN_CONSTRUCTOR.code: UNKNOWN_CONSTRUCTOR,
    UNKNOWN_PROPERTY.code: UNKNOWN_PROPERTY,
    CHARACTER_NOT_IN_THE_CAST.code: CHARACTER_NOT_IN_THE_CAST,
    UNKNOWN_CUE.code: UNKNOWN_CUE,
    CIRCULAR_OR_TOO_DEEP_IMPORT.code: CIRCULAR_OR_TOO_DEEP_IMPORT,
    WRONG_ARGUMENT_TYPE.code: WRONG_ARGUMENT_TYPE,
    UNKNOWN_PARAMETER.code: UNKNOWN_PARAMETER,
    VALUE_OUT_OF_RANGE.code: VALUE_OUT_OF_RANGE,
    FILE_NOT_FOUND.code: FILE_NOT_FOUND,
    MISSING_PROPERTY.code: MISSING_PROPERTY,
    EMPTY_DIALOGUE.code: EMPTY_DIALOGUE,
    GENERATED_TEXT_DID_NOT_PARSE.code: GENERATED_TEXT_DID_NOT_PARSE,
    LOCKED_TEXT_KEPT_AFTER_AN_EDIT.code: LOCKED_TEXT_KEPT_AFTER_AN_EDIT,
    INVALID_SETTINGS.code: INVALID_SETTINGS,
    VALUE_NESTS_TOO_DEEPLY.code: VALUE_NESTS_TOO_DEEPLY,
    NUMBER_TOO_LARGE.code: NUMBER_TOO_LARGE,
    LOOKS_LIKE_A_USE_LINE.code: LOOKS_LIKE_A_USE_LINE,
    MISSPELT_DECLARATION_KEYWORD.code: MISSPELT_DECLARATION_KEYWORD,
    FILE_CANNOT_BE_READ.code: FILE_CANNOT_BE_READ,
    UNUSABLE_FILE_PATH.code: UNUSABLE_FILE_PATH,
    DURATION_TOO_LONG.code: DURATION_TOO_LONG,
    FILM_TOO_LONG.code: FILM_TOO_LONG,
    UNSUPPORTED_DIRECTIVE_OPTION.code: UNSUPPORTED_DIRECTIVE_OPTION,
}

ENGINE_ERROR_MODULES = (
    "screenplay.voices.errors",
    "screenplay.pictures.errors",
    "screenplay.music.errors",
    "screenplay.dialogue.errors",
    "screenplay.render.errors",
    "screenplay.document.errors",  # SP10xx: print, fmt, lsp, studio
    "screenplay.staging.errors",
    "screenplay.variants.errors",  # SP1100–SP1129: variants, feedback, tune, executors
)


def as_code(code: str, entry: Code | tuple[str, ...]) -> Code:
    """A registry entry as a descriptor.

    Transition: the engine packages' ``errors.py`` still declare ``CODES`` as
    ``code → (title, explanation)`` tuples (their codes reach diagnostics through
    ``BackendError`` / ``BackendWarning``, which name their severity); those read
    as errors here.  A package that declares :class:`Code` objects is taken as is.
    """
    if isinstance(entry, Code):
        return entry
    title, explanation = entry[0], entry[1]
    return Code(code, title, Severity.ERROR, explanation)


@cache
def registry() -> dict[str, Code]:
    """Every code: the front end's and each engine package's (``<package>/errors.py``)."""
    codes: dict[str, Code] = dict(FRONT_END)
    for mod_name in ENGINE_ERROR_MODULES:
        try:
            mod = importlib.import_module(mod_name)
        except ImportError:
            continue
        for code, entry in getattr(mod, "CODES", {}).items():
            codes.setdefault(code, as_code(code, entry))
    return codes


def lookup(code: str) -> Code | None:
    return registry().get(code.upper())


def explain(code: str) -> tuple[str, str] | None:
    """(title, explanation) of ``code``, or None if there is no such code."""
    found = lookup(code)
    return (found.title, found.explanation) if found is not None else None
