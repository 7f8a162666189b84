"""The cheap side of music: constructors, key/instrument validation, fade checks, stdlib presets."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from screenplay.backends.protocols import AssetSpec
from screenplay.music import errors, schema
from screenplay.music.keys import KeyParseError, parse_key
from screenplay.resources import stdlib_dir


def test_at_least_five_styles_plus_file() -> None:
    names = {c.name for c in schema.CONSTRUCTORS}
    assert len(names - {"file"}) >= 5
    assert "file" in names
    for ctor in schema.CONSTRUCTORS:
        assert ctor.kind == "music"
        # model backends have their own module (screenplay.music.musicgen, docs/models.md)
        assert ctor.module == (
            "screenplay.music.musicgen" if ctor.name == "musicgen" else "screenplay.music.engine"
        )
        assert ctor.doc
    drone = next(c for c in schema.CONSTRUCTORS if c.name == "drone")
    assert {p.name for p in drone.params} >= {
        "key",
        "tempo",
        "bpm",
        "mood",
        "instruments",
        "seed",
        "volume",
    }
    mood = drone.param("mood")
    assert mood is not None and mood.type == "choice" and "melancholy" in mood.choices
    file_ctor = next(c for c in schema.CONSTRUCTORS if c.name == "file")
    assert [(p.name, p.type) for p in file_ctor.params][:4] == [
        ("path", "path"), ("tempo", "float"), ("offset", "duration"), ("loop", "bool"),
    ]  # fmt: skip


def test_schema_import_is_cheap() -> None:
    heavy = "('numpy', 'scipy', 'av', 'pretty_midi', 'pyloudnorm')"
    code = (
        "import sys, screenplay.music.schema; "
        f"print(sorted(m for m in {heavy} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("text", "tonic", "mode"),
    [("D minor", 2, "minor"), ("F# major", 6, "major"), ("Bbm", 10, "minor"), ("Am", 9, "minor"),
     ("c dorian", 0, "dorian"), ("Eb harmonic minor", 3, "harmonic minor"), ("G", 7, "major")],
)  # fmt: skip
def test_keys_parse(text: str, tonic: int, mode: str) -> None:
    key = parse_key(text)
    assert (key.tonic, key.mode) == (tonic, mode)


def test_bad_keys_have_helpful_hints() -> None:
    with pytest.raises(KeyParseError) as h:
        parse_key("H minor")
    assert "B minor" in h.value.help
    with pytest.raises(KeyParseError) as m:
        parse_key("D minr")
    assert "D minor" in m.value.help
    problems = schema.validate(AssetSpec("music", "drone", {"key": "H minor"}))
    assert [p[0] for p in problems] == [errors.UNKNOWN_KEY]
    assert "B minor" in problems[0][2]


def test_validate_unknown_style_and_instrument() -> None:
    problems = schema.validate(AssetSpec("music", "dron", {}))
    assert problems[0][0] == errors.UNKNOWN_STYLE and 'did you mean "drone"' in problems[0][2]
    problems = schema.validate(AssetSpec("music", "piano", {"instruments": "Cello, Celllo"}))
    assert problems[0][0] == errors.UNKNOWN_INSTRUMENT and "Cello" in problems[0][2]
    assert schema.parse_instruments("cello, 46, Music Box") == [42, 46, 10]
    assert (
        schema.validate(AssetSpec("music", "piano", {"key": "A minor", "instruments": "harp"}))
        == []
    )


def test_check_fades() -> None:
    assert schema.check_fades(10.0, 2.0, 3.0) == []
    assert [p[0] for p in schema.check_fades(0.0, 0.0, 0.0)] == [errors.ZERO_LENGTH]
    assert [p[0] for p in schema.check_fades(4.0, 5.0, 0.0)] == [errors.FADE_TOO_LONG]
    assert [p[0] for p in schema.check_fades(4.0, 2.5, 2.5)] == [errors.FADE_TOO_LONG]
    assert errors.BAD_VALUE in [p[0] for p in schema.check_fades(4.0, -1.0, 0.0)]


def test_codes_are_in_range_and_explained() -> None:
    for code, (title, text) in errors.CODES.items():
        assert re.fullmatch(r"SP06\d\d", code)
        assert title and len(text) > 40


_PRESET = re.compile(r'^music ([a-z_][a-z0-9_]*) "([^"]*)": ([a-z_]+)\((.*)\)$')
_ARG = re.compile(r'\s*([a-z_]+)=("(?:[^"]*)"|-?\d+(?:\.\d+)?|true|false)\s*(?:,|$)')


def _presets() -> list[tuple[str, AssetSpec]]:
    out = []
    for line in (stdlib_dir() / "music.film").read_text().splitlines():
        if not line.strip() or (line.startswith("/*") and line.rstrip().endswith("*/")):
            continue
        m = _PRESET.match(line)
        assert m, f"not a preset line: {line!r}"
        args = {}
        for name, raw in _ARG.findall(m.group(4)):
            args[name] = (
                raw.strip('"')
                if raw.startswith('"')
                else (
                    raw == "true"
                    if raw in ("true", "false")
                    else float(raw)
                    if "." in raw
                    else int(raw)
                )
            )
        out.append((m.group(1), AssetSpec("music", m.group(3), args, preset=m.group(1))))
    return out


def test_stdlib_presets_are_valid() -> None:
    presets = _presets()
    assert len(presets) >= 5
    assert len({spec.constructor for _, spec in presets}) >= 5
    for name, spec in presets:
        ctor = next(c for c in schema.CONSTRUCTORS if c.name == spec.constructor)
        for arg in spec.params:
            assert ctor.param(arg) is not None, (name, arg)
        assert schema.validate(spec) == [], name
