"""`screenplay say` and `screenplay voices` from the command line."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from screenplay.cli import main


def test_say_writes_a_48k_wav(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "line.wav"
    assert (
        main(
            ["say", "greta", "The room is *empty*.", "-o", str(out), "-p", "(quietly)", "--timings"]
        )
        == 0
    )
    with wave.open(str(out)) as w:
        assert w.getframerate() == 48000 and w.getnchannels() == 1 and w.getnframes() > 24000
    assert "empty" in capsys.readouterr().out


def test_say_unknown_preset_suggests_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["say", "audery", "Hello.", "-o", str(tmp_path / "x.wav")]) == 1
    err = capsys.readouterr().err
    assert "did you mean" in err and "audrey" in err and "Traceback" not in err
    assert not (tmp_path / "x.wav").exists()


def test_say_engine_error_is_a_diagnostic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["say", "carlos", "Привет, как дела?", "-o", str(tmp_path / "x.wav")]) == 1
    assert "SP0405" in capsys.readouterr().err


def test_voices_lists_presets_and_engines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["voices"]) == 0
    out = capsys.readouterr().out
    for word in ("dicka", "carlos", "audrey", "piper", "flite", "festival", "espeak", "1.51"):
        assert word in out
