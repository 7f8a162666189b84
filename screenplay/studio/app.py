"""``screenplay studio``: the script beside its film, rebuilt on every save.

Three parts, kept apart:

* :class:`Studio` — the state: the film's script as HTML (diagnostics inline,
  available at once, even while the film builds), the latest preview MP4 and
  its beats (each shot's time range and source lines, from the timeline).
  :meth:`Studio.rebuild` runs the real build (``screenplay.build.build``,
  preview quality, never running the dialogue model unless asked) into a
  private folder; a failed build keeps the last good film.
* :func:`create_app` — a small Starlette app: ``/`` (the page, no external
  resources, works offline), ``/state`` (JSON), ``/script`` (HTML),
  ``/film.mp4`` (with HTTP ranges, so the browser can seek), ``/events``
  (server-sent events: a message whenever the state changes).
* :class:`StudioServer` — uvicorn on localhost in a thread, plus the
  rebuild-on-change loop (:func:`screenplay.commands.watch.watch_inputs`) in another.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import threading
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from screenplay.diagnostics import Diagnostic, Severity

STATIC = Path(__file__).parent / "static"


@dataclass
class Beat:
    id: str
    start: float  # seconds
    end: float
    line: int  # source lines the shot came from
    end_line: int


@dataclass
class Studio:
    film: Path
    workdir: Path
    size: tuple[int, int] | None = None
    fps: Fraction | None = None
    fill: bool = False  # run the dialogue model for unlocked [[generate]] holes
    jobs: int = 1
    state: str = "idle"  # idle | building | ready | failed
    message: str = "starting…"
    script_html: str = ""
    script_version: int = 0
    film_version: int = 0
    video: Path | None = None
    beats: list[Beat] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)
    _build_lock: threading.Lock = field(default_factory=threading.Lock)
    #: a counter bumped on every change (what /events waits on)
    serial: int = 0
    #: the last build's film (its used modules and assets are what the watch loop watches)
    last_film: Any = None

    def _bump(self) -> None:
        with self.changed:
            self.serial += 1
            self.changed.notify_all()

    def snapshot(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "message": self.message,
            "script_version": self.script_version,
            "film_version": self.film_version,
            "beats": [b.__dict__ for b in self.beats],
            "errors": sum(d.severity is Severity.ERROR for d in self.diagnostics),
            "serial": self.serial,
        }

    def render_script(self) -> None:
        """Parse and check the film now, so the script and its diagnostics show at once."""
        from screenplay.api import load_film

        film, diags = load_film(self.film)
        self._show_script(film, diags)

    def _show_script(self, film: Any, diags: list[Diagnostic]) -> None:
        from screenplay.document.html import to_html

        self.diagnostics = list(diags)
        if film is None:
            html = "".join(
                f'<div class="screenplay"><div class="diag error">{d.code}: {d.message}</div></div>'
                for d in diags
            )
        else:
            shown = [d for d in diags if d.severity is not Severity.NOTE]
            html = to_html(
                film.script,
                diagnostics=shown,
                production=True,
                source_text=film.source.text,
                standalone=False,
            )
        self.script_html = html
        self.script_version += 1
        self._bump()

    def rebuild(self) -> bool:
        """Build the preview; True when a new film is ready."""
        from screenplay.build import build

        with self._build_lock:
            self.state, self.message = "building", "building the preview…"
            self._bump()
            self.render_script()
            n = self.film_version + 1
            out = self.workdir / f"film-{n}.mp4"

            def progress(stage: str, done: int, total: int) -> None:
                msg = f"building: {stage}" + (f" {done}/{total}" if total else "")
                if msg != self.message:
                    self.message = msg
                    self._bump()

            try:
                result = build(
                    self.film,
                    out,
                    quality="preview",
                    jobs=self.jobs,
                    locked=not self.fill,
                    progress=progress,
                    size=self.size,
                    fps=self.fps,
                )
            except Exception as exc:  # an internal error must not kill the studio
                self.state = "failed"
                self.message = f"build failed (internal error: {type(exc).__name__}: {exc})"
                self._bump()
                return False
            self._show_script(result.film, result.diagnostics)
            if result.film is not None:
                self.last_film = result.film  # what the watch loop watches
            if not result.ok or result.timeline is None or result.output is None:
                n_err = sum(d.severity is Severity.ERROR for d in result.diagnostics)
                self.state = "failed"
                self.message = (
                    f"build failed: {n_err} error{'s' if n_err != 1 else ''} "
                    "(shown in the script); the last good film is kept (SP1005)"
                )
                self._bump()
                return False
            tl = result.timeline
            fps = float(tl.fps)
            self.beats = [
                Beat(s.id, s.start / fps, s.end / fps, s.span.line, s.span.end_line)
                for s in tl.shots
            ]
            old = self.video
            self.video = result.output
            self.film_version = n
            self.state = "ready"
            self.message = (
                f"ready: {float(tl.duration):.1f} s, {tl.width}x{tl.height}, "
                f"{len(tl.shots)} shots (build {n})"
            )
            self._bump()
            if old is not None and old != self.video:
                old.unlink(missing_ok=True)  # browsers re-request by version
            return True


def _page() -> str:
    from screenplay.document.html import CSS

    return (STATIC / "studio.html").read_text(encoding="utf-8").replace("/*SCREENPLAY_CSS*/", CSS)


def create_app(studio: Studio) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import (
        FileResponse,
        HTMLResponse,
        JSONResponse,
        Response,
        StreamingResponse,
    )
    from starlette.routing import Route

    page = _page()

    async def index(request: Request) -> Response:
        return HTMLResponse(page)

    async def state(request: Request) -> Response:
        return JSONResponse(studio.snapshot())

    async def script(request: Request) -> Response:
        return HTMLResponse(studio.script_html)

    async def film(request: Request) -> Response:
        video = studio.video
        if video is None or not video.is_file():
            return Response("no film built yet", status_code=404)
        return FileResponse(video, media_type="video/mp4", headers={"Cache-Control": "no-store"})

    async def events(request: Request) -> Response:
        async def stream() -> Any:
            seen = -1
            idle = 0.0
            while not await request.is_disconnected():
                if studio.serial != seen:
                    seen = studio.serial
                    idle = 0.0
                    yield f"data: {json.dumps(studio.snapshot())}\n\n"
                await asyncio.sleep(0.2)
                idle += 0.2
                if idle >= 15:  # keep proxies and the browser from timing out
                    idle = 0.0
                    yield ": ping\n\n"

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    return Starlette(
        routes=[
            Route("/", index),
            Route("/state", state),
            Route("/script", script),
            Route("/film.mp4", film),
            Route("/events", events),
        ]
    )


class StudioServer:
    """The studio's web server and rebuild loop, in background threads."""

    def __init__(self, studio: Studio, host: str = "127.0.0.1", port: int = 8765) -> None:
        import uvicorn

        self.studio = studio
        self.config = uvicorn.Config(
            create_app(studio), host=host, port=port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(self.config)
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://{self.config.host}:{self.config.port}/"

    def start(self, *, watch: bool = True) -> None:
        serve = threading.Thread(target=self.server.run, name="studio-http", daemon=True)
        serve.start()
        self.threads.append(serve)
        builder = threading.Thread(target=self.studio.rebuild, name="studio-build", daemon=True)
        builder.start()
        self.threads.append(builder)
        if watch:
            w = threading.Thread(target=self._watch, name="studio-watch", daemon=True)
            w.start()
            self.threads.append(w)

    def _watch(self) -> None:
        # The same loop as `screenplay watch`: the exact files the film reads.
        from screenplay.commands.watch import film_inputs, watch_inputs

        def rebuild(_changed: set[Path]) -> None:
            self.studio.rebuild()

        watch_inputs(
            lambda: film_inputs(self.studio.film, self.studio.last_film),
            rebuild,
            stop=self.stop_event,
        )

    def wait_started(self, timeout: float = 20.0) -> bool:
        import time

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.server.started:
                return True
            if self.threads and not self.threads[0].is_alive():  # e.g. the port is taken
                return False
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        self.stop_event.set()
        self.server.should_exit = True
        for t in self.threads:
            t.join(timeout=10)


def new_workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="screenplay-studio-"))
