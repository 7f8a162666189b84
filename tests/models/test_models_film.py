"""The model backends inside real .film builds: diagnostics at the declarations, and a film."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from screenplay.build import build
from screenplay.cache import Cache

FILM = """\
Title: Tiny Models
Format: 128x72, 12 fps

cast MAN
    face: diffusion(prompt="a man", seed=7, model="{sd}", steps=2)
    voice: {voice}
set EMPTY ROOM
    image: diffusion(prompt="an empty room at dusk", model="{sd}", steps=2)
cue THEME
    music: musicgen(prompt="slow ambient piano", seed=3, model="{mg}", segment=1s)

INT. EMPTY ROOM - DUSK

[[music THEME fade-in 1s]]

MAN
It still hasn't begun.

[[music THEME stop fade-out 1s]]
"""


def _write(folder: Path, **kw: str) -> Path:
    film = folder / "tiny.film"
    values = {"sd": "tiny-sd", "mg": "tiny-mg", "voice": 'espeak(variant="m3")', **kw}
    film.write_text(FILM.format(**values), encoding="utf-8")
    return film


def _where(res: object, code: str) -> list[tuple[int, int]]:
    return [
        (d.span.line, d.span.col)
        for d in res.diagnostics  # type: ignore[attr-defined]
        if d.code == code
    ]


def test_missing_weights_are_reported_at_the_declarations(
    no_models_env: Path, tmp_path: Path
) -> None:
    film = _write(
        tmp_path,
        voice='coqui(model="nobody/xtts", speaker_wav="me.wav")',
    )
    (tmp_path / "me.wav").write_bytes(b"RIFF")  # only needs to exist for the front end
    out = tmp_path / "tiny.mp4"
    res = build(film, out, quality="preview", cache=Cache(tmp_path / "c"))
    assert not res.ok and not out.exists()
    assert sorted(_where(res, "SP0530")) == [
        (5, 5),
        (7, 5),
    ]  # the face: line, the set's declaration
    assert _where(res, "SP0630") == [(9, 5)]  # the cue's declaration
    # coqui-tts: not importable on CPU-torch machines (SP0430), else the model is missing
    coqui = _where(res, "SP0430") or _where(res, "SP0431")
    assert coqui == [(6, 5)]  # once, at the voice: line, not at every line
    text = "\n".join(d.one_line() for d in res.diagnostics)
    assert "tiny.film:5:5" in text and "Traceback" not in text


@pytest.mark.slow
def test_film_with_diffusion_set_and_face_and_musicgen_cue(
    tiny_sd: Path, tiny_musicgen: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import av

    models = tmp_path / "models"
    models.mkdir()
    shutil.copytree(tiny_sd, models / "tiny-sd")
    shutil.copytree(tiny_musicgen, models / "tiny-mg")
    monkeypatch.setenv("SCREENPLAY_MODELS", str(models))
    (tmp_path / "film").mkdir()
    film = _write(tmp_path / "film")
    out = film.with_suffix(".mp4")
    res = build(film, out, quality="preview", cache=Cache(tmp_path / "c"))
    assert res.ok, [d.one_line() for d in res.diagnostics]
    assert _where(res, "SP0533") == [(5, 5)]  # random weights draw no face: an oval still
    with av.open(str(out)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    with av.open(str(out)) as c:
        audio = np.concatenate([f.to_ndarray().reshape(-1) for f in c.decode(audio=0)])
    assert frames[0].shape == (72, 128, 3)
    assert float(np.abs(audio).max()) > 0.01  # music and voice on the soundtrack
    if (keep := Path("/tmp/models-look")).parent.is_dir() and keep.exists():
        from PIL import Image

        Image.fromarray(frames[len(frames) // 2]).save(keep / "frame.png")
