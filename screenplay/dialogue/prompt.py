"""Prompts for the dialogue model, and cleaning its continuation into valid Fountain.

The model is used the way *The Empty Room* was written with GPT-2: a few
lines of screenplay go in, a continuation comes out.  :func:`build_prompt`
turns "everything before the hole" into that prompt: the title page (title,
author, the characters) plus the last part of the script that fits the
model's context, production declarations and notes removed.  For a line by a
known speaker the prompt ends with that speaker's cue, so even a 135M model
answers with dialogue rather than wandering off (see docs/dialogue.md for the
measurements behind that choice).

:func:`postprocess` is the other half and trusts nothing: a tiny or random
model writes garbage, a chat model echoes its prompt, every model loops.  It
parses the continuation line by line as a screenplay, keeps only dialogue
blocks (and, for word counts, action) that are well formed, strips markup
junk, cuts repetition loops and unfinished sentences, drops lines that
repeat the script, and bounds the length.  The result is always valid
Fountain text, possibly empty.  Standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

Mode = Literal["lines", "words", "line_for"]

#: How much script the prompt carries (characters).  ~600 tokens: enough for
#: a scene's voice, small enough for GPT-2's 1024-token window and for CPU speed.
DEFAULT_MAX_CHARS = 2400

#: A dialogue line longer than this is cut at a sentence end.
MAX_LINE_WORDS = 40

_TITLE_KEYS = ("title", "credit", "author", "authors", "source")
_DECL_RE = re.compile(r"^(use|cast|set|cue|voice|face|room|music|image|preset)\b[ \t]+\S")
_TITLE_RE = re.compile(r"^([A-Za-z][A-Za-z ]*):(.*)$")
_EXTENSION_RE = re.compile(r"\s*\((V\.O\.|O\.S\.|O\.C\.|CONT'D|CONT’D|CONT\.|OFF|V\.O|O\.S)\)\s*$")
_NAME_WORD_RE = re.compile(r"[A-Z][A-Z'’.]*")
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"'”’)]*$")
_SPECIAL_TOKEN_RE = re.compile(
    r"<\|[^|>]*\|>|</?s>|<unk>|<pad>|<mask>|\[(?:CLS|SEP|PAD|UNK|MASK)\]"
)
_URL_RE = re.compile(r"https?://|www\.|\S+@\S+\.\w+|\.(com|org|net|html?)\b", re.IGNORECASE)
_BRACKET_RE = re.compile(r"\[[^\]]*\]|\{[^}]*\}|<[^>]*>")
_SPEECH_PUNCT = frozenset(".,!?'\"-–—…;:’‘”“()")
_GLUED_RE = re.compile(r"[A-Z]{3,}[a-z]|[a-z]{2,}[A-Z]{2,}")
_JUNK_CHARS_RE = re.compile(r"[*_#~^`|\\{}\[\]<>=+@$%&]")

# Words that head screenplay apparatus, never a character's name.
_NOT_NAMES = frozenset(
    """INT EXT EST INT./EXT I/E FADE FADES CUT CUTS DISSOLVE DISSOLVES SMASH MATCH WIPE IRIS
    MUSIC SOUND SFX VFX SUPER TITLE TITLES CREDITS SCENE SCENES END THE CONTINUED CONT'D
    CLOSE ANGLE BACK LATER INSERT MONTAGE FLASHBACK INTERCUT OMITTED SERIES OPTIONS OPTION
    QUESTION ANSWER NOTE NOTES CHAPTER ACT PLAYING TRANSITION TO IN OUT ON OFF DAY NIGHT
    MORNING EVENING DUSK DAWN POV SHOT WIDE PAN ZOOM TRACKING BLACK WHITE SCREEN SILENCE
    PAUSE BEAT OK OKAY YES NO HEY OH AND OR BUT FOR WITH OF A AN AT BY IS IT I HE SHE THEY WE
    YOU ME HIM HER US THEM HIS ITS THIS THAT WHAT WHY HOW WHO WHERE WHEN""".split()
)


# --------------------------------------------------------------------------
# Reading a script into parts
# --------------------------------------------------------------------------


def _strip_markup_blocks(text: str) -> str:
    """Remove notes ``[[…]]`` (directives included) and boneyard ``/* … */``."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    text = re.sub(r"\[\[.*?\]\]", "", text, flags=re.DOTALL)
    return text


