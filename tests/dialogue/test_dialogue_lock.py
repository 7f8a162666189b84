"""The lock file: round trips, stable order, hand-edit errors with their line, no torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from screenplay.dialogue.lock import LockEntry, LockError, LockFile, hole_key, prompt_hash

REPO = Path(__file__).resolve().parents[2]


def _entry(key: str, line: int, text: str = "MAN\nHello.", **kw: object) -> LockEntry:
    fields: dict[str, object] = dict(
        key=key,
        text=text,
        mode="lines",
        count=1,
        seed=0,
        temperature=0.8,
        model="default",
        identity="SmolLM2.gguf@sha256:abc",
        cast=("MAN", "WOMAN"),
        prompt="sha256:00ff",
        line=line,
    )
    fields.update(kw)
    return LockEntry(**fields)  # type: ignore[arg-type]


def test_round_trip_keeps_text_exactly(tmp_path: Path) -> None:
    lock = LockFile()
    text = (
        'MAN\n(quietly)\nIt still hasn\'t begun.\n\nWOMAN\n  Spaces inside | pipes, "quotes": fine.'
    )
    lock.put(_entry("aaaa1111bbbb2222cccc", 12, text))
    lock.put(
        _entry("0000ffff0000ffff0000", 40, "It began.", mode="line_for", character="WOMAN", draw=2)
    )
    path = tmp_path / "film.film.lock"
    lock.save(path)
    again = LockFile.load(path)
    assert again.get("aaaa1111bbbb2222cccc") == lock.get("aaaa1111bbbb2222cccc")
    assert again.get("0000ffff0000ffff0000") == lock.get("0000ffff0000ffff0000")
    assert again.dumps() == lock.dumps()


def test_order_is_source_order_and_stable() -> None:
    a, b = LockFile(), LockFile()
    e1, e2, e3 = _entry("cccc", 5), _entry("aaaa", 30), _entry("bbbb", 30)
    for e in (e1, e2, e3):
        a.put(e)
    for e in (e3, e2, e1):
        b.put(e)
    assert a.dumps() == b.dumps()
    assert [e.key for e in a] == ["cccc", "aaaa", "bbbb"]
    text = a.dumps()
    assert text.index("hole cccc") < text.index("hole aaaa") < text.index("hole bbbb")


def test_missing_file_is_empty_and_empty_lock_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "none.lock"
    lock = LockFile.load(path)
    assert len(lock) == 0
    lock.save(path)
    assert not path.exists()


def test_prune_and_relocate() -> None:
    lock = LockFile()
    for k in ("aaaa", "bbbb", "cccc"):
        lock.put(_entry(k, 1))
    assert lock.prune({"bbbb"}) == 2
    assert [e.key for e in lock] == ["bbbb"]
    lock.relocate("bbbb", 99)
    assert lock.get("bbbb").line == 99  # type: ignore[union-attr]


def test_hole_key_covers_everything_but_order() -> None:
    p = {"mode": "lines", "count": 3, "seed": 1, "temperature": 0.8, "cast": ["A", "B"]}
    same = dict(reversed(list(p.items())))
    assert hole_key("m@1", "prompt", p) == hole_key("m@1", "prompt", same)
    assert hole_key("m@1", "prompt", p) != hole_key("m@2", "prompt", p)
    assert hole_key("m@1", "prompt", p) != hole_key("m@1", "prompt!", p)
    assert hole_key("m@1", "prompt", p) != hole_key("m@1", "prompt", {**p, "seed": 2})
    assert prompt_hash("x") != prompt_hash("y")


GOOD = LockFile()
GOOD.put(_entry("aaaa1111bbbb2222cccc", 3))
GOOD_TEXT = GOOD.dumps()


def _line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.split("\n"), 1) if needle in ln)


@pytest.mark.parametrize(
    ("edit", "needle", "words"),
    [
        (lambda t: t.replace("format: 2", "format: 7"), "format: 7", "unsupported lock format"),
        (lambda t: t.replace("  count: 1", "  count: three"), "count: three", "whole number"),
        (lambda t: t.replace("  seed: 0", "  sead: 0"), "sead: 0", "did you mean `seed`"),
        (lambda t: t.replace("  temperature: 0.8", "  temperature: 9"), "temperature: 9", "(0, 2]"),
        (lambda t: t.replace("  mode: lines", "  mode: poems"), "mode: poems", "mode"),
        (lambda t: t.replace("    | Hello.", "Hello."), "Hello.", "unexpected line"),
        (lambda t: t.replace("    | Hello.", "  | Hello."), "| Hello.", "four spaces"),
        (lambda t: t.replace("  model: default\n", ""), "hole aaaa", "lacks `model`"),
        (
            lambda t: t.replace("hole aaaa1111bbbb2222cccc", "hole XYZ"),
            "hole XYZ",
            "not a hole key",
        ),
        (lambda t: t + t.split("format: 2\n", 1)[1], None, "appears twice"),
        (lambda t: t.replace("  mode: lines", "  mode: lines\n  mode: lines"), None, "twice"),
    ],
)
def test_hand_edited_lock_reports_its_line(tmp_path: Path, edit, needle, words) -> None:  # type: ignore[no-untyped-def]
    bad = edit(GOOD_TEXT)
    path = tmp_path / "film.film.lock"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(LockError) as info:
        LockFile.load(path)
    err = info.value
    assert words in err.message + " " + err.help
    assert err.path == path and err.code == "SP0703"
    assert err.col >= 1
    if needle is not None:
        assert err.line == _line_of(bad, needle)
    else:
        assert 1 <= err.line <= bad.count("\n") + 1


def test_column_points_at_the_value(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    path.write_text(GOOD_TEXT.replace("  count: 1", "  count: three"), encoding="utf-8")
    with pytest.raises(LockError) as info:
        LockFile.load(path)
    line = path.read_text().split("\n")[info.value.line - 1]
    assert line[info.value.col - 1 :] == "three"


def test_non_utf8_lock_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    path.write_bytes(b"format: 1\n\xff\xfe\n")
    with pytest.raises(LockError) as info:
        LockFile.load(path)
    assert info.value.line == 2


def test_cheap_modules_never_import_torch() -> None:
    code = (
        "import sys\n"
        "import screenplay.dialogue, screenplay.dialogue.lock, screenplay.dialogue.prompt\n"
        "import screenplay.dialogue.errors, screenplay.dialogue.fill_core\n"
        "import screenplay.dialogue.model\n"
        "from screenplay.dialogue.lock import LockFile\n"
        "LockFile.loads('format: 1\\n')\n"
        "bad = [m for m in ('torch', 'transformers', 'tokenizers', 'gguf') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, timeout=60)


def test_format_1_is_still_read_and_marked_legacy() -> None:
    old = GOOD_TEXT.replace("format: 2", "format: 1")
    lock = LockFile.loads(old)
    assert lock.legacy and len(lock) == len(LockFile.loads(GOOD_TEXT))
    assert not LockFile.loads(GOOD_TEXT).legacy


def test_new_fields_round_trip() -> None:
    from screenplay.dialogue.lock import LockEntry

    lock = LockFile()
    lock.put(
        LockEntry(
            "abcdef0123456789abcd",
            "MAN\nHello.",
            "lines",
            1,
            2,
            0.8,
            "default",
            "",
            hole="[[generate 1 lines seed=2]]",
            after="WOMAN: Hi.",
            top_p=0.9,
            candidates=6,
            new_characters=True,
        )
    )
    again = LockFile.loads(lock.dumps())
    assert again.entries == lock.entries
    assert "  new_characters: yes\n" in lock.dumps() and "identity" not in lock.dumps()
