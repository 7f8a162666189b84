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

#: code → (title, explanation)
FRONT_END: dict[str, tuple[str, str]] = {
    "SP0101": (
        "unterminated boneyard",
        "A boneyard `/* … */` hides text from the screenplay. This one opens with `/*` but is "
        "never closed, so everything after it would vanish. Close it with `*/`. The text is kept "
        "visible until you do, so the rest of the file is still checked.",
    ),
    "SP0102": (
        "malformed production value",
        "A production value (after `key:` in a declaration, or after the `:` of a preset) could "
        'not be read. Values are a string `"faces/woman.png"`, a number `0.9`, a duration `2s`, '
        'a level `-6dB`, a boolean `true`, a name `carlos`, a call `portrait(seed=7, hair="grey")` '
        "or a list `[1, 2]`.",
    ),
    "SP0103": (
        "malformed property",
        "Inside a `cast`, `set` or `cue` declaration every indented line is a property "
        "`key: value`. This line is indented under a declaration but has no `key:`.",
    ),
    "SP0104": (
        "malformed title page field",
        "A title page field could not be used, e.g. `Format:` must look like `1280x720, 24 fps`.",
    ),
    "SP0105": (
        "unknown directive",
        "A note `[[…]]` whose first word is close to a directive name (`music`, `hold`, "
        "`generate`, `transition`, `camera`, `narration`, `subtitles`) is almost certainly a "
        "misspelt directive; without the fix the film would silently lack what it asks for. A note "
        "whose first word is nothing like a directive is an ordinary note and is ignored.",
    ),
    "SP0106": (
        "bad directive arguments",
        "A directive's arguments could not be read or do not fit the directive. Each directive "
        "documents its arguments in the language reference (docs/language.md).",
    ),
    "SP0107": (
        "dual dialogue without a partner",
        "A character cue ending in `^` is spoken at the same time as the dialogue block just "
        "before it. There is no dialogue block right before this one, so it is played alone.",
    ),
    "SP0108": (
        "property outside a declaration",
        "A `key: value` property line must follow a `cast`, `set` or `cue` declaration line.",
    ),
    "SP0201": (
        "unknown module",
        "`use NAME` imports `NAME.film` from the film's folder, or from screenplay's stdlib "
        "(voices, faces, rooms, music). Neither has a file of that name.",
    ),
    "SP0202": (
        "unknown name",
        "A value names a preset that is not defined. Presets come from `use`d modules or from "
        "`voice`/`face`/`room`/`music` lines in the film itself. The constructors (`piper`, "
        "`portrait`, `room`, `drone`, …) are called with parentheses.",
    ),
    "SP0203": (
        "character auto-cast",
        "A character speaks without a `cast` declaration, so screenplay chose a face and a voice "
        "for them deterministically from their name. Declare them with `cast NAME` to choose.",
    ),
    "SP0204": (
        "duplicate declaration",
        "The same name is declared twice; the first declaration wins. Remove or rename one.",
    ),
    "SP0205": (
        "unknown constructor",
        "A call names no known constructor for this kind of asset. `screenplay voices` lists "
        "voice engines; faces use `portrait` or a file; sets `room`, `exterior` or a file; music "
        "the styles in stdlib/music.film or a file.",
    ),
    "SP0206": (
        "unknown property",
        "Declarations accept these properties: cast – `face`, `voice`, `credit`; set – `image`, "
        "`camera`; cue – `music`, `volume`, `duck`.",
    ),
    "SP0207": (
        "character not in the cast",
        "The film declares its cast, and this cue names a character that is not declared but is "
        "very close to one that is — most likely a typo. If it really is another character, "
        "declare it with `cast NAME`.",
    ),
    "SP0208": (
        "unknown cue",
        "A `[[music NAME]]` directive names a cue that no `cue NAME` declaration defines.",
    ),
    "SP0209": (
        "circular or too deep import",
        "Modules `use` each other in a cycle. Imports must form a tree.",
    ),
    "SP0301": (
        "wrong argument type",
        "An argument has the wrong type for its parameter: e.g. `seed` expects a whole number, "
        "`hair` a string. The parameter table of every constructor is in the language reference.",
    ),
    "SP0302": (
        "unknown parameter",
        "A constructor was given a parameter it does not have.",
    ),
    "SP0303": (
        "value out of range",
        "An argument is outside the range its parameter accepts, or not one of its choices.",
    ),
    "SP0304": (
        "file not found",
        "A path (relative to the film's folder) names no file.",
    ),
    "SP0305": (
        "missing property",
        "A declaration lacks a property it needs, e.g. a `cue` without `music:`.",
    ),
    "SP0306": (
        "empty dialogue",
        "A character cue has no dialogue to speak. Write the line, or `...` to have the "
        "dialogue model write it.",
    ),
    "SP0308": (
        "generated text did not parse",
        "The dialogue model's continuation could not be read back as screenplay elements; it was "
        "left out. Regenerate with another seed.",
    ),
    "SP0310": (
        "locked text kept after an edit",
        "The text a [[generate]] hole was filled with was generated from the script as it was "
        "then. The script before the hole has changed since; the locked text is kept, so the film "
        "still rebuilds identically. Run `screenplay fill --regenerate FILE` to draw new text from "
        "the script as it is now.",
    ),
    "SP0309": (
        "invalid settings",
        "A film-level setting has a value outside what is supported.",
    ),
    # -- robustness (issue #11): inputs that used to crash or hang the front end --------
    "SP0110": (
        "value nests too deeply",
        "Calls and lists in a production value or a directive (`portrait(…)`, `[…]`) nest at "
        "most 16 levels deep. Real films nest two or three; a deeper value is almost certainly "
        "a paste accident, and is refused before it is parsed.",
    ),
    "SP0111": (
        "number too large",
        "A number, duration or level in the film is not finite or is larger than 1e12 in size "
        "(`seed=1e999`, a 400-digit duration). No parameter accepts such a value; write the "
        "number you mean.",
    ),
    "SP0112": (
        "looks like a `use` line",
        "A paragraph starts with `use` but is not an import: `use` takes module names separated "
        "by commas (`use voices, faces`), each a plain name — not a path, and not two names "
        "without a comma. As written, the line is an action line that the narrator would read "
        "aloud. Fix the line, or capitalise `Use` if it really is action.",
    ),
    "SP0113": (
        "misspelt declaration keyword",
        "A paragraph starts with a lowercase word very close to a declaration keyword (`cast`, "
        "`set`, `cue`, `voice`, `face`, `room`, `music`, `use`) followed by something shaped "
        "like a declaration, e.g. `cats ODILE`. It is read as an action line (spoken by the "
        "narrator), which is almost certainly not what was meant.",
    ),
    "SP0311": (
        "file cannot be read",
        "A file the film depends on — the film itself, a `use`d module or the lock file — "
        "exists but cannot be read as text: it is a folder, a pipe, a device, unreadable, or "
        "larger than the limit (16 MiB). Only regular files are read, so a lock that is a "
        "symlink to `/dev/zero` or a FIFO cannot exhaust memory or block the build.",
    ),
    "SP0312": (
        "unusable file path",
        'A quoted path (`face: "…"`, `file(path=…)`) names something that cannot be a file: '
        "the name is longer than the file system allows, it contains a NUL character, a part of "
        "it is not a folder, or it names a folder or a device.",
    ),
    "SP0313": (
        "duration too long",
        "One directive asks for more time than a film can use: a `[[hold]]` is at most 1 hour, "
        "a transition at most 60 s, a music fade at most 10 min, a camera move at most 1 hour. "
        "`check` refuses it so a build never tries to allocate frames for it.",
    ),
    "SP0314": (
        "film too long",
        "The film would run longer than 6 hours, counting only the time its directives and "
        "elements take at least (holds, transitions, scene establishing shots, half a second "
        "per line). Longer films are refused: a render would need days and terabytes.",
    ),
    "SP0315": (
        "unsupported directive option",
        "The directive does not support this option; rather than being silently ignored, it "
        "is an error. `offset` belongs to a music file, not to `[[music]]`: write "
        '`music: file(path="theme.wav", offset=12s)` in the `cue` declaration.',
    ),
}

ENGINE_ERROR_MODULES = (
    "screenplay.voices.errors",
    "screenplay.pictures.errors",
    "screenplay.music.errors",
    "screenplay.dialogue.errors",
    "screenplay.render.errors",
    "screenplay.document.errors",  # SP10xx: print, fmt, lsp, studio
    "screenplay.staging.errors",
)


@cache
def registry() -> dict[str, tuple[str, str]]:
    codes = dict(FRONT_END)
    for mod_name in ENGINE_ERROR_MODULES:
        try:
            mod = importlib.import_module(mod_name)
        except ImportError:
            continue
        for code, entry in getattr(mod, "CODES", {}).items():
            codes.setdefault(code, tuple(entry)[:2])
    return codes


def explain(code: str) -> tuple[str, str] | None:
    return registry().get(code.upper())