def split_title_page(text: str) -> tuple[dict[str, str], str]:
    """Fountain's title page (``Key: value`` lines at the very top) and the rest."""
    lines = text.replace("\r\n", "\n").split("\n")
    fields: dict[str, str] = {}
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    start = i
    key: str | None = None
    while i < len(lines) and lines[i].strip():
        m = _TITLE_RE.match(lines[i])
        if m and not lines[i].startswith((" ", "\t")):
            key = m.group(1).strip().lower()
            fields[key] = m.group(2).strip()
        elif key is not None and lines[i].startswith((" ", "\t")):
            fields[key] = (fields[key] + " " + lines[i].strip()).strip()
        else:
            return {}, "\n".join(lines[start:])
        i += 1
    if not fields:
        return {}, "\n".join(lines[start:])
    return fields, "\n".join(lines[i:])


def script_body(text: str) -> str:
    """The screenplay proper: no production declarations, notes, sections or synopses."""
    text = _strip_markup_blocks(text.replace("\r\n", "\n"))
    out: list[str] = []
    in_decl = False
    for line in text.split("\n"):
        if _DECL_RE.match(line):
            in_decl = True
            continue
        if in_decl:
            if line.startswith((" ", "\t")) and line.strip():
                continue
            in_decl = False
        stripped = line.strip()
        if stripped.startswith("#") or (stripped.startswith("=") and not stripped.startswith("==")):
            continue  # sections and synopses are the writer's outline, not the film
        if stripped.startswith("==="):
            continue  # page break
        out.append(line.rstrip())
    body = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", body).strip("\n")


def cue_name(line: str) -> str:
    """A cue line without its extension, force mark and dual-dialogue caret."""
    s = line.strip().lstrip("@").rstrip("^").strip()
    return _EXTENSION_RE.sub("", s).strip()


def _is_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(not c.islower() for c in letters)


def speakers(text: str) -> list[str]:
    """Character cues in order of appearance (a caps line after a blank line, with dialogue)."""
    lines = text.split("\n")
    found: list[str] = []
    for i, line in enumerate(lines):
        s = line.strip()
        if not s or not (s.startswith("@") or _is_caps(s)):
            continue
        prev_blank = i == 0 or not lines[i - 1].strip()
        has_next = i + 1 < len(lines) and lines[i + 1].strip()
        if not (prev_blank and has_next):
            continue
        name = cue_name(s)
        if is_plausible_name(name, ()) or s.startswith("@"):
            found.append(name)
    return found


def cast_declarations(text: str) -> Iterator[str]:
    """The names of ``cast NAME ["label"] [# comment]`` lines, in order.

    Read with string methods, one pass per line: the regular expression this
    replaces (a lazy name followed by optional spaces) backtracked
    quadratically on a long line of spaces (tests/dialogue/test_dialogue_prompt.py).
    """
    for line in text.split("\n"):
        if not line.startswith("cast") or line[4:5] not in (" ", "\t"):
            continue
        rest = line[4:].lstrip(" \t")
        cut = len(rest)
        for mark in ('"', "#"):
            at = rest.find(mark)
            if 0 <= at < cut:
                cut = at
        name, tail = rest[:cut].rstrip(" \t"), rest[cut:]
        if tail.startswith('"'):  # the label: up to its closing quote
            close = tail.find('"', 1)
            if close < 0:
                continue  # an unclosed label: not a declaration
            tail = tail[close + 1 :].lstrip(" \t")
        if tail and not tail.startswith("#"):
            continue  # something after the label that is not a comment
        if name:
            yield name


def known_cast(preceding: str) -> tuple[str, ...]:
    """The characters a hole can know about: declared or speaking *before* it.

    Declared names first (in declaration order), then speakers in order of
    appearance.  Characters who only turn up later in the film are left
    out, so adding one further down does not change (and unlock) the holes
    above it.
    """
    text = _strip_markup_blocks(preceding.replace("\r\n", "\n"))
    out: list[str] = []
    for declared in cast_declarations(text):
        name = cue_name(declared).upper()
        if name and name not in out:
            out.append(name)
    for name in speakers(script_body(split_title_page(text)[1])):
        if name not in out:
            out.append(name)
    return tuple(out)


def next_speaker(text: str, cast: Sequence[str]) -> str | None:
    """Who speaks next if the scene alternates: the latest speaker who is not the last one."""
    order = speakers(script_body(text))
    names = [cue_name(c) for c in cast if c.strip()]
    if not order:
        return names[0] if names else None
    last = order[-1]
    for name in reversed(order[:-1]):
        if name != last:
            return name
    for name in names:
        if name != last:
            return name
    return last


