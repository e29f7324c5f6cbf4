"""A bounded pool of worker processes for training-lab runs, shared by every session of a server.

Each run trains in its own process (multiprocessing, spawn context: no forked copy of a
server's threads), started at lower CPU priority (nice 10) with one torch thread, so the
server's own threads (translations of other sessions) win the CPU. At most `workers` runs
train at once (default: one per core of this process, or $S2S_LAB_WORKERS); the others wait
in a queue with their position known. Every run is capped (`max_seconds`, `max_steps`; a
process still running `grace` seconds past its time cap, counted from its first snapshot, or
`startup` seconds more before it has sent one, is killed). A run ends by finishing,
by `cancel` (Stop), or when nobody has asked for its status for `abandon_after` seconds (a
closed tab stops polling). A worker that dies without its result is reported as that run's
error. Finished runs are kept for `keep_results` runs at most (oldest dropped first).

Thread-safe: every method takes one lock; a monitor thread moves messages from the workers'
pipes into the runs, starts queued runs and enforces the caps.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
import uuid
from dataclasses import dataclass, field

from .errors import ConfigError, S2SError
from .lab import LabSettings, Timeline

QUEUED, RUNNING, DONE, STOPPED, CANCELLED, ERROR = "queued", "running", "done", "stopped", "cancelled", "error"
ACTIVE = (QUEUED, RUNNING)


class PoolFull(S2SError):
    """Too many runs waiting: try again later."""


def _work(settings: dict, conn, stop) -> None:
    """The worker process: train one run, send its snapshots, then ("done", summary, weights)."""
    try:
        os.nice(10)
    except (OSError, AttributeError):
        pass
    import torch

    torch.set_num_threads(1)
    from .lab import LabRun, model_bytes

    try:
        run = LabRun(LabSettings.from_dict(settings), stop)
        for snap in run:
            conn.send(("snapshot", snap))
        conn.send(("done", run.summary, model_bytes(run.model)))
    except Exception as exc:  # reported as this run's error
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


@dataclass
class _Run:
    id: str
    owner: str
    settings: LabSettings
    submitted: float
    seen: float
    status: str = QUEUED
    timeline: Timeline | None = None
    summary: dict | None = None
    weights: bytes | None = None
    error: str | None = None
    started: float | None = None
    first: float | None = None  # when its first snapshot came (the worker has started up)
    stop_asked: float | None = None
    ended: float | None = None
    proc: object = None
    conn: object = None
    stop: object = None


@dataclass(frozen=True)
class RunView:
    """A copy of one run's state, for a page to show."""

    id: str
    owner: str
    status: str
    settings: LabSettings
    position: int | None  # 1 = next to start (queued runs only)
    snapshots: list = field(default_factory=list)
    summary: dict | None = None
    weights: bytes | None = None
    error: str | None = None
    pid: int | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


