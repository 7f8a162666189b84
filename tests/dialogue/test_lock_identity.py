"""Lock keys that survive editing (issue #13): insert, delete, reorder and edit around holes.

Runs the real fill pass on real .film files with a fast deterministic model
(its line says which seed drew it, so moved text would show).  The rules:

* a hole's key is its own text + the nearest *written* dialogue line above it
  + an occurrence index: never a line number, never the order of holes;
* inserting, deleting or reordering other holes changes no key;
* an edit above a hole keeps its text, with SP0310;
* ``--locked`` never moves text from one hole to another.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from screenplay.api import load_film
from screenplay.diagnostics import Diagnostics
from screenplay.dialogue.lock import LockFile
from screenplay.dialogue.model import Sample
from screenplay.passes.fill import fill, find_holes, lock_path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

FILM = """Title: Lock

INT. KITCHEN - NIGHT

ANNA
Did you hear that?

BORIS
It was only the wind.

[[generate 2 lines]]

ANNA
Then why is the door open?

BORIS
...

INT. HALL - NIGHT

CLARA
Who left the lights on?

[[generate 1 lines seed=5]]
"""


class Teller:
    """Says which draw it is and where: moved text would give itself away."""

    identity = "teller@1"
    has_chat_template = False

    def __init__(self) -> None:
        self.calls = 0
        self.tokens_generated = 0

    def encode(self, text: str, *, first: bool = False) -> list[int]:
        return [ord(c) for c in text]

    def choose(self, ids: list[int], options: list[list[int]], **kw: Any) -> int:
        return 0

    def sample_lines(self, ids: list[int], *, n: int, seed: int, **kw: Any) -> list[Sample]:
        self.calls += 1

        # Numbers spelt in letters (speech has no digits); every prompt differs,
        # so every line is new to its scene.
        def w(x: int) -> str:
            return "".join("abcdefghij"[int(d)] for d in str(x))

        at = w(len(ids))
        return [
            Sample(f"Draw {w(seed)} at {at}, {at} {w(i)} and {at}.\n", (-1.0 - i,))
            for i in range(n)
        ]


def _refuse(ref: str | None) -> Any:
    raise AssertionError("a locked hole must not load a model")


def _fill(path: Path, **kw: Any) -> tuple[dict[str, str], Diagnostics, Any]:
    film, items = load_film(path)
    assert film is not None and not Diagnostics(list(items)).has_errors
    diags = Diagnostics()
    out = fill(film, diags, **kw)
    return {h.text + " @ " + h.anchor: t for h, t in out.filled}, diags, out


def _codes(diags: Diagnostics) -> list[str]:
    return [d.code for d in diags if d.severity.value in ("error", "warning")]


def _setup(tmp_path: Path, text: str = FILM) -> tuple[Path, dict[str, str]]:
    src = tmp_path / "lock.film"
    src.write_text(text, encoding="utf-8")
    texts, diags, out = _fill(src, get_model=lambda ref: Teller(), prune=True)
    assert out.generated == 3 and not _codes(diags)
    return src, texts


def test_keys_ignore_line_numbers_and_hole_order(tmp_path: Path) -> None:
    src, _ = _setup(tmp_path)
    film, _ = load_film(src)
    keys = [h.key for h in find_holes(film)]
    assert len(set(keys)) == 3
    moved = FILM.replace("Title: Lock\n", "Title: Lock\nAuthor: me\n\n\n")
    src.write_text(moved)
    film2, _ = load_film(src)
    assert [h.key for h in find_holes(film2)] == keys  # everything shifted down: same keys


def test_inserting_a_hole_above_keeps_every_locked_text(tmp_path: Path) -> None:
    src, texts = _setup(tmp_path)
    # The reproducer: a new `...` hole above an existing one.
    src.write_text(FILM.replace("[[generate 2 lines]]", "BORIS\n...\n\n[[generate 2 lines]]"))
    after, diags, out = _fill(src, get_model=_refuse, locked=True)
    # Only the new hole is unlocked; the two below it in the scene keep their
    # text and say that what they follow has changed.
    assert _codes(diags) == ["SP0709", "SP0310", "SP0310"]
    assert [d.span.line for d in diags if d.code == "SP0709"] == [12]
    for k, v in texts.items():
        assert after[k] == v  # the old holes keep their own text
    gen, diags, out = _fill(src, get_model=lambda ref: Teller(), prune=True)
    assert out.generated == 1 and _codes(diags) == ["SP0310", "SP0310"]
    assert {k: gen[k] for k in texts} == texts
    _, quiet, _ = _fill(src, get_model=_refuse, locked=True)
    assert not _codes(quiet)  # `fill` recorded the new prompts


def test_deleting_a_hole_keeps_the_others(tmp_path: Path) -> None:
    src, texts = _setup(tmp_path)
    src.write_text(FILM.replace("[[generate 2 lines]]\n\n", ""))
    after, diags, _ = _fill(src, get_model=_refuse, locked=True)
    assert _codes(diags) == ["SP0310"]  # BORIS's line no longer follows the generated two
    assert after == {k: v for k, v in texts.items() if not k.startswith("[[generate 2")}


def test_reordering_scenes_moves_each_text_with_its_hole(tmp_path: Path) -> None:
    src, texts = _setup(tmp_path)
    head, kitchen_hall = FILM.split("INT. KITCHEN - NIGHT")
    kitchen, hall = kitchen_hall.split("INT. HALL - NIGHT")
    src.write_text(
        head + "INT. HALL - NIGHT" + hall.rstrip() + "\n\nINT. KITCHEN - NIGHT" + kitchen
    )
    after, diags, _ = _fill(src, get_model=_refuse, locked=True)
    assert not _codes(diags)  # each scene is as it was: same prompts, same text
    assert after == texts


def test_swapping_two_holes_never_swaps_their_text(tmp_path: Path) -> None:
    twins = FILM.replace(
        "[[generate 1 lines seed=5]]", "[[generate 1 lines seed=5]]\n\nCLARA\nAnd?\n"
    )
    src, texts = _setup(tmp_path, twins)
    # The two directives trade places: each now follows another line.
    swapped = (
        twins.replace("[[generate 2 lines]]", "@@A")
        .replace("[[generate 1 lines seed=5]]", "[[generate 2 lines]]")
        .replace("@@A", "[[generate 1 lines seed=5]]")
    )
    src.write_text(swapped)
    after, diags, _ = _fill(src, get_model=_refuse, locked=True)
    assert _codes(diags).count("SP0709") == 2  # regenerate, rather than move text
    assert all(after.get(k) in (None, v) for k, v in texts.items())
    assert set(after.values()) <= {texts[k] for k in texts if k.startswith("BORIS ...")}


def test_an_edit_above_keeps_the_text_with_a_warning(tmp_path: Path) -> None:
    src, texts = _setup(tmp_path)
    src.write_text(FILM.replace("Did you hear that?", "Did you hear that noise?"))
    after, diags, _ = _fill(src, get_model=_refuse, locked=True)
    assert _codes(diags) == ["SP0310", "SP0310"]  # the two kitchen holes see the edit
    assert after == texts
    # `screenplay fill` records the new prompts: no warning after it.
    _fill(src, get_model=_refuse, prune=True)
    _, quiet, _ = _fill(src, get_model=_refuse, locked=True)
    assert not _codes(quiet)


def test_editing_the_anchor_line_adopts_the_orphaned_text(tmp_path: Path) -> None:
    src, texts = _setup(tmp_path)
    src.write_text(FILM.replace("It was only the wind.", "It was the wind, nothing more."))
    after, diags, _ = _fill(src, get_model=_refuse, locked=True)
    assert _codes(diags) == ["SP0310", "SP0310"]  # adopted; BORIS's line sees the edit
    assert sorted(after.values()) == sorted(texts.values())


def test_identical_holes_are_told_apart_by_occurrence(tmp_path: Path) -> None:
    twin = "BORIS\n...\n\nBORIS\n...\n"
    text = FILM.replace("BORIS\n...\n", twin)
    src, texts = _setup(tmp_path, text.replace("[[generate 1 lines seed=5]]", ""))
    film, _ = load_film(src)
    holes = [h for h in find_holes(film) if h.text == "BORIS ..."]
    assert len(holes) == 2 and holes[0].key != holes[1].key


def test_the_example_lock_migrates_from_format_1_with_the_same_text(tmp_path: Path) -> None:
    old = subprocess.run(
        ["git", "-C", str(EXAMPLES.parent), "show", "e33ee21:examples/the_empty_room.film.lock"],
        capture_output=True,
        text=True,
    )
    if old.returncode != 0:  # a shallow clone without the history
        return
    src = tmp_path / "the_empty_room.film"
    shutil.copy(EXAMPLES / "the_empty_room.film", src)
    lock = lock_path(load_film(src)[0])  # type: ignore[arg-type]
    assert lock is not None
    lock.write_text(old.stdout, encoding="utf-8")
    legacy = LockFile.load(lock)
    assert legacy.legacy and len(legacy) == 1
    (old_text,) = [e.text for e in legacy]
    texts, diags, out = _fill(src, get_model=_refuse, locked=True)
    assert not _codes(diags) and list(texts.values()) == [old_text]
    _fill(src, get_model=_refuse, prune=True)  # `screenplay fill` rewrites it as format 2
    now = LockFile.load(lock)
    assert not now.legacy and [e.text for e in now] == [old_text]
    assert now.dumps() == (EXAMPLES / "the_empty_room.film.lock").read_text().replace(
        "  line: 129\n", f"  line: {next(iter(now)).line}\n"
    )