def is_plausible_name(name: str, cast: Sequence[str]) -> bool:
    """Could ``name`` be a character cue?  Known cast always; new names must look like names."""
    if not name:
        return False
    known = {cue_name(c) for c in cast}
    if name in known:
        return True
    if len(name) < 2 or len(name) > 24 or not name[0].isalpha():
        return False
    words = name.split()
    if not 1 <= len(words) <= 3:
        return False
    for k in known:
        if len(k) >= 3 and k in name and k != name and " " not in name:
            return False  # "WOMANWOMAN": a known cue run together with noise
    for w in words:
        if not _NAME_WORD_RE.fullmatch(w) or w.rstrip(".") in _NOT_NAMES:
            return False
        if not any(c in "AEIOUY" for c in w) and not w.endswith("."):
            return False  # "XJQ" is noise, not a name
    return not name.endswith(":")


# --------------------------------------------------------------------------
# Prompt
# --------------------------------------------------------------------------


def _tail(body: str, budget: int) -> str:
    """The last paragraphs of ``body`` that fit ``budget`` characters."""
    paras = [p for p in re.split(r"\n\s*\n", body) if p.strip()]
    kept: list[str] = []
    used = 0
    for p in reversed(paras):
        cost = len(p) + 2
        if used + cost > budget:
            if not kept:
                lines = p.split("\n")
                while lines and len("\n".join(lines)) > budget:
                    lines.pop(0)
                if lines:
                    kept.append("\n".join(lines))
            break
        kept.append(p)
        used += cost
    return "\n\n".join(reversed(kept))