def _env_number(name: str, default, kind=int):
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"${name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"${name} must be positive, got {raw!r}")
    return value


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class LabPool:
    def __init__(self, workers: int | None = None, max_seconds: float = 120.0, max_steps: int = 20_000,
                 max_queued: int = 64, keep_results: int = 64, abandon_after: float = 20.0, grace: float = 30.0,
                 stop_grace: float = 5.0, startup: float = 120.0, tick: float = 0.05):
        self.workers = workers or cores()
        self.max_seconds, self.max_steps, self.max_queued = max_seconds, max_steps, max_queued
        self.keep_results, self.abandon_after, self.grace, self.stop_grace = keep_results, abandon_after, grace, stop_grace
        self.startup, self.tick = startup, tick
        self.ctx = multiprocessing.get_context("spawn")
        self.lock = threading.Lock()
        self.runs: dict[str, _Run] = {}  # insertion order = submission order
        self.closed = threading.Event()
        self.monitor = threading.Thread(target=self._monitor, name="lab-pool", daemon=True)
        self.monitor.start()
        atexit.register(self.close)

    @classmethod
    def from_env(cls) -> "LabPool":
        """Sizes from $S2S_LAB_WORKERS, $S2S_LAB_MAX_SECONDS, $S2S_LAB_MAX_STEPS, $S2S_LAB_QUEUE."""
        return cls(workers=_env_number("S2S_LAB_WORKERS", None), max_seconds=_env_number("S2S_LAB_MAX_SECONDS", 120.0, float),
                   max_steps=_env_number("S2S_LAB_MAX_STEPS", 20_000), max_queued=_env_number("S2S_LAB_QUEUE", 64))

    # ----- what sessions call ---------------------------------------------------------------
    def submit(self, owner: str, settings: LabSettings) -> str:
        """Queue a run for `owner` (one session's slot); the owner's run still queued or running
        is returned instead of a second one. ConfigError above the caps, PoolFull when the queue is."""
        if settings.seconds > self.max_seconds:
            raise ConfigError(f"a run may last at most {self.max_seconds:g} s on this server, asked {settings.seconds:g} s")
        if settings.steps > self.max_steps:
            raise ConfigError(f"a run may take at most {self.max_steps} steps on this server, asked {settings.steps}")
        with self.lock:
            if self.closed.is_set():
                raise S2SError("the training pool is shut down")
            for run in self.runs.values():
                if run.owner == owner and run.status in ACTIVE:
                    run.seen = time.monotonic()
                    return run.id
            if sum(r.status == QUEUED for r in self.runs.values()) >= self.max_queued:
                raise PoolFull(f"{self.max_queued} runs are already waiting; try again in a minute")
            now = time.monotonic()
            run = _Run(uuid.uuid4().hex[:12], owner, settings, now, now, timeline=Timeline(settings.max_snapshots))
            self.runs[run.id] = run
            self._start_queued()
            return run.id

    def status(self, run_id: str, heartbeat: bool = True) -> RunView | None:
        """The run's state (None once forgotten); also tells the pool someone is watching."""
        with self.lock:
            run = self.runs.get(run_id)
            if run is None:
                return None
            if heartbeat:
                run.seen = time.monotonic()
            position = None
            if run.status == QUEUED:
                position = 1 + sum(r.status == QUEUED and r.submitted < run.submitted for r in self.runs.values())
            return RunView(run.id, run.owner, run.status, run.settings, position, list(run.timeline.items),
                           run.summary, run.weights, run.error, getattr(run.proc, "pid", None))

    def cancel(self, run_id: str) -> None:
        """Stop a run: a queued one never starts; a running one ends after its current step
        (its snapshots so far and its model are kept, status "stopped")."""
        with self.lock:
            run = self.runs.get(run_id)
            if run is not None:
                self._cancel(run, STOPPED)

    def counts(self) -> dict[str, int]:
        with self.lock:
            out = {}
            for r in self.runs.values():
                out[r.status] = out.get(r.status, 0) + 1
            return out

    def close(self) -> None:
        """Stop everything (the server is going away)."""
        self.closed.set()
        with self.lock:
            for run in self.runs.values():
                if run.proc is not None and run.proc.is_alive():
                    run.proc.kill()
                    run.proc.join(2)
                if run.status in ACTIVE:
                    run.status, run.error = ERROR, "the server shut down"

    # ----- inside (lock held) -----------------------------------------------------------------
    def _cancel(self, run: _Run, status: str) -> None:
        now = time.monotonic()
        if run.status == QUEUED:
            run.status, run.ended = CANCELLED, now
        elif run.status == RUNNING and run.stop_asked is None:
            run.stop.set()
            run.stop_asked = now
            run.status = status if status == CANCELLED else RUNNING  # STOPPED once its result is in

    def _start_queued(self) -> None:
        running = sum(r.proc is not None and r.ended is None for r in self.runs.values())
        for run in list(self.runs.values()):
            if running >= self.workers:
                break
            if run.status != QUEUED:
                continue
            parent, child = self.ctx.Pipe(duplex=False)
            run.stop = self.ctx.Event()
            run.proc = self.ctx.Process(target=_work, args=(run.settings.to_dict(), child, run.stop),
                                        name=f"lab-{run.id}", daemon=True)
            run.proc.start()
            child.close()  # only the worker holds the sending end: its death closes the pipe
            run.conn, run.status, run.started = parent, RUNNING, time.monotonic()
            running += 1

    def _drain(self, run: _Run) -> None:
        try:
            while run.conn.poll():
                msg = run.conn.recv()
                if msg[0] == "snapshot":
                    run.timeline.add(msg[1])
                    run.first = run.first or time.monotonic()
                elif msg[0] == "done":
                    run.summary, run.weights = msg[1], msg[2]
                    if run.status == RUNNING:
                        run.status = STOPPED if run.stop_asked is not None else DONE
                    run.ended = time.monotonic()
                elif msg[0] == "error":
                    run.status, run.error, run.ended = ERROR, msg[1], time.monotonic()
        except (EOFError, OSError):  # the worker's end is closed: it has exited
            run.proc.join(1)
        if run.ended is None and not run.proc.is_alive():
            code = run.proc.exitcode
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            run.status, run.ended = ERROR, time.monotonic()
            run.error = f"the training process ended without a result ({how})"

    def _finish(self, run: _Run) -> None:
        """Reap the process and close the pipe of a run that has ended."""
        if run.proc is not None:
            run.proc.join(1)
            if run.proc.is_alive():
                run.proc.kill()
                run.proc.join(1)
            run.conn.close()
            run.proc = run.conn = run.stop = None

    def _step(self) -> None:
        now = time.monotonic()
        for run in self.runs.values():
            if run.proc is not None and run.ended is None:
                self._drain(run)
            if run.proc is not None and run.ended is None:
                since = run.first or run.started
                late = now - since > run.settings.seconds + self.grace + (0.0 if run.first else self.startup)
                stuck = run.stop_asked is not None and now - run.stop_asked > self.stop_grace
                if late or stuck:
                    run.proc.kill()
                    run.status, run.ended = (ERROR, now) if late else (run.status, now)
                    if late:
                        run.error = f"the run went past its time cap ({run.settings.seconds:g} s) and was ended"
                    elif run.status == RUNNING:
                        run.status = STOPPED
            if run.status in ACTIVE and now - run.seen > self.abandon_after:
                self._cancel(run, CANCELLED)  # nobody is watching it any more
            if run.ended is not None and run.proc is not None:
                self._finish(run)
        self._start_queued()
        finished = [r for r in self.runs.values() if r.status not in ACTIVE and r.proc is None]
        for run in finished[: max(0, len(finished) - self.keep_results)]:
            del self.runs[run.id]

    def _monitor(self) -> None:
        while not self.closed.wait(self.tick):
            with self.lock:
                self._step()

