"""Fuzzing in the test suite: the front end never raises, never hangs, never prints raw controls.

Every input goes through :func:`tests.fuzz.harness.check_one`, i.e. what
``screenplay check`` does in-process (read → parse → resolve → check → print every
diagnostic in every format), and must pass: no exception, under the time bound,
every caret inside its file, no raw control character in the output.

Bounded for CI (well under a minute together): Hypothesis draws fragment scripts,
random text and mutations of the corpus (examples, golden cases, stdlib), and a
fixed slice of the long run (``python -m tests.fuzz.run``, docs/robustness.md)
is replayed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.corpus import FRAGMENTS, OPS, apply, seeds
from tests.fuzz.harness import check_one, prepare_workdir
from tests.fuzz.run import input_text

pytestmark = pytest.mark.timeout(120)


def fuzz_settings(n: int) -> settings:
    return settings(
        max_examples=n,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        derandomize=True,  # the same examples on every run: CI failures reproduce locally
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare_workdir(tmp_path_factory.mktemp("fuzz"))


def _passes(text: str, workdir: Path) -> None:
    outcome = check_one(text, workdir)
    assert outcome.ok, f"{outcome.kind}: {outcome.detail}\n--- input ---\n{text[:2000]}"


@fuzz_settings(120)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40))
def test_random_fragment_scripts(workdir: Path, parts: list[str]) -> None:
    _passes("\n".join(parts), workdir)


@fuzz_settings(120)
@given(st.text(max_size=400))
def test_random_text(workdir: Path, text: str) -> None:
    _passes(text, workdir)


@fuzz_settings(150)
@given(
    st.integers(min_value=0, max_value=10**6),
    st.lists(
        st.tuples(st.integers(0, OPS - 1), st.integers(0, 1 << 20), st.integers(0, 1 << 20)),
        min_size=1,
        max_size=12,
    ),
)
def test_mutated_corpus(workdir: Path, which: int, ops: list[tuple[int, int, int]]) -> None:
    corpus = seeds()
    _passes(apply(corpus[which % len(corpus)], ops, corpus), workdir)


def test_long_run_slice(workdir: Path) -> None:
    """The first 300 inputs of the documented long run (seed 0) all pass."""
    failures = []
    for i in range(300):
        outcome = check_one(input_text(0, i), workdir)
        if not outcome.ok:
            failures.append((i, outcome.kind, outcome.detail[:500]))
    assert not failures, failures


def test_the_harness_catches_each_failure_kind(workdir: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A fuzzer that cannot fail proves nothing: inject each failure and see it reported."""
    import time

    import tests.fuzz.harness as harness
    from screenplay.diagnostics.core import Diagnostic

    real = harness.load_film

    def boom(path):  # type: ignore[no-untyped-def]
        raise RecursionError("injected")

    monkeypatch.setattr(harness, "load_film", boom)
    assert check_one("x", workdir).kind == "escape"

    def slow(path):  # type: ignore[no-untyped-def]
        end = time.process_time() + 0.3  # CPU, not sleep: the bound is CPU time
        while time.process_time() < end:
            pass
        return real(path)

    monkeypatch.setattr(harness, "load_film", slow)
    assert check_one("x", workdir, bound=0.1).kind == "hang"

    def spin(path):  # type: ignore[no-untyped-def]
        while True:
            pass

    monkeypatch.setattr(harness, "load_film", spin)
    assert check_one("x", workdir, bound=0.05).kind == "hang"

    def raw_control(path):  # type: ignore[no-untyped-def]
        film, diags = real(path)
        d = Diagnostic("SP0105", diags[0].severity, "x", diags[0].span, help="\x1b[2J")
        return film, [d]

    monkeypatch.setattr(harness, "load_film", raw_control)
    monkeypatch.setattr("screenplay.diagnostics.render.printable", lambda s, keep="": s)
    assert check_one("[[hodl]]\n", workdir).kind == "control"
