"""The review page: viewers watch a film's variants side by side and rate them.

One static HTML file, no server: it sits beside the built variants
(``FILE.ID.mp4``) and plays them from there.  Each viewer types a name,
watches, gives each variant 1–5 stars, and downloads their feedback as
JSONL — exactly the lines ``screenplay tune`` reads::

    {"variant": "196ce6b6", "viewer": "ann", "rating": 4, "watched_s": 28.3, "duration_s": 30.0}

Variants are shown blind by default ("Film A", "Film B", … in an order
shuffled per viewer, so neither a label nor a position favours one); with
``show_choices`` each card also says what it chose.  The page keeps the
ratings in the browser's localStorage until they are downloaded, so a reload
loses nothing.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path

from screenplay.variants.axes import Variant


def _script_json(value: object) -> str:
    """JSON safe inside a <script> element (no ``</script>``, no ``<!--``)."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def review_html(
    title: str,
    variants: Sequence[tuple[Variant, str]],
    *,
    show_choices: bool = False,
    feedback_name: str = "feedback.jsonl",
) -> str:
    """The page for ``variants`` (each with its video's URL relative to the page)."""
    data = [
        {"id": v.id, "src": src, "choice": v.choice if show_choices else None}
        for v, src in variants
    ]
    return _PAGE.format(
        title=html.escape(title),
        variants=_script_json(data),
        feedback=_script_json(feedback_name),
        storage=_script_json("screenplay-review:" + title),
    )


