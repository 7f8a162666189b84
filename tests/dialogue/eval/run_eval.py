"""Compare dialogue models on the twenty scenes (docs/dialogue.md, "Choosing the model").

    python tests/dialogue/eval/run_eval.py generate OUT.jsonl [MODEL…]
    python tests/dialogue/eval/run_eval.py words OUT.jsonl [MODEL…]
    python tests/dialogue/eval/run_eval.py fluency OUT.jsonl
    python tests/dialogue/eval/run_eval.py table OUT.jsonl

``generate`` fills a ``[[generate 2 lines]]`` hole after each scene with each
model, twice: ``after`` is the current pipeline (structured prompt, cast
mask, best of 4), ``before`` the pipeline as it was before issue #13 (raw
prompt, forced first cue, the model runs on; taken from git history), so the
effect of the changes is measured on the same scenes and seeds.  ``fluency``
scores every line under the *other* model (mean token log-prob of the line
after the same plain-text prompt).  ``table`` prints the markdown table and
the five best and five worst lines.  Records are appended one per line, so
an interrupted run keeps what it did.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from scenes import SCENES  # noqa: E402

from screenplay.dialogue import prompt as P  # noqa: E402

#: The last commit before issue #13's pipeline (the "before" column).
BEFORE_COMMIT = "e33ee21"
SEED = 1


def _old_fill_core() -> types.ModuleType:
    src = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{BEFORE_COMMIT}:screenplay/dialogue/fill_core.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    mod = types.ModuleType("old_fill_core")
    sys.modules["old_fill_core"] = mod
    exec(compile(src, "old_fill_core.py", "exec"), mod.__dict__)
    return mod


def _blocks(text: str) -> list[tuple[str, str]]:
    out = []
    for para in text.split("\n\n"):
        lines = [ln for ln in para.split("\n") if ln.strip()]
        if len(lines) >= 2:
            out.append((P.cue_name(lines[0]).upper(), lines[-1].strip()))
    return out


VARIANTS = ("after", "before")
#: Free prose holes, where the old pipeline let the model write any cue.
WORD_VARIANTS = ("after-words", "before-words")


def generate(out: Path, models: list[str], variants: tuple[str, ...] = VARIANTS) -> None:
    from screenplay.dialogue.fill_core import HoleRequest
    from screenplay.dialogue.fill_core import generate as new_generate
    from screenplay.dialogue.model import load_model

    old = _old_fill_core()
    done = set()
    if out.exists():
        for line in out.read_text().splitlines():
            r = json.loads(line)
            done.add((r["model"], r["variant"], r["scene"]))
    for ref in models:
        t0 = time.perf_counter()
        m = load_model(ref)
        load_s = time.perf_counter() - t0
        for variant in variants:
            mode, count = ("words", 30) if variant.endswith("-words") else ("lines", 2)
            for i, scene in enumerate(SCENES):
                if (ref, variant, i) in done:
                    continue
                t0 = time.perf_counter()
                before_tokens = m.tokens_generated
                if variant.startswith("after"):
                    req = HoleRequest(
                        preceding=scene, mode=mode, count=count, character=None, seed=SEED
                    )
                    text, _, failure, _ = new_generate(m, req)
                else:
                    req = old.HoleRequest(
                        preceding=scene, mode=mode, count=count, character=None, cast=(), seed=SEED
                    )
                    text, _, failure = old._generate(m, req, None)
                rec = {
                    "model": ref,
                    "variant": variant,
                    "scene": i,
                    "text": text,
                    "failure": failure,
                    "seconds": round(time.perf_counter() - t0, 2),
                    "tokens": m.tokens_generated - before_tokens,
                    "load_seconds": round(load_s, 2),
                    "chat": bool(m.has_chat_template) and variant == "after",
                }
                with out.open("a") as f:
                    f.write(json.dumps(rec) + "\n")
                print(ref, variant, i, rec["seconds"], repr(text[:80]), flush=True)


def fluency(out: Path) -> None:
    from screenplay.dialogue.model import load_model

    recs = [json.loads(x) for x in out.read_text().splitlines()]
    refs = sorted({r["model"] for r in recs} | {"default", "gemma3"})
    models = {ref: load_model(ref) for ref in refs}
    for r in recs:
        if "fluency" in r or len(refs) < 2:
            continue
        other = models[next(x for x in refs if x != r["model"])]
        ctx = P.scene_context(SCENES[r["scene"]])
        extra: list[str] = []
        scores = []
        for speaker, line in _blocks(r["text"]):
            ids = other.encode(P.raw_prompt(ctx, speaker, "\n\n".join(extra)), first=True)
            lps = other.logprobs(ids, other.encode(line + "\n"))
            scores.append(sum(lps) / len(lps) if lps else None)
            extra.append(f"{speaker}\n{line}")
        r["fluency"] = scores
    out.write_text("".join(json.dumps(r) + "\n" for r in recs))


def measures(r: dict) -> list[dict]:
    """Per line: speaker, line, cast violation, fragment, repetition, short, exclaim."""
    ctx = P.scene_context(SCENES[r["scene"]])
    allowed = set(ctx.speakers())
    rows = []
    context = ctx.lines
    seen: list[str] = []
    for j, (speaker, line) in enumerate(_blocks(r["text"])):
        rep = P.repetition(line, context + "\n" + "\n".join(seen))
        rows.append(
            {
                "speaker": speaker,
                "line": line,
                "violation": speaker not in allowed,
                "fragment": P.is_fragment(line),
                "repeat": rep >= 0.5,
                "short": len(line.split()) < 3,
                "exclaim": P.is_exclamation_only(line),
                "fluency": (r.get("fluency") or [None] * 9)[j],
            }
        )
        seen.append(line)
    return rows


def table(out: Path) -> None:
    recs = [json.loads(x) for x in out.read_text().splitlines()]
    print(
        "| model | pipeline | lines | cast violations | fragments | repetitions | "
        "< 3 words | exclamation-only | fluency (other model) | s / hole | tokens/s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    all_lines = []
    for ref in sorted({r["model"] for r in recs}):
        for variant in ("before", "after", "before-words", "after-words"):
            rs = [r for r in recs if r["model"] == ref and r["variant"] == variant]
            if not rs:
                continue
            rows = [
                x | {"model": ref, "variant": variant, "scene": r["scene"]}
                for r in rs
                for x in measures(r)
            ]
            all_lines += rows
            n = len(rows) or 1
            flu = [x["fluency"] for x in rows if x["fluency"] is not None]
            secs = sum(r["seconds"] for r in rs) / len(rs)
            toks = sum(r["tokens"] for r in rs) / max(1e-9, sum(r["seconds"] for r in rs))
            empty = sum(1 for r in rs if not r["text"])

            def pct(k: str, rows: list = rows, n: int = n) -> str:
                c = sum(1 for x in rows if x[k])
                return f"{c}/{len(rows)} ({100 * c / n:.0f} %)"

            print(
                f"| {ref} | {variant} | {len(rows)} (+{empty} empty holes) | {pct('violation')} "
                f"| {pct('fragment')} | {pct('repeat')} | {pct('short')} | {pct('exclaim')} | "
                f"{(sum(flu) / len(flu)) if flu else float('nan'):.2f} | {secs:.1f} | "
                f"{toks:.1f} |"
            )
    for ref in sorted({r["model"] for r in recs}):
        rows = [
            x
            for x in all_lines
            if x["model"] == ref and x["variant"] == "after" and x["fluency"] is not None
        ]
        rows.sort(key=lambda x: x["fluency"], reverse=True)
        print(f"\n{ref}, best five (by fluency under the other model):")
        for x in rows[:5]:
            print(f"- scene {x['scene'] + 1}, {x['speaker']}: “{x['line']}” ({x['fluency']:.2f})")
        print(f"\n{ref}, worst five:")
        for x in rows[-5:]:
            print(f"- scene {x['scene'] + 1}, {x['speaker']}: “{x['line']}” ({x['fluency']:.2f})")


if __name__ == "__main__":
    cmd, path = sys.argv[1], Path(sys.argv[2])
    if cmd == "generate":
        generate(path, sys.argv[3:] or ["default", "gemma3"])
    elif cmd == "words":
        generate(path, sys.argv[3:] or ["default"], WORD_VARIANTS)
    elif cmd == "fluency":
        fluency(path)
    else:
        table(path)
