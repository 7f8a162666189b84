"""The fill pass with a real (tiny) causal LM, loaded from a local path by the real code.

A tiny GPT-2 is trained in a few seconds on screenplay-shaped text
(tests/dialogue/tiny_model.py); the film asks for it with
``[[generate 2 lines model="…"]]`` and a ``...`` line.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from screenplay.api import load_film
from screenplay.diagnostics import Diagnostics
from screenplay.passes.fill import fill, find_holes, freeze, lock_path
from screenplay.syntax import ast

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("torch")
    from tests.dialogue.tiny_model import build_tiny_gpt2

    return build_tiny_gpt2(tmp_path_factory.mktemp("tiny-gpt2"))


def _film(tmp_path: Path, model: Path) -> Path:
    p = tmp_path / "gap.film"
    p.write_text(
        f"""Title: A Gap

INT. EMPTY ROOM - DAY

MAN
It still hasn't begun.

WOMAN
...

[[generate 2 lines model="{model}" seed=3]]

MAN
Goodbye.
""",
        encoding="utf-8",
    )
    return p


def test_generate_parse_lock_and_reuse(
    tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(tmp_path / "cache"))
    src = _film(tmp_path, tiny_model)
    film, items = load_film(src)
    assert film is not None and not Diagnostics(list(items)).has_errors
    assert [h.mode for h in find_holes(film)] == ["line_for", "lines"]

    from screenplay.dialogue.model import load_model

    loads: list[str | None] = []

    def counting(ref: str | None):
        loads.append(ref)
        return load_model(ref)

    diags = Diagnostics()
    out = fill(film, diags, get_model=counting)
    assert not diags.has_errors, [d.one_line() for d in diags]
    assert out.generated == 2 and loads
    # The `...` line now has text — or, when a model this tiny writes nothing
    # usable for WOMAN, an honest warning and the line stays unspoken.
    body = out.film.script.body
    woman = next(
        b for b in body if isinstance(b, ast.DialogueBlock) and b.character.name == "WOMAN"
    )
    line = next(p for p in woman.parts if isinstance(p, ast.DialogueLine))
    if line.text.strip() == "...":
        assert [d.code for d in diags if d.span.line == line.span.line] == ["SP0704"]
    # The directive became dialogue blocks.
    assert not any(isinstance(b, ast.Directive) and b.name == "generate" for b in body)
    blocks = [b for b in body if isinstance(b, ast.DialogueBlock)]
    assert len(blocks) >= 4  # MAN, WOMAN, ≥1 generated, MAN
    for b in blocks:  # every speaker, generated ones included, is cast
        assert b.character.name.upper() in out.film.cast
    lock = lock_path(film)
    n_locked = len(out.filled)
    assert lock is not None and lock.read_text(encoding="utf-8").count("\nhole ") == n_locked

    # A second run takes everything from the lock and loads no model.
    film2, _ = load_film(src)
    loads.clear()
    out2 = fill(film2, Diagnostics(), get_model=counting)
    # only a hole that had nothing locked may call the model again
    assert out2.generated <= 2 - n_locked and len(loads) <= 2 - n_locked
    assert [t for _, t in out2.filled][-n_locked:] == [t for _, t in out.filled][-n_locked:]

    # --write freezes the text into the source; the film then has no holes.
    text = freeze(film2, out2.filled)
    assert "[[generate" not in text
    src.write_text(text, encoding="utf-8")
    film3, items3 = load_film(src)
    assert film3 is not None and len(find_holes(film3)) == 2 - n_locked
    assert not Diagnostics(list(items3)).has_errors


def test_edit_above_a_hole_keeps_the_locked_text(
    tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(tmp_path / "cache"))
    src = _film(tmp_path, tiny_model)
    film, _ = load_film(src)
    first = fill(film, Diagnostics())
    assert first.generated == 2
    # keep only the [[generate]] hole (the tiny model may fail the `...` one)
    src.write_text(
        src.read_text()
        .replace("It still hasn't begun.", "It has not begun yet.")
        .replace("WOMAN\n...\n\n", "")
    )
    first_text = [t for h, t in first.filled if h.mode == "lines"]

    def refuse(ref: str | None):
        raise AssertionError("the model must not be loaded for a kept lock")

    film2, _ = load_film(src)
    diags = Diagnostics()
    out = fill(film2, diags, get_model=refuse, locked=True)
    assert not diags.has_errors
    assert [d.code for d in diags if d.severity.value != "note"] == ["SP0310"]
    assert [t for _, t in out.filled] == first_text
    # `screenplay fill` moves the entries to the new prompt: no more warnings after it.
    fill(film2, Diagnostics(), get_model=refuse, prune=True)
    film3, _ = load_film(src)
    again = Diagnostics()
    fill(film3, again, get_model=refuse, locked=True)
    assert not [d for d in again if d.severity.value != "note"]


def _cli(*args: str, env_cache: Path) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "screenplay", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "SCREENPLAY_CACHE_DIR": str(env_cache)},
    )


def test_locked_build_refuses_unlocked_holes(tmp_path: Path, tiny_model: Path) -> None:
    src = _film(tmp_path, tiny_model)
    r = _cli("build", str(src), "--locked", "--size", "64x36", env_cache=tmp_path / "c")
    assert r.returncode == 1
    assert "error[SP0709]" in r.stderr and "Traceback" not in r.stderr
    assert not src.with_suffix(".mp4").exists()


def test_bad_lock_and_missing_model_are_diagnostics(tmp_path: Path, tiny_model: Path) -> None:
    src = _film(tmp_path, tiny_model)
    lock = src.with_name(src.name + ".lock")
    lock.write_text("format: 1\n\nhole abc\n  seed: not-a-number\n  text:\n", encoding="utf-8")
    r = _cli("fill", str(src), env_cache=tmp_path / "c")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{lock.name}:" in r.stderr  # points into the lock file, with its line

    lock.unlink()
    src.write_text(
        src.read_text().replace(str(tiny_model), "no-such-org/no-such-model"), encoding="utf-8"
    )
    r = _cli("fill", str(src), env_cache=tmp_path / "c")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "error[SP07" in r.stderr
