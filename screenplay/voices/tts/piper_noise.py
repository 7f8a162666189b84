"""Reproducible Piper: the voice model's random noise, drawn from a seed we control.

A Piper voice (VITS) draws Gaussian noise twice per sentence: for the duration
predictor (how long each phoneme lasts) and for the latent that the decoder
turns into sound.  In the ONNX graph these are ``RandomNormalLike`` nodes,
which onnxruntime seeds from the clock when the session is created and then
advances on every run.  So the same sentence came out different on every
machine, in every process, and depending on which sentences were spoken
before it (``say joe`` gave 300,244 bytes one time and 284,062 the next; SRT
times moved by 40 ms; two clean builds of a film differed).

:func:`load_seeded_voice` rewrites those nodes, in memory, into graph inputs:
``RandomNormalLike(X)`` becomes ``Reshape(Slice(noise_k, 0, prod(shape(X))),
shape(X))``.  :class:`SeededSession` then feeds each ``noise_k`` from a NumPy
generator seeded by a hash of *what is being synthesized* (phoneme ids,
scales, speaker), so a sentence sounds the same on every run, machine and
position, and still varies like real speech from one sentence to the next.
The noise is a single stream whose first ``n`` values do not depend on how
many were drawn, so the tensor is drawn generously and sliced by the graph.

The session runs single-threaded inside (``intra_op_num_threads=1``): CPU
kernels that split work by thread count can round differently, and the build
synthesizes several lines in parallel threads anyway.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

#: Bump when the noise wiring changes (it is part of the voice's cache key).
NOISE_VERSION = 1
#: First guess at the latent's length: frames per phoneme id (VITS rarely exceeds ~20).
FRAMES_PER_ID = 48
#: Channels of the widest noise tensor (the decoder latent of the Piper voices).
WIDEST = 192


def patch_noise(model: Any) -> list[str]:
    """Replace every ``RandomNormalLike`` node of ``model`` (an onnx ModelProto); return inputs."""
    from onnx import TensorProto, helper

    graph = model.graph
    names: list[str] = []
    nodes = list(graph.node)
    del graph.node[:]
    zero = helper.make_tensor("screenplay_noise_zero", TensorProto.INT64, [1], [0])
    axis = helper.make_tensor("screenplay_noise_axis", TensorProto.INT64, [1], [0])
    graph.initializer.extend([zero, axis])
    for node in nodes:
        if node.op_type != "RandomNormalLike":
            graph.node.append(node)
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if attrs.get("mean", 0.0) != 0.0 or attrs.get("scale", 1.0) != 1.0:
            raise ValueError("only standard normal noise can be replaced")
        k = len(names)
        name = f"screenplay_noise_{k}"
        names.append(name)
        graph.input.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, ["n"]))
        p = f"screenplay_noise_{k}_"
        graph.node.extend(
            [
                helper.make_node("Shape", [node.input[0]], [p + "shape"]),
                helper.make_node("ReduceProd", [p + "shape"], [p + "count"], keepdims=1),
                helper.make_node(
                    "Slice",
                    [name, "screenplay_noise_zero", p + "count", "screenplay_noise_axis"],
                    [p + "flat"],
                ),
                helper.make_node("Reshape", [p + "flat", p + "shape"], [node.output[0]]),
            ]
        )
    return names


class SeededSession:
    """An onnxruntime session whose noise inputs are fed from a per-input seed."""

    def __init__(self, session: Any, noise_inputs: list[str]) -> None:
        self.session = session
        self.noise_inputs = noise_inputs

    def __getattr__(self, name: str) -> Any:
        return getattr(self.session, name)

    def seed(self, feed: dict[str, Any]) -> int:
        h = hashlib.sha256(b"piper-noise")
        h.update(str(NOISE_VERSION).encode())
        for key in sorted(feed):
            arr = np.ascontiguousarray(feed[key])
            h.update(key.encode() + str(arr.dtype).encode() + str(arr.shape).encode())
            h.update(arr.tobytes())
        return int.from_bytes(h.digest()[:8], "little")

    def run(self, output_names: Any, feed: dict[str, Any], *args: Any, **kw: Any) -> Any:
        if not self.noise_inputs:
            return self.session.run(output_names, feed, *args, **kw)
        streams = np.random.SeedSequence(self.seed(feed)).spawn(len(self.noise_inputs))
        ids = int(np.asarray(feed["input"]).shape[-1])
        scales = np.asarray(feed.get("scales", [0.0, 1.0, 0.0]), dtype=np.float64)
        length = max(1.0, float(scales[1]) if scales.size > 1 else 1.0)
        count = int(WIDEST * FRAMES_PER_ID * max(ids, 8) * length)
        for _ in range(4):
            full = dict(feed)
            for name, seq in zip(self.noise_inputs, streams, strict=True):
                full[name] = np.random.default_rng(seq).standard_normal(count, dtype=np.float32)
            try:
                return self.session.run(output_names, full, *args, **kw)
            except Exception:
                # The latent was longer than the noise drawn (a very slow line):
                # draw more; the first values are the same, so the result is too.
                count *= 4
        return self.session.run(output_names, full, *args, **kw)


def load_seeded_voice(path: str, include_alignments: bool) -> Any:
    """A ``piper.PiperVoice`` for ``path`` whose synthesis is a function of its input."""
    import onnx
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    model = onnx.load(path)
    if include_alignments:
        from piper.patch_voice_with_alignment import add_alignment_output

        try:
            add_alignment_output(model)
        except ValueError:
            pass  # already patched on disk, or no alignment tensor: use as is
    noise = patch_noise(model)
    opts = onnxruntime.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        model.SerializeToString(), sess_options=opts, providers=["CPUExecutionProvider"]
    )
    config = json.loads(Path(f"{path}.json").read_text(encoding="utf-8"))
    return PiperVoice(
        session=SeededSession(session, noise),
        config=PiperConfig.from_dict(config),
    )
