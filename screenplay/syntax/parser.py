"""Parse a source into the AST: classified lines → Lark (fountain.lark) → AST.

Production values and directive arguments are parsed by a second Lark parser
(``grammar/production.lark``).  Parsing never raises for bad input: problems
become diagnostics and the parser recovers (a bad value becomes ``None``, a
misspelt directive stays a note) so one run reports everything.
"""

from __future__ import annotations

import builtins
import math
import re
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import LarkError, UnexpectedEOF, UnexpectedInput
from lark.lexer import Lexer

from screenplay.diagnostics import Diagnostics
from screenplay.diagnostics.codes import (
    BAD_DIRECTIVE_ARGUMENTS,
    DUAL_DIALOGUE_WITHOUT_A_PARTNER,
    LOOKS_LIKE_A_USE_LINE,
    MALFORMED_PRODUCTION_VALUE,
    MALFORMED_PROPERTY,
    MISSPELT_DECLARATION_KEYWORD,
    NUMBER_TOO_LARGE,
    PROPERTY_OUTSIDE_A_DECLARATION,
    UNKNOWN_DIRECTIVE,
    VALUE_NESTS_TOO_DEEPLY,
)
from screenplay.diagnostics.core import did_you_mean
from screenplay.directives import SPECS
from screenplay.resources import grammar_path
from screenplay.syntax import ast
from screenplay.syntax.classify import (
    PRESET_KEYWORDS,
    PRODUCTION_KEYWORDS,
    Line,
    LineToken,
    classify,
    is_upper_name,
    parse_decl,
    parse_preset,
    parse_use,
    strip_hidden,
)
from screenplay.syntax.source import Source, Span

#: How deep calls and lists may nest in a production value or directive (SP0110).
MAX_NESTING = 16
#: The largest magnitude of a number in a film (SP0111); seeds are < 2**31, durations hours.
MAX_NUMBER = 1e12

#: Directive names understood by the compiler: the one vocabulary is ``directives.SPECS``
#: (arguments are checked against it in passes/check.py).
DIRECTIVES = tuple(SPECS)


# --------------------------------------------------------------------------
# Lark plumbing
# --------------------------------------------------------------------------


class _LineLexer(Lexer):
    """Feeds pre-classified line tokens to Lark; the token value is the index."""

    def __init__(self, lexer_conf: Any) -> None:
        pass

    def lex(self, data: Any, *args: Any) -> Iterator[Token]:  # data: list[LineToken]
        for idx, lt in enumerate(data):
            sp = lt.span
            yield Token(
                lt.type,
                str(idx),
                start_pos=idx,
                line=sp.line,
                column=sp.col,
                end_line=sp.end_line,
                end_column=sp.end_col,
                end_pos=idx + 1,
            )


@cache
def _structure_parser() -> Lark:
    return Lark(
        grammar_path("fountain.lark").read_text(encoding="utf-8"),
        parser="lalr",
        lexer=_LineLexer,
        propagate_positions=True,
        maybe_placeholders=False,
    )


@cache
def _production_parser() -> Lark:
    return Lark(
        grammar_path("production.lark").read_text(encoding="utf-8"),
        parser="lalr",
        start=["value", "directive"],
        propagate_positions=True,
        maybe_placeholders=False,
    )


# --------------------------------------------------------------------------
# Production values
# --------------------------------------------------------------------------