def build_prompt(
    preceding_fountain: str,
    mode: Mode,
    count: int,
    character: str | None,
    cast: Sequence[str],
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> str:
    """The text the model continues.

    ``preceding_fountain`` is everything before the hole (Fountain; notes and
    production declarations are ignored).  The prompt keeps the title page's
    title and author and names the characters, then carries the last part of
    the script that fits ``max_chars``.  For ``line_for``, and for ``lines``
    when ``character`` names the next speaker, it ends with that cue so the
    continuation starts as that character's dialogue; otherwise it ends after
    a blank line, where the model may begin any element.
    """
    fields, rest = split_title_page(preceding_fountain)
    body = script_body(rest)
    header_lines = []
    for key in _TITLE_KEYS:
        if fields.get(key):
            header_lines.append(f"{key.capitalize()}: {fields[key]}")
    names = []
    for c in list(cast) + ([character] if character else []):
        n = cue_name(c)
        if n and n not in names:
            names.append(n)
    if names:
        header_lines.append("Characters: " + ", ".join(names))
    header = "\n".join(header_lines) + "\n\n" if header_lines else ""
    tail = _tail(body, max(200, max_chars - len(header)))
    if not tail:
        tail = "FADE IN:"  # a hole at the very start still continues a screenplay
    prompt = header + tail.rstrip() + "\n\n"
    if character and mode in ("line_for", "lines"):
        prompt += cue_name(character).upper() + "\n"
    return prompt


# --------------------------------------------------------------------------
# Cleaning
# --------------------------------------------------------------------------


def _norm(text: str) -> str:
    """Comparison form of a line: letters and digits only, lower case."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def cut_loops(words: list[str]) -> list[str]:
    """Cut a word list where a phrase starts repeating itself back to back."""
    n_words = len(words)
    low = [_norm(w) for w in words]
    for i in range(n_words):
        for n in range(1, 11):
            if i + 2 * n > n_words:
                break
            reps = 1
            while (
                i + (reps + 1) * n <= n_words
                and low[i + reps * n : i + (reps + 1) * n] == low[i : i + n]
            ):
                reps += 1
            # "no, no" is speech; "no, no, no, no" or a repeated clause is a loop.
            if (n <= 2 and reps >= 3) or (n > 2 and reps >= 2):
                return words[: i + n]
    return words


def _dedupe_sentences(text: str) -> str:
    parts = re.split(r"(?<=[.!?…])\s+", text)
    seen: set[str] = set()
    kept = []
    for p in parts:
        key = _norm(p)
        if key and key in seen:
            break  # a sentence coming round again: the rest is a loop
        seen.add(key)
        kept.append(p)
    return " ".join(kept)


def cut_at_sentence(text: str, max_words: int, *, min_words: int = 1) -> str:
    """Bound ``text`` to ``max_words`` and end it at a sentence end.

    An unfinished last sentence is dropped if a finished one comes before it;
    a single unfinished sentence is kept and marked as trailing off (``...``).
    """
    words = text.split()
    if not words:
        return ""
    words = words[:max_words]
    last_end = -1
    for i, w in enumerate(words):
        if _SENTENCE_END_RE.search(w):
            last_end = i
    if last_end == len(words) - 1:
        return " ".join(words)
    if last_end + 1 >= min_words and last_end >= 0:
        return " ".join(words[: last_end + 1])
    out = " ".join(words).rstrip(",;:-–— ")
    return out + "..." if out else ""


def clean_text(line: str, *, capitalize: bool = True) -> str:
    """One line of speech or action without markup junk; ``""`` if it is junk."""
    s = unicodedata.normalize("NFC", line)
    s = _SPECIAL_TOKEN_RE.sub(" ", s)
    if _URL_RE.search(s):
        return ""
    s = _BRACKET_RE.sub(" ", s)
    s = re.sub(r"\.{2,}", "...", s)  # "about.." / "so...." → an ellipsis
    s = s.replace("/*", " ").replace("*/", " ")
    s = _JUNK_CHARS_RE.sub(" ", s)
    s = "".join(c for c in s if c.isprintable())
    s = re.sub(r"\s+", " ", s).strip()
    s = s.lstrip("-–—:;,.!?)] ").strip()
    if s.count('"') % 2:
        s = s.replace('"', "")
    if s.count("(") != s.count(")"):
        s = s.replace("(", "").replace(")", "")
    s = re.sub(r"\(\s*\)", "", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = s.lstrip("-–—:;,.!?)] ").strip()  # again: removing quotes may expose a force mark
    if not s:
        return ""
    if capitalize and s[0].islower():
        s = s[0].upper() + s[1:]  # a continuation may start mid-sentence
    visible = [c for c in s if not c.isspace()]
    letters = [c for c in visible if c.isalpha()]
    odd = [c for c in visible if not c.isalpha() and c not in _SPEECH_PUNCT]
    if len(letters) < 2 or len(odd) > 0.15 * len(visible):
        return ""  # digits and symbols: code, tables, noise
    if not re.search(r"[A-Za-z]{2,}", s):
        return ""
    if _GLUED_RE.search(s):
        return ""  # "WOMANIt", "roomMAN": tokens run together, not words
    if _is_caps(s) and len(letters) > 3:
        return ""  # a shouted heading or a stray cue, not a line
    if re.match(r"^(INT|EXT|EST|I/E)[. ]", s, re.IGNORECASE) or re.search(r"\bTO:$", s):
        return ""
    return s


def clean_speech(text: str, max_words: int = MAX_LINE_WORDS) -> str:
    s = clean_text(text)
    if not s:
        return ""
    if len(s) >= 2 and s[0] in "\"“'" and s[-1] in "\"”'":
        s = s[1:-1].strip()
    s = " ".join(cut_loops(s.split()))
    s = _dedupe_sentences(s)
    s = cut_at_sentence(s, max_words)
    return s if clean_text(s) else ""


# --------------------------------------------------------------------------
# Parsing a continuation
# --------------------------------------------------------------------------


@dataclass
class Block:
    """A dialogue block (``cue`` set) or an action paragraph (``cue`` empty)."""

    cue: str = ""
    parenthetical: str = ""
    lines: list[str] = field(default_factory=list)
    closed: bool = False

    def fountain(self) -> str:
        if not self.cue:
            return " ".join(self.lines)
        out = [self.cue]
        if self.parenthetical:
            out.append(self.parenthetical)
        out.append(" ".join(self.lines))
        return "\n".join(out)

    @property
    def speech(self) -> str:
        return " ".join(self.lines)


@dataclass
class Parse:
    blocks: list[Block]
    #: The continuation left the screenplay (junk or a loop) before it ended.
    derailed: bool = False


def _raw_lines(raw: str) -> list[str]:
    s = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    # Anything after a chat turn marker is the model talking to itself.
    for marker in ("<|im_end|>", "<|im_start|>", "<|endoftext|>", "<|eot_id|>", "</s>"):
        idx = s.find(marker)
        if idx >= 0:
            s = s[:idx]
    return s.split("\n")


def _paren(line: str) -> str:
    inner = clean_text(line.strip()[1:-1], capitalize=False)
    return f"({inner.lower() if _is_caps(inner) else inner})" if inner else ""


def parse_continuation(
    raw: str,
    character: str | None,
    cast: Sequence[str],
    *,
    allow_action: bool,
) -> Parse:
    """Read a continuation as screenplay elements, stopping where it derails.

    With ``character`` the prompt ended with that cue, so the continuation
    begins as its dialogue.
    """
    lines = _raw_lines(raw)
    if character:
        lines = [cue_name(character).upper(), *lines]
    blocks: list[Block] = []
    cur: Block | None = None
    derailed = False

    def close() -> None:
        nonlocal cur
        if cur is not None:
            cur.closed = True
            blocks.append(cur)
            cur = None

    for i, raw_line in enumerate(lines):
        s = raw_line.strip()
        if not s:
            close()
            continue
        nxt = next((x.strip() for x in lines[i + 1 : i + 2]), "")
        if (s.startswith("@") or _is_caps(s)) and (cur is None or cur.lines or cur.cue == ""):
            name = cue_name(s)
            if is_plausible_name(name, cast) and nxt and not _is_caps(nxt):
                close()
                cur = Block(cue=name)
                continue
            if cur is None or cur.lines or i + 1 == len(lines):
                if blocks or cur is not None:
                    derailed = True
                    break
                continue  # leading junk before anything usable
        if cur is not None and cur.cue and not cur.lines and s.startswith("(") and s.endswith(")"):
            cur.parenthetical = _paren(s)
            continue
        if cur is None:
            if not allow_action:
                if blocks:
                    derailed = True
                    break
                continue
            cur = Block()
        if cur.cue and cur.lines:
            # A second line of speech without a cue: small models use a line
            # break as a change of speaker, so the block ends here and what
            # follows is nobody's line.
            close()
            derailed = True
            break
        cur.lines.append(s)
    if cur is not None:
        blocks.append(cur)  # still open: the text may have been cut mid-element
    return Parse(blocks, derailed)


def _context_lines(context: str) -> set[str]:
    seen = set()
    for line in script_body(context).split("\n")[-400:]:
        key = _norm(line)
        if len(key) > 8:
            seen.add(key)
    return seen


def _clean_blocks(
    parse: Parse, mode: Mode, cast: Sequence[str], context: str
) -> tuple[list[Block], bool]:
    """Clean every block; a block that repeats the script or an earlier block ends the run."""
    seen = _context_lines(context)
    out: list[Block] = []
    looped = False
    for b in parse.blocks:
        if b.cue:
            speech = clean_speech(" ".join(b.lines))
            if not speech:
                break  # an unusable line: what follows is not to be trusted
            key = _norm(speech)
            if key in seen:
                looped = True
                break
            if out and out[-1].cue == b.cue:
                break  # the same speaker twice running: the model lost the scene
            seen.add(key)
            paren = b.parenthetical
            lead = re.match(r"^\(([^()]*)\)\s*(.+)$", speech)
            if lead:
                # Fountain reads a speech line opening with "(" as a parenthetical.
                speech = lead.group(2)
                paren = paren or _paren(f"({lead.group(1)})")
            if speech.startswith("("):
                break
            out.append(Block(b.cue, paren, [speech], b.closed))
        else:
            text = clean_text(" ".join(b.lines))
            if not text:
                continue
            text = _dedupe_sentences(" ".join(cut_loops(text.split())))
            key = _norm(text)
            if key in seen:
                looped = True
                break
            seen.add(key)
            out.append(Block("", "", [text], b.closed))
    return out, looped


def _words_of(blocks: Sequence[Block]) -> int:
    return sum(len(b.speech.split()) for b in blocks)


def _trim_words(blocks: list[Block], count: int) -> list[Block]:
    """Keep elements until about ``count`` words, the last cut at a sentence end."""
    out: list[Block] = []
    total = 0
    for b in blocks:
        remaining = count - total
        if remaining <= 0:
            break
        n = len(b.speech.split())
        if n <= remaining:
            text = b.speech if b.closed else cut_at_sentence(b.speech, n)
        else:
            # Finish the sentence that crosses the target, within reason.
            text = cut_at_sentence(b.speech, remaining + max(8, remaining // 4), min_words=1)
        if not text:
            continue
        out.append(Block(b.cue, b.parenthetical, [text], True))
        total += len(text.split())
    return out


def postprocess(
    raw: str,
    mode: Mode,
    count: int,
    character: str | None,
    cast: Sequence[str],
    *,
    context: str = "",
) -> str:
    """The usable part of a continuation, as Fountain text to splice in (maybe ``""``).

    * ``lines``: at most ``count`` dialogue blocks (cue in caps, optional
      parenthetical, one line of dialogue) separated by blank lines;
    * ``words``: about ``count`` words of action paragraphs and dialogue
      blocks, ending at a sentence end;
    * ``line_for``: one line of dialogue for ``character``, without its cue.

    ``context`` is the script before the hole; a line that repeats it is a
    loop or a prompt echo and ends the usable text.
    """
    if count < 1:
        return ""
    parse = parse_continuation(raw, character, cast, allow_action=(mode == "words"))
    blocks, _ = _clean_blocks(parse, mode, cast, context)
    if mode == "line_for":
        if not blocks or blocks[0].cue != cue_name(character or blocks[0].cue).upper():
            return ""
        return clean_speech(blocks[0].speech, 30)
    if mode == "lines":
        if character and (not blocks or blocks[0].cue != cue_name(character).upper()):
            return ""  # the forced speaker's line failed; later blocks are adrift
        dialogue = [b for b in blocks if b.cue][:count]
        return "\n\n".join(b.fountain() for b in dialogue)
    kept = _trim_words(blocks, count)
    return "\n\n".join(b.fountain() for b in kept)


def continuation_done(
    raw: str, mode: Mode, count: int, character: str | None, cast: Sequence[str]
) -> bool:
    """Whether generating more can no longer change :func:`postprocess`'s answer.

    Used as a stopping criterion while the model writes: stop once enough
    complete elements exist, or once the text has derailed.
    """
    if mode == "line_for":
        # Done once a complete line cleans into a usable one; junk before it
        # (a stray cue, a blank) is skipped rather than ending the attempt.
        complete = raw[: raw.rfind("\n") + 1]
        return bool(complete.strip()) and bool(postprocess(complete, mode, 1, character, cast))
    parse = parse_continuation(raw, character, cast, allow_action=(mode == "words"))
    if parse.derailed:
        return True
    closed = [b for b in parse.blocks if b.closed]
    if mode == "lines":
        return sum(1 for b in closed if b.cue) >= count
    return _words_of(closed) >= count


def words_in(text: str) -> int:
    """Words of speech and action in Fountain text made by :func:`postprocess`."""
    n = 0
    for para in text.split("\n\n"):
        lines = para.split("\n")
        if len(lines) > 1:
            lines = [ln for ln in lines[1:] if not ln.startswith("(")]
        n += sum(len(ln.split()) for ln in lines)
    return n


# --------------------------------------------------------------------------
# The scene, from structure (issue #13): who is here, where, and what was said
# --------------------------------------------------------------------------

_HEADING_RE = re.compile(r"^(?:(?:INT|EXT|EST|INT\./EXT|INT/EXT|I/E)[. ]|\.(?!\.))", re.IGNORECASE)
_CAST_LABEL_RE = re.compile(
    r"^cast[ \t]+(?P<name>[^\"#\n]+?)[ \t]*(?:\"(?P<label>[^\"]*)\")?[ \t]*(?:#.*)?$",
    re.MULTILINE,
)
_OFFSCREEN_RE = re.compile(r"\((V\.O\.?|O\.S\.?|O\.C\.?|OFF)\)", re.IGNORECASE)
#: Title-page keys read as the film's one-sentence pitch.
_LOGLINE_KEYS = ("logline", "synopsis", "description")
#: Characters who narrate rather than take part (never chosen to speak in a scene).
NARRATORS = frozenset({"NARRATOR"})


@dataclass(frozen=True)
class SceneContext:
    """What the model is told about the place of a hole (built from the script's structure)."""

    title: str
    logline: str
    heading: str  # the scene heading ("INT. EMPTY ROOM - NIGHT"), "" before any
    present: tuple[str, ...]  # who takes part in the scene, on screen
    offscreen: tuple[str, ...]  # who speaks in it as V.O. / O.S.
    descriptions: tuple[tuple[str, str], ...]  # (NAME, label from `cast NAME "label"`)
    known: tuple[str, ...]  # every character declared or heard before the hole
    lines: str  # the last lines of the script (Fountain, bounded), ending in the scene
    #: (NAME, "(V.O.)") for the off-screen voices, as their cues are written.
    extensions: tuple[tuple[str, str], ...] = ()

    def cue(self, name: str) -> str:
        """The cue line for ``name`` in this scene: an off-screen voice keeps its extension."""
        ext = dict(self.extensions).get(name, "")
        return f"{name} {ext}" if ext else name

    def description(self, name: str) -> str:
        return dict(self.descriptions).get(name, "")

    def speakers(self) -> tuple[str, ...]:
        """Who may speak in this scene: the present and off-screen characters.

        When the scene has nobody yet (a hole right after a heading), anyone
        the script knows, narrators excepted.
        """
        out = [n for n in (*self.present, *self.offscreen) if n not in NARRATORS]
        if not out:
            out = [n for n in self.known if n not in NARRATORS]
        return tuple(dict.fromkeys(out))

    def digest_text(self) -> str:
        """Everything the prompt carries, in one canonical text (the lock's `prompt:` hash)."""
        return raw_prompt(self, None)


def _scene_start(body_lines: list[str]) -> int:
    for i in range(len(body_lines) - 1, -1, -1):
        s = body_lines[i].strip()
        prev_blank = i == 0 or not body_lines[i - 1].strip()
        if s and prev_blank and _HEADING_RE.match(s) and not s.startswith(".."):
            return i
    return -1


def scene_context(preceding: str, *, max_chars: int = 1600) -> SceneContext:
    """Read the script before a hole into a :class:`SceneContext`."""
    text = preceding.replace("\r\n", "\n")
    fields, rest = split_title_page(text)
    stripped = _strip_markup_blocks(text)
    descriptions: list[tuple[str, str]] = []
    for m in _CAST_LABEL_RE.finditer(stripped):
        name = cue_name(m.group("name")).upper()
        if name and name not in dict(descriptions):
            descriptions.append((name, (m.group("label") or "").strip()))
    logline = next((fields[k] for k in _LOGLINE_KEYS if fields.get(k)), "")
    if not logline:
        syn = re.search(r"^=(?!=)\s*(.+)$", rest, re.MULTILINE)
        logline = syn.group(1).strip() if syn else ""
    body = script_body(rest)
    body_lines = body.split("\n")
    start = _scene_start(body_lines)
    heading = body_lines[start].strip().lstrip(".").strip() if start >= 0 else ""
    scene = "\n".join(body_lines[start + 1 :] if start >= 0 else body_lines)
    known = known_cast(preceding)
    present: list[str] = []
    offscreen: list[str] = []
    extensions: list[tuple[str, str]] = []
    scene_lines = scene.split("\n")
    for i, line in enumerate(scene_lines):
        s = line.strip()
        if not s or not (s.startswith("@") or _is_caps(s)):
            continue
        if not ((i == 0 or not scene_lines[i - 1].strip()) and i + 1 < len(scene_lines)):
            continue
        if not scene_lines[i + 1].strip():
            continue
        name = cue_name(s)
        if not (is_plausible_name(name, known) or s.startswith("@")):
            continue
        off = _OFFSCREEN_RE.search(s)
        target = offscreen if off else present
        if name not in present and name not in offscreen:
            target.append(name)
            if off:
                extensions.append((name, f"({off.group(1).upper()})"))
    # Characters the scene's action names ("A man enters") are present too.
    action = " ".join(ln for ln in scene_lines if ln.strip() and not _is_caps(ln.strip())).lower()
    for name in known:
        if name in present or name in offscreen or name in NARRATORS or len(name) < 3:
            continue
        if re.search(r"\b" + re.escape(name.lower()) + r"\b", action):
            present.append(name)
    # The scene's own lines (its heading first): what happened in other scenes
    # is not what these people are talking about, and an edit there must not
    # disturb this scene's locked holes.  Only a hole before any scene sees
    # the script's opening.
    lines = (
        _tail("\n".join(body_lines[start:]), max_chars) if start >= 0 else _tail(body, max_chars)
    )
    return SceneContext(
        title=fields.get("title", ""),
        logline=logline,
        heading=heading,
        present=tuple(present),
        offscreen=tuple(offscreen),
        descriptions=tuple(descriptions),
        known=known,
        lines=lines,
        extensions=tuple(extensions),
    )


def _people(ctx: SceneContext, names: Sequence[str]) -> str:
    out = []
    for n in names:
        d = ctx.description(n)
        out.append(f"{n} ({d})" if d and d.upper() != n else n)
    return ", ".join(out)


def scene_notes(ctx: SceneContext) -> list[str]:
    """The header lines both prompt styles share: title, logline, cast, place, who is here."""
    out = []
    if ctx.title:
        out.append(f"Title: {ctx.title}")
    if ctx.logline:
        out.append(f"Logline: {ctx.logline}")
    speakers = ctx.speakers()
    if speakers:
        out.append("Characters: " + _people(ctx, speakers))
    if ctx.heading:
        out.append(f"Scene: {ctx.heading}")
    if ctx.present:
        out.append("In the scene: " + ", ".join(n for n in ctx.present if n not in NARRATORS))
    if ctx.offscreen:
        out.append("Heard off-screen: " + ", ".join(ctx.offscreen))
    return out


def raw_prompt(ctx: SceneContext, cue: str | None, extra: str = "") -> str:
    """Plain continuation for base models (GPT-2 style): notes, then the script, then the cue.

    ``extra`` is the text already generated for this hole (appended to the
    script, so the prompt of line k+1 extends the prompt of line k and the
    model's cached prefix is reused).
    """
    header = "\n".join(scene_notes(ctx))
    script = ctx.lines.rstrip() or "FADE IN:"
    if extra.strip():
        script += "\n\n" + extra.strip()
    text = (header + "\n\n" if header else "") + script + "\n\n"
    if cue:
        text += cue_name(cue).upper() + "\n"
    return text


CHAT_SYSTEM = (
    "You are a screenwriter. Continue the screenplay with the next line of dialogue: "
    "the speaker's name in capitals on one line, their words on the next. Stay in the "
    "scene and in character; write one complete, natural sentence or two."
)


def chat_messages(ctx: SceneContext, extra: str = "") -> tuple[str, str]:
    """(system, user) turns for an instruct model's chat template."""
    speakers = ctx.speakers()
    system = CHAT_SYSTEM
    if speakers:
        system += " Only these characters speak: " + ", ".join(speakers) + "."
    notes = "\n".join(scene_notes(ctx))
    script = ctx.lines.rstrip() or "FADE IN:"
    if extra.strip():
        script += "\n\n" + extra.strip()
    user = (notes + "\n\n" if notes else "") + "The screenplay so far:\n\n" + script
    return system, user


# --------------------------------------------------------------------------
# Judging one line (the best-of-N score; docs/dialogue.md "Scoring")
# --------------------------------------------------------------------------

#: Words a sentence does not end on: "To your!" is a fragment.
_DANGLING = frozenset(
    """a an the to of and or but if with from at by into onto my your our their than
    because while whose very""".split()
)
PENALTY_FRAGMENT = 1.5
PENALTY_REPEAT = 2.0
PENALTY_SHORT = 1.0
PENALTY_EXCLAIM = 1.5


def _sentences(text: str) -> list[str]:
    return [p for p in re.split(r"(?<=[.!?…])\s+", text.strip()) if p.strip()]


def is_fragment(line: str) -> bool:
    """An unfinished line: no closing punctuation, a trailing-off cut, or a dangling last word."""
    s = line.strip().rstrip("\"'”’)")
    if not s or s.endswith("..."):
        return True
    if s[-1] not in ".!?…":
        return True
    words = re.findall(r"[A-Za-z']+", s)
    return bool(words) and words[-1].lower() in _DANGLING


def is_exclamation_only(line: str) -> bool:
    """Every sentence is a short exclamation ("Oh no!", "To your!")."""
    parts = _sentences(line)
    return bool(parts) and all(p.rstrip().endswith("!") and len(p.split()) <= 4 for p in parts)


def _trigrams(text: str) -> set[tuple[str, ...]]:
    w = _norm(text).split()
    return {tuple(w[i : i + 3]) for i in range(len(w) - 2)}


def repetition(line: str, context: str) -> float:
    """Share of the line's word trigrams already in the context (0 = all new, 1 = a copy)."""
    grams = _trigrams(line)
    if not grams:
        key = _norm(line)
        return 1.0 if key and key in {_norm(x) for x in context.split("\n")} else 0.0
    return len(grams & _trigrams(context)) / len(grams)


@dataclass(frozen=True)
class LineScore:
    """The documented best-of-N score of one candidate line."""

    total: float
    mean_logprob: float
    fragment: bool
    repeat: float
    short: bool
    exclaim: bool


def score_line(line: str, mean_logprob: float, context: str, previous: str = "") -> LineScore:
    """mean token log-prob − penalties (see docs/dialogue.md, "Best of N").

    * fragment (unfinished, or ending on a dangling word): −1.5
    * repetition of the context: −2.0 × the share of its trigrams already there
    * under 3 words: −1.0, unless the line before it was itself that short
    * exclamation-only ("Oh no!"): −1.5
    """
    frag = is_fragment(line)
    rep = repetition(line, context)
    n_words = len(line.split())
    short = n_words < 3 and len(previous.split()) >= 3
    excl = is_exclamation_only(line)
    total = (
        mean_logprob
        - PENALTY_FRAGMENT * frag
        - PENALTY_REPEAT * rep
        - PENALTY_SHORT * short
        - PENALTY_EXCLAIM * excl
    )
    return LineScore(total, mean_logprob, frag, rep, short, excl)
