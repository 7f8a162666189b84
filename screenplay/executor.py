"""Where render work runs: worker processes on this machine, or Ray tasks on a cluster.

An :class:`Executor` runs one function over many items (a film's shot
segments, its lines of speech, the variants of a film) and yields
``(index, result)`` as each finishes.  Two implementations:

* :class:`LocalExecutor` — a ``concurrent.futures`` process pool (spawned
  workers), what ``screenplay build`` always did; a worker that dies breaks
  the pool and raises :class:`WorkerDied` (the encoder reports SP0810);
* :class:`RayExecutor` — Ray tasks (``--executor ray``), on a local Ray or on
  the cluster at ``SCREENPLAY_RAY_ADDRESS``.  Nothing but paths and small
  specs travel: every task reads and writes the content-addressed cache, so
  on a cluster the cache folder (``SCREENPLAY_CACHE_DIR``) must be a shared
  filesystem.  Results are the same bytes as local ones because every task
  is a pure function of its cache key.

The caller keeps what is specific to its work (initializers, error
translation); this module knows nothing of films.  Ray is imported only when
a :class:`RayExecutor` starts.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Generator, Sequence
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Environment variable naming a Ray cluster (``ray://host:10001`` or ``auto``).
RAY_ADDRESS_ENV = "SCREENPLAY_RAY_ADDRESS"
EXECUTORS = ("local", "ray")


class WorkerDied(RuntimeError):
    """A worker process died before finishing (killed, out of memory, could not start)."""


class ExecutorUnavailable(RuntimeError):
    """The executor cannot start (Ray not installed, cluster unreachable)."""


class Executor(Protocol):
    """Runs ``fn`` over ``items`` somewhere; yields ``(index, result)`` as each completes."""

    #: "local" or "ray".
    name: str
    #: Whether tasks run in processes this one started (a worker may watch its parent pid).
    local_processes: bool

    def run(
        self,
        fn: Callable[[T], R],
        items: Sequence[T],
        *,
        workers: int,
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> Generator[tuple[int, R], None, None]: ...


class LocalExecutor:
    """Spawned worker processes on this machine (``concurrent.futures``)."""

    name = "local"
    local_processes = True

    def run(
        self,
        fn: Callable[[T], R],
        items: Sequence[T],
        *,
        workers: int,
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> Generator[tuple[int, R], None, None]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed
        from concurrent.futures.process import BrokenProcessPool

        # concurrent.futures, not multiprocessing.Pool: a worker that dies (killed,
        # out of memory, cannot start) breaks the pool and fails the build with an
        # error, where Pool would respawn it forever.
        pool = ProcessPoolExecutor(
            max(1, workers),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=initializer,
            initargs=initargs,
        )
        try:
            futures = {pool.submit(fn, item): i for i, item in enumerate(items)}
            for fut in as_completed(futures):
                yield futures[fut], fut.result()  # re-raises a worker's error here
        except BrokenProcessPool as e:
            stop_pool(pool)
            raise WorkerDied(str(e)) from None
        except BaseException:
            # Interrupted, failed, or the caller stopped iterating: stop the workers now
            # (they delete their temp files).
            stop_pool(pool)
            raise
        pool.shutdown(wait=True)


def stop_pool(pool: Any, grace: float = 10.0) -> None:
    """Stop a :class:`ProcessPoolExecutor` now, and never hang.

    Pending tasks are cancelled and the workers are sent SIGTERM (they delete
    their temp files and exit); whatever is still alive after ``grace``
    seconds is killed.  Killed workers cannot delete their temp files; the
    next build sweeps them (:func:`screenplay.render.segments.sweep_stale`).
    """
    import threading

    procs = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    deadline = time.monotonic() + grace
    for proc in procs:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join(2.0)
    # The executor's management thread notices the dead workers and exits.
    t = threading.Thread(target=pool.shutdown, kwargs={"wait": True}, daemon=True)
    t.start()
    t.join(grace)


# --------------------------------------------------------------------------
# Ray
# --------------------------------------------------------------------------

#: Initializers already run in this (Ray worker) process, by run token.
_INITIALIZED: set[str] = set()


def _ray_call(token: str, init: tuple[Any, tuple[Any, ...]] | None, fn: Any, item: Any) -> Any:
    """One Ray task: run the initializer once per worker process and run, then ``fn(item)``.

    Ray reuses worker processes across tasks; the token keeps one run's
    initializer (e.g. the segment renderer's asset provider with its memo)
    from being rebuilt for every task, and from leaking into another run.
    """
    if init is not None and token not in _INITIALIZED:
        initializer, initargs = init
        initializer(*initargs)
        _INITIALIZED.add(token)
    return fn(item)


class RayExecutor:
    """Ray tasks: a local Ray started on first use, or the cluster at ``address``.

    ``address`` defaults to ``$SCREENPLAY_RAY_ADDRESS``; without it a local
    Ray is started with ``num_cpus`` (default: all) and no dashboard.  A Ray
    this process already initialized (a test, a notebook) is used as it is.
    """

    name = "ray"
    local_processes = False

    def __init__(self, address: str | None = None, num_cpus: int | None = None) -> None:
        self.address = address if address is not None else os.environ.get(RAY_ADDRESS_ENV)
        self.num_cpus = num_cpus
        self._remote: Any = None

    def start(self) -> Any:
        """Connect (or start) Ray; raises :class:`ExecutorUnavailable` when it cannot."""
        try:
            import ray
        except ImportError as e:
            raise ExecutorUnavailable(
                "the ray package is not installed (pip install 'screenplay[cluster]')"
            ) from e
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "configure_logging": False,
            }
            if self.address:
                kwargs["address"] = self.address
            elif self.num_cpus is not None:
                kwargs["num_cpus"] = self.num_cpus
            try:
                ray.init(**kwargs)
            except Exception as e:  # ConnectionError, RuntimeError, … from a bad address
                raise ExecutorUnavailable(
                    f"cannot start Ray ({self.address or 'local'}): {e}"
                ) from e
        if self._remote is None:
            # Segments hold a worker's memory (frames, faces) while they render: one CPU each.
            self._remote = ray.remote(num_cpus=1, max_retries=0)(_ray_call)
        return ray

    def run(
        self,
        fn: Callable[[T], R],
        items: Sequence[T],
        *,
        workers: int,
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> Generator[tuple[int, R], None, None]:
        ray = self.start()
        token = uuid.uuid4().hex
        init = ray.put((initializer, initargs)) if initializer is not None else None
        refs = {self._remote.remote(token, init, fn, item): i for i, item in enumerate(items)}
        pending = list(refs)
        try:
            while pending:
                done, pending = ray.wait(pending, num_returns=1)
                for ref in done:
                    try:
                        result = ray.get(ref)
                    except ray.exceptions.RayTaskError as e:
                        # The task's own exception (a BackendError with its code, …).
                        cause = e.as_instanceof_cause()
                        raise (getattr(cause, "cause", None) or cause) from None
                    except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError) as e:
                        raise WorkerDied(str(e)) from None
                    yield refs[ref], result
        except BaseException:
            for ref in pending:
                ray.cancel(ref, force=True)
            raise


def make_executor(name: str | None) -> Executor:
    """``local`` (default) or ``ray``; Ray is not started until the first task."""
    if name in (None, "", "local"):
        return LocalExecutor()
    if name == "ray":
        return RayExecutor()
    raise ValueError(f"unknown executor {name!r} (expected one of {', '.join(EXECUTORS)})")