def _unquote(s: str) -> str:
    body = s[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


class _ValueBuilder(Transformer[Token, Any]):
    """Lark tree of production.lark → ast.Value, with spans relative to a base."""

    def __init__(self, base: Span, diags: Diagnostics) -> None:
        super().__init__()
        self.base = base
        self.diags = diags
        #: A number that cannot be used was reported; the value is dropped.
        self.bad = False

    def _checked(self, tok: Token, value: float, what: str) -> float:
        """Numbers are validated where they are read: finite and of a sane magnitude."""
        if not math.isfinite(value) or abs(value) > MAX_NUMBER:
            self.diags.report(
                NUMBER_TOO_LARGE,
                self._span(tok),
                f"{what} `{_clip(str(tok))}` is too large",
                f"numbers in a film are at most {MAX_NUMBER:.0e} in size",
                "too large",
            )
            self.bad = True
            return 0.0
        return value

    def _span(self, meta_or_tok: Any) -> Span:
        b = self.base
        line = getattr(meta_or_tok, "line", 1) or 1
        col = getattr(meta_or_tok, "column", 1) or 1
        end_line = getattr(meta_or_tok, "end_line", line) or line
        end_col = getattr(meta_or_tok, "end_column", col + 1) or col + 1
        if line == 1:
            col += b.col - 1
        if end_line == 1:
            end_col += b.col - 1
        return Span(b.file, b.line + line - 1, col, b.line + end_line - 1, end_col)

    def string(self, items: list[Token]) -> ast.Str:
        return ast.Str(self._span(items[0]), _unquote(str(items[0])))

    def number(self, items: list[Token]) -> ast.Num:
        return ast.Num(self._span(items[0]), self._checked(items[0], float(items[0]), "the number"))

    def duration(self, items: list[Token]) -> ast.Num:
        raw = str(items[0])
        m = re.fullmatch(r"(-?\d+(?:\.\d+)?)(ms|s|sec|min)", raw)
        assert m
        v = float(m.group(1)) * {"ms": 0.001, "s": 1.0, "sec": 1.0, "min": 60.0}[m.group(2)]
        return ast.Num(self._span(items[0]), self._checked(items[0], v, "the duration"), "s")

    def level(self, items: list[Token]) -> ast.Num:
        raw = str(items[0]).replace(" ", "")
        v = self._checked(items[0], float(raw[:-2]), "the level")
        return ast.Num(self._span(items[0]), v, "dB")

    def boolean(self, items: list[Token]) -> ast.Bool:
        return ast.Bool(self._span(items[0]), str(items[0]) in ("true", "on", "yes"))

    def name(self, items: list[Token]) -> ast.Name:
        return ast.Name(self._span(items[0]), str(items[0]))

    @v_args(meta=True)
    def list(self, meta: Any, items: list[ast.Value]) -> ast.ListValue:
        return ast.ListValue(self._span(meta), tuple(items))

    @v_args(meta=True)
    def alternatives(self, meta: Any, items: Sequence[ast.Value]) -> ast.Alternatives:
        return ast.Alternatives(self._span(meta), tuple(items))

    @v_args(meta=True)
    def call(self, meta: Any, items: builtins.list[Any]) -> ast.Call:
        name_tok = items[0]
        args = tuple(a for a in items[1:] if a is not None)
        return ast.Call(self._span(meta), str(name_tok), args, self._span(name_tok))

    @v_args(meta=True)
    def kwarg(self, meta: Any, items: builtins.list[Any]) -> ast.Arg:
        return ast.Arg(str(items[0]), items[1], self._span(meta), self._span(items[0]))

    @v_args(meta=True)
    def posarg(self, meta: Any, items: builtins.list[Any]) -> ast.Arg:
        return ast.Arg(None, items[0], self._span(meta))

    dkwarg = kwarg
    dposarg = posarg

    @v_args(meta=True)
    def directive(
        self, meta: Any, items: builtins.list[Any]
    ) -> tuple[str, Span, tuple[ast.Arg, ...]]:
        return str(items[0]), self._span(items[0]), tuple(items[1:])


def parse_value(text: str, base: Span, diags: Diagnostics) -> ast.Value | None:
    """Parse one production value; on failure report SP0102 and return None."""
    text = _strip_comment(text)
    if not text.strip():
        diags.report(
            MALFORMED_PRODUCTION_VALUE,
            base,
            "missing value",
            "write a value after the colon",
            "expected a value",
        )
        return None
    if _too_deep(text, base, diags):
        return None
    try:
        tree = _production_parser().parse(text, start="value")
    except UnexpectedInput as exc:
        _report_value_error(exc, text, base, diags)
        return None
    except LarkError:
        diags.report(MALFORMED_PRODUCTION_VALUE, base, "this value could not be read")
        return None
    builder = _ValueBuilder(base, diags)
    value = builder.transform(tree)
    if builder.bad:
        return None
    return value if isinstance(value, ast.Value) else None


def _too_deep(text: str, base: Span, diags: Diagnostics) -> bool:
    """Report SP0110 if calls/lists nest deeper than :data:`MAX_NESTING` (outside strings).

    Checked before parsing, in one linear scan, so that every later step that walks a
    value (the tree transformer, ``ast.plain``, JSON dumps) works on a bounded depth.
    """
    depth = 0
    quote = ""
    escaped = False
    for i, ch in enumerate(text):
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "([":
            depth += 1
            if depth > MAX_NESTING:
                line = text.count("\n", 0, i)
                col = i - (text.rfind("\n", 0, i) + 1) + 1
                start = base.col + col - 1 if line == 0 else col
                diags.report(
                    VALUE_NESTS_TOO_DEEPLY,
                    Span(base.file, base.line + line, start, base.line + line, start + 1),
                    f"this value nests more than {MAX_NESTING} levels deep",
                    "flatten it: calls and lists in a film nest a few levels at most",
                    "too deep",
                )
                return True
        elif ch in ")]":
            depth = max(depth - 1, 0)
    return False


def _clip(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _strip_comment(text: str) -> str:
    """Drop a trailing ``# comment`` that is outside quotes."""
    in_q: str | None = None
    for i, ch in enumerate(text):
        if in_q:
            if ch == in_q and text[i - 1] != "\\":
                in_q = None
        elif ch in "\"'":
            in_q = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
    return text.rstrip()


def _report_value_error(exc: UnexpectedInput, text: str, base: Span, diags: Diagnostics) -> None:
    tok = getattr(exc, "token", None)
    lines = text.split("\n")
    if isinstance(exc, UnexpectedEOF) or getattr(tok, "type", "") == "$END":
        stripped = text.rstrip()
        line = stripped.count("\n") + 1
        col = len(stripped.split("\n")[-1]) + 1
    else:
        line = getattr(exc, "line", 1) or 1
        col = getattr(exc, "column", 1) or 1
    if not isinstance(line, int) or not 1 <= line <= len(lines):
        line = 1
    if not isinstance(col, int) or col < 1:
        col = 1
    col = min(col, len(lines[line - 1]) + 1)
    bad = lines[line - 1][col - 1 : col] or " "
    start = base.col + col - 1 if line == 1 else col
    span = Span(
        base.file,
        base.line + line - 1,
        start,
        base.line + line - 1,
        start + max(len(bad.strip()), 1),
    )
    expected = sorted(getattr(exc, "expected", None) or getattr(exc, "allowed", None) or [])
    hint = ""
    if text.count('"') % 2 == 1:
        hint = "a string is missing its closing quote"
    elif text.count("(") != text.count(")"):
        hint = "the parentheses are not balanced"
    elif expected:
        pretty = ", ".join(_pretty_terminal(e) for e in expected[:6])
        hint = f"expected {pretty}"
    at_end = line == len(text.rstrip().split("\n")) and col > len(text.rstrip().split("\n")[-1])
    diags.report(
        MALFORMED_PRODUCTION_VALUE,
        span,
        "this value ends too early" if at_end else f"unexpected `{bad}` in value",
        hint or "see the language reference for value syntax",
        "here",
    )


def _pretty_terminal(name: str) -> str:
    return {
        "RPAR": "`)`",
        "LPAR": "`(`",
        "COMMA": "`,`",
        "EQUAL": "`=`",
        "STRING": "a string",
        "NAME": "a name",
        "NUMBER": "a number",
        "DURATION": "a duration",
        "RSQB": "`]`",
        "LSQB": "`[`",
        "BOOL": "true/false",
        "LEVEL": "a level in dB",
        "$END": "the end",
    }.get(name, name)


def parse_directive(
    text: str, span: Span, inner: Span, diags: Diagnostics
) -> ast.Directive | ast.Note:
    """A note → a Directive if it is one, else a Note (SP0105 for a misspelt directive)."""
    flat = " ".join(text.split())
    m = re.match(r"^([a-z][a-z\-]*)\b", flat)
    if not m:
        return ast.Note(span, text)
    word = m.group(1)
    if word not in DIRECTIVES:
        close = did_you_mean(word, DIRECTIVES, cutoff=0.75)
        if close and len(flat) < 120:
            wspan = Span(
                inner.file,
                inner.line,
                inner.col + (len(text) - len(text.lstrip())),
                inner.line,
                inner.col + (len(text) - len(text.lstrip())) + len(word),
            )
            diags.report(
                UNKNOWN_DIRECTIVE,
                wspan,
                f"unknown directive `{word}`",
                f"did you mean `{close}`?\nif this is an ordinary note, start it with a capital "
                "letter or any word that is not a directive",
                "not a directive",
            )
        return ast.Note(span, text)
    # Parse the note as written (it may span lines) so spans map back exactly.
    base = inner
    if _too_deep(text, base, diags):
        return ast.Directive(span, word, (), text, broken=True)
    try:
        tree = _production_parser().parse(text, start="directive")
    except UnexpectedInput as exc:
        _report_value_error(exc, text, base, diags)
        return ast.Directive(span, word, (), text, broken=True)
    except LarkError:
        diags.report(BAD_DIRECTIVE_ARGUMENTS, span, f"the arguments of `{word}` could not be read")
        return ast.Directive(span, word, (), text, broken=True)
    builder = _ValueBuilder(base, diags)
    name, name_span, args = builder.transform(tree)
    if builder.bad:
        return ast.Directive(span, name, (), text, name_span, broken=True)
    return ast.Directive(span, name, args, text, name_span)


# --------------------------------------------------------------------------
# Structure → AST
# --------------------------------------------------------------------------


class _Builder:
    def __init__(self, source: Source, toks: list[LineToken], diags: Diagnostics) -> None:
        self.source = source
        self.toks = toks
        self.diags = diags

    def lt(self, token: Token) -> LineToken:
        return self.toks[int(token)]

    def build(self, tree: Tree[Token]) -> ast.Script:
        title: ast.TitlePage | None = None
        body: list[ast.Element | None] = []
        for child in tree.children:
            if isinstance(child, Token):  # BREAK
                body.append(None)  # remembered so dual dialogue can see adjacency
                continue
            if child.data == "title_page":
                title = self.title_page(child)
                continue
            el = getattr(self, child.data)(child)
            if isinstance(el, list):
                body.extend(el)
            else:
                body.append(el)
        return ast.Script(self.source.name, title, tuple(self._pair_duals(body)))

    # -- title page ----------------------------------------------------------
    def title_page(self, tree: Tree[Token]) -> ast.TitlePage:
        fields = []
        for f in tree.children:
            assert isinstance(f, Tree)
            key_lt = self.lt(f.children[0])  # type: ignore[arg-type]
            values = [str(key_lt.data.get("value", ""))] if key_lt.data.get("value") else []
            last = key_lt.span
            for v in f.children[1:]:
                vlt = self.lt(v)  # type: ignore[arg-type]
                values.append(vlt.text)
                last = vlt.span
            vs = key_lt.data.get("value_span")
            fields.append(
                ast.TitleField(
                    key_lt.span.to(last),
                    key_lt.text,
                    "\n".join(values),
                    vs if isinstance(vs, Span) else None,
                )
            )
        return ast.TitlePage(fields[0].span.to(fields[-1].span), tuple(fields))

    # -- simple elements -----------------------------------------------------
    def _one(self, tree: Tree[Token]) -> LineToken:
        return self.lt(tree.children[0])  # type: ignore[arg-type]

    def scene_heading(self, tree: Tree[Token]) -> ast.SceneHeading:
        t = self._one(tree)
        return ast.SceneHeading(t.span, t.text, t.data.get("number"), bool(t.data.get("forced")))  # type: ignore[arg-type]

    def action(self, tree: Tree[Token]) -> ast.Action:
        lts = [self.lt(c) for c in tree.children]  # type: ignore[arg-type]
        text = "\n".join(t.text for t in lts)
        if not lts[0].data.get("forced") and lts[0].line is not None:
            self._production_lookalike(lts[0].line)
        return ast.Action(lts[0].span.to(lts[-1].span), text, bool(lts[0].data.get("forced")))

    def _production_lookalike(self, line: Line) -> None:
        """Warn when an action paragraph was almost certainly meant as production.

        The narrator reads action aloud, so ``use ../x`` or ``cats ODILE`` silently
        becoming action is the worst outcome of a typo (SP0112, SP0113).
        """
        raw = line.text
        word = raw.split(None, 1)[0] if raw[:1].strip() else ""
        if not word or not word.islower() or not word.isalpha():
            return
        wspan = line.span(self.source, 0, len(word))
        rest = raw[len(word) :]
        if word == "use":
            body = rest.split("#", 1)[0].strip()
            if any(c in body for c in "/\\.\"'"):
                why = "`use` takes module names, not paths: `use NAME` loads NAME.film "
                why += "from the film's folder or the stdlib"
            elif len(body.replace(",", " ").split()) > len(body.split(",")):
                why = "separate module names with commas: `use voices, faces`"
            else:
                why = "write `use` and module names such as `use voices, faces`"
            self.diags.report(
                LOOKS_LIKE_A_USE_LINE,
                line.span(self.source, 0, len(raw.rstrip())),
                "this looks like a `use` line, but it is read as action",
                why + "\nif it is action, start it with a capital letter",
                "spoken by the narrator",
            )
            return
        if word in PRODUCTION_KEYWORDS:
            return
        close = did_you_mean(word, PRODUCTION_KEYWORDS, cutoff=0.75)
        if close is None:
            return
        fixed = close + rest
        if close == "use":
            shaped = parse_use(fixed) is not None
        elif close in PRESET_KEYWORDS:
            shaped = parse_preset(fixed) is not None
        else:
            decl = parse_decl(fixed)
            shaped = decl is not None and is_upper_name(decl.name)
        if shaped:
            self.diags.report(
                MISSPELT_DECLARATION_KEYWORD,
                wspan,
                f"`{word}` starts this paragraph like a declaration, but is not a keyword",
                f"did you mean `{close}`?\nas written, the narrator reads this line aloud",
                "not a keyword",
            )

    def transition(self, tree: Tree[Token]) -> ast.Transition:
        t = self._one(tree)
        return ast.Transition(t.span, t.text, bool(t.data.get("forced")))

    def centered(self, tree: Tree[Token]) -> ast.Centered:
        t = self._one(tree)
        return ast.Centered(t.span, t.text)

    def lyrics(self, tree: Tree[Token]) -> ast.Lyrics:
        lts = [self.lt(c) for c in tree.children]  # type: ignore[arg-type]
        return ast.Lyrics(lts[0].span.to(lts[-1].span), "\n".join(t.text for t in lts))

    def page_break(self, tree: Tree[Token]) -> ast.PageBreak:
        return ast.PageBreak(self._one(tree).span)

    def section(self, tree: Tree[Token]) -> ast.Section:
        t = self._one(tree)
        return ast.Section(t.span, t.text, int(t.data.get("depth", 1)))  # type: ignore[call-overload]

    def synopsis(self, tree: Tree[Token]) -> ast.Synopsis:
        t = self._one(tree)
        return ast.Synopsis(t.span, t.text)

    def note(self, tree: Tree[Token]) -> ast.Note | ast.Directive:
        t = self._one(tree)
        assert t.line is not None
        ref = next((r for r in t.line.notes if r.span == t.span), None)
        inner = ref.inner_span if ref else t.span
        el = parse_directive(t.text, t.span, inner, self.diags)
        if isinstance(el, ast.Note):
            return ast.Note(t.span, t.text, bool(t.data.get("standalone", True)))
        return el

    # -- dialogue --------------------------------------------------------------
    def dialogue(self, tree: Tree[Token]) -> ast.DialogueBlock:
        cue = self.lt(tree.children[0])  # type: ignore[arg-type]
        exts = cue.data.get("extensions", ())
        name = str(cue.data.get("name", cue.text))
        start = cue.span.col + (1 if cue.data.get("forced") else 0)
        name_span = Span(
            cue.span.file, cue.span.line, start, cue.span.line, start + max(len(name), 1)
        )
        character = ast.Character(
            cue.span,
            name,
            tuple(exts),  # type: ignore[arg-type]
            bool(cue.data.get("dual")),
            bool(cue.data.get("forced")),
            cue.text,
            name_span,
        )
        parts: list[ast.Speech] = []
        pending: list[LineToken] = []

        def flush() -> None:
            if pending:
                parts.append(
                    ast.DialogueLine(
                        pending[0].span.to(pending[-1].span), "\n".join(p.text for p in pending)
                    )
                )
                pending.clear()

        for child in tree.children[1:]:
            assert isinstance(child, Tree)
            kind = child.data
            if kind == "dialogue_line":
                pending.append(self._one(child))
                continue
            flush()
            if kind == "parenthetical":
                t = self._one(child)
                parts.append(ast.Parenthetical(t.span, t.text))
            elif kind == "lyric_line":
                t = self._one(child)
                parts.append(ast.DialogueLyric(t.span, t.text))
            elif kind == "note":
                parts.append(self.note(child))
        flush()
        end = parts[-1].span if parts else character.span
        return ast.DialogueBlock(character.span.to(end), character, tuple(parts))

    def _pair_duals(self, body: list[ast.Element | None]) -> list[ast.Element]:
        out: list[ast.Element] = []
        prev_sig: ast.Element | None = None  # last element, ignoring breaks
        for el in body:
            if el is None:
                continue
            if isinstance(el, ast.DialogueBlock) and el.dual:
                if isinstance(prev_sig, ast.DialogueBlock) and out and out[-1] is prev_sig:
                    out[-1] = ast.DualDialogue(prev_sig.span.to(el.span), prev_sig, el)
                    prev_sig = out[-1]
                    continue
                self.diags.report(
                    DUAL_DIALOGUE_WITHOUT_A_PARTNER,
                    el.character.span,
                    f"`{el.character.name} ^` has no dialogue block before it to pair with",
                    "dual dialogue pairs a cue ending in ^ with the dialogue block right before it",
                    "played alone",
                )
            out.append(el)
            prev_sig = el
        return out

    # -- production ------------------------------------------------------------
    def production(self, tree: Tree[Token]) -> ast.Element:
        inner = tree.children[0]
        assert isinstance(inner, Tree)
        return getattr(self, "prod_" + inner.data)(inner)  # type: ignore[no-any-return]

    def prod_use(self, tree: Tree[Token]) -> ast.Use:
        t = self._one(tree)
        assert t.line is not None
        mods = []
        raw = t.line.text
        for m in re.finditer(r"[A-Za-z_][\w\-]*", t.text):
            start = raw.index(t.text) + m.start()
            mods.append(
                ast.ModuleRef(t.line.span(self.source, start, start + len(m.group())), m.group())
            )
        return ast.Use(t.span, tuple(mods))

    def prod_declaration(self, tree: Tree[Token]) -> ast.Declaration:
        head = self._one(tree)
        props = []
        last = head.span
        for child in tree.children[1:]:
            assert isinstance(child, Tree)
            p = self._one(child)
            last = p.span
            key = p.data.get("key")
            if not key:
                self.diags.report(
                    MALFORMED_PROPERTY,
                    p.span,
                    "this line is not a `key: value` property",
                    "properties look like `voice: carlos`; an unindented line ends the declaration",
                    "expected `key: value`",
                )
                continue
            vs = p.data["value_span"]
            assert isinstance(vs, Span)
            value = parse_value(str(p.data["value"]), vs, self.diags)
            ks = p.data.get("key_span")
            props.append(
                ast.Property(p.span, str(key), value, ks if isinstance(ks, Span) else None)
            )
        ns = head.data.get("name_span")
        return ast.Declaration(
            head.span.to(last),
            str(head.data["keyword"]),
            str(head.data["name"]),
            str(head.data.get("label", "")),
            tuple(props),
            ns if isinstance(ns, Span) else None,
        )

    def prod_preset(self, tree: Tree[Token]) -> ast.Preset:
        t = self._one(tree)
        vs = t.data["value_span"]
        assert isinstance(vs, Span)
        value = parse_value(str(t.data["value"]), vs, self.diags)
        ns = t.data.get("name_span")
        return ast.Preset(
            t.span,
            str(t.data["keyword"]),
            str(t.data["name"]),
            str(t.data.get("label", "")),
            value,
            ns if isinstance(ns, Span) else None,
        )


def parse_source(
    source: Source, diags: Diagnostics | None = None
) -> tuple[ast.Script, Diagnostics]:
    """Parse ``source``; never raises for bad input."""
    diags = diags if diags is not None else Diagnostics()
    lines, problems = strip_hidden(source)
    for p in problems:
        diags.error(p.code, p.span, p.message, p.help, "opened here")
    toks = classify(source, lines)
    builder = _Builder(source, toks, diags)
    if not toks:
        return ast.Script(source.name, None, ()), diags
    try:
        tree = _structure_parser().parse(toks)
    except UnexpectedInput as exc:  # the classifier should make this impossible
        tok = getattr(exc, "token", None)
        span = (
            toks[int(tok)].span
            if isinstance(tok, Token) and str(tok).isdigit()
            else Span.point(source.name, 1)
        )
        diags.report(
            PROPERTY_OUTSIDE_A_DECLARATION,
            span,
            "this line does not fit here",
            "a property must follow a declaration",
        )
        return ast.Script(source.name, None, ()), diags
    return builder.build(tree), diags


def parse_text(text: str, name: str = "<string>") -> tuple[ast.Script, Diagnostics]:
    return parse_source(Source(name, text.replace("\r\n", "\n").replace("\r", "\n")))