def relative_src(video: Path, page: Path) -> str:
    """The video's URL as seen from the page (both are files; POSIX separators)."""
    import os

    rel = os.path.relpath(video.resolve(), page.resolve().parent)
    from urllib.parse import quote

    return quote(Path(rel).as_posix())


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Review: {title}</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 1.5rem; background: #16161a; color: #eee; }}
  h1 {{ font-weight: 500; margin: 0 0 .5rem; }}
  .bar {{ display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; margin-bottom: 1rem; }}
  input {{ font-size: 1rem; padding: .3rem .5rem; }}
  button {{ font-size: 1rem; padding: .35rem .8rem; cursor: pointer; }}
  .grid {{ display: grid; gap: 1rem;
           grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); }}
  .card {{ background: #222228; border-radius: 8px; padding: .75rem; }}
  .card h2 {{ font-size: 1.1rem; margin: 0 0 .5rem; font-weight: 500; }}
  video {{ width: 100%; background: #000; border-radius: 4px; }}
  .stars button {{ background: none; border: none; font-size: 1.8rem; color: #555;
                   padding: 0 .1rem; }}
  .stars button.on {{ color: #f5c518; }}
  .choice {{ color: #aaa; font-size: .85rem; margin: .25rem 0; }}
  .meta {{ color: #aaa; font-size: .85rem; }}
  #status {{ color: #9c9; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>Watch each version and give it 1–5 stars. When you are done, download your
feedback and send the file back.</p>
<div class="bar">
  <label>Your name <input id="viewer" autocomplete="name" placeholder="name"></label>
  <button id="download">Download feedback (JSONL)</button>
  <span id="status"></span>
</div>
<div class="grid" id="grid"></div>
<script>
"use strict";
const VARIANTS = {variants};
const FEEDBACK_NAME = {feedback};
const STORAGE = {storage};
// id -> {{rating, watched_s, duration_s}}
const state = JSON.parse(localStorage.getItem(STORAGE) || "{{}}");
const viewerInput = document.getElementById("viewer");
viewerInput.value = localStorage.getItem(STORAGE + ":viewer") || "";
viewerInput.addEventListener("input", () => {{
  localStorage.setItem(STORAGE + ":viewer", viewerInput.value.trim());
}});
function save() {{ localStorage.setItem(STORAGE, JSON.stringify(state)); status(); }}
function status() {{
  const rated = Object.values(state).filter(s => s.rating).length;
  document.getElementById("status").textContent = rated + " of " + VARIANTS.length + " rated";
}}
// Blind order: shuffled once per viewer (kept in localStorage), labelled A, B, C …
let order = JSON.parse(localStorage.getItem(STORAGE + ":order") || "null");
if (!order || order.length !== VARIANTS.length || !order.every(i => i < VARIANTS.length)) {{
  order = VARIANTS.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {{
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }}
  localStorage.setItem(STORAGE + ":order", JSON.stringify(order));
}}
const grid = document.getElementById("grid");
order.forEach((index, n) => {{
  const v = VARIANTS[index];
  const s = state[v.id] || (state[v.id] = {{}});
  const card = document.createElement("div");
  card.className = "card";
  card.dataset.variant = v.id;
  const h = document.createElement("h2");
  h.textContent = "Film " + String.fromCharCode(65 + (n % 26))
    + (n >= 26 ? Math.floor(n / 26) : "");
  card.appendChild(h);
  const video = document.createElement("video");
  video.controls = true;
  video.preload = "metadata";
  video.src = v.src;
  card.appendChild(video);
  if (v.choice) {{
    const c = document.createElement("div");
    c.className = "choice";
    c.textContent = Object.entries(v.choice).map(([k, x]) => k + " = " + x).join(" · ");
    card.appendChild(c);
  }}
  // Watch time: seconds actually played (seeking ahead does not count).
  let last = null;
  video.addEventListener("loadedmetadata", () => {{
    if (isFinite(video.duration)) {{
      s.duration_s = Math.round(video.duration * 1000) / 1000;
      save();
    }}
  }});
  video.addEventListener("play", () => {{ last = video.currentTime; }});
  video.addEventListener("timeupdate", () => {{
    if (last !== null && !video.paused) {{
      const d = video.currentTime - last;
      if (d > 0 && d < 2) {{
        s.watched_s = Math.round(((s.watched_s || 0) + d) * 1000) / 1000;
        save();
      }}
    }}
    last = video.currentTime;
  }});
  video.addEventListener("seeking", () => {{ last = null; }});
  video.addEventListener("seeked", () => {{ last = video.currentTime; }});
  const stars = document.createElement("div");
  stars.className = "stars";
  for (let r = 1; r <= 5; r++) {{
    const b = document.createElement("button");
    b.textContent = "★";
    b.title = r + (r === 1 ? " star" : " stars");
    b.dataset.rating = r;
    b.addEventListener("click", () => {{ s.rating = r; save(); paint(); }});
    stars.appendChild(b);
  }}
  function paint() {{
    stars.querySelectorAll("button").forEach(
      b => b.classList.toggle("on", +b.dataset.rating <= (s.rating || 0)));
  }}
  paint();
  card.appendChild(stars);
  grid.appendChild(card);
}});
status();
function feedbackLines() {{
  const viewer = viewerInput.value.trim() || "anonymous";
  const lines = [];
  for (const v of VARIANTS) {{
    const s = state[v.id];
    if (!s || (!s.rating && !s.watched_s)) continue;
    const rec = {{variant: v.id, viewer: viewer}};
    if (s.rating) rec.rating = s.rating;
    if (s.watched_s) rec.watched_s = s.watched_s;
    if (s.duration_s) rec.duration_s = s.duration_s;
    lines.push(JSON.stringify(rec));
  }}
  return lines;
}}
window.feedbackLines = feedbackLines;
document.getElementById("download").addEventListener("click", () => {{
  const lines = feedbackLines();
  const text = lines.join("\\n") + (lines.length ? "\\n" : "");
  const blob = new Blob([text], {{type: "application/x-ndjson"}});
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  const who = (viewerInput.value.trim() || "anonymous").replace(/[^A-Za-z0-9_-]+/g, "_");
  a.download = FEEDBACK_NAME.replace(/\\.jsonl$/, "") + "-" + who + ".jsonl";
  document.body.appendChild(a);
  a.click();
  a.remove();
}});
</script>
</body>
</html>
"""
