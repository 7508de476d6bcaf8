"""The two servers under test (coworkbill and the floor) and the workers' memory.

Guarantees: each server runs in its own session (process group), so Ctrl-C in the terminal
reaches only the harness, whose ``finally`` stops it: SIGTERM to the server's parent, then
SIGKILL, by pid, to whichever of its own processes is still alive after a grace period.
Both servers run the same server software (``coworkbill.serving``: uvicorn's options, and its
connection dispatcher when there are several workers). The memory sampler records the resident
set size of every worker process of the app (the parent itself when there is one worker).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

import psutil

from bench.dataset import ROOT, coworkbill_cmd

PG_CONNECTION_BUDGET = 80  # of max_connections=100: room for psql, migrations, other users


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start(name: str, cmd: list[str], env: dict[str, str], port: int, logs: Path) -> Server:
    """Run ``cmd`` (a server that will listen on ``port``) from the project's root in its own
    session, its output in ``logs/<name>.log``; ``wait_ready`` then ``stop`` it."""
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Server(name, port, proc, log)


def pool_max(db: str, workers: int, concurrency: int) -> int:
    """Per-worker pool: enough for the highest concurrency, within the PostgreSQL budget."""
    if db != "postgresql":
        return 10
    return max(2, min(PG_CONNECTION_BUDGET // workers, concurrency))


def start_app(url: str, db: str, workers: int, concurrency: int, logs: Path) -> Server:
    port = free_port()
    env = {**os.environ, "COWORKBILL_DATABASE_URL": url}
    env["COWORKBILL_POOL_MAX"] = str(pool_max(db, workers, concurrency))
    env["COWORKBILL_POOL_MIN"] = "2"
    cmd = [*coworkbill_cmd(), "serve", "--host", "127.0.0.1", "--port", str(port)]
    return start("app", [*cmd, "--workers", str(workers)], env, port, logs)


def start_floor(workers: int, logs: Path) -> Server:
    port = free_port()
    # Served as `coworkbill serve` serves the app: the same uvicorn options, and with several
    # workers the same dispatcher handing each an equal share of the connections.
    cmd = [sys.executable, "-m", "coworkbill.serving", "bench.floor:app", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--workers", str(workers)]
    return start("floor", cmd, dict(os.environ), port, logs)


def wait_ready(server: Server, path: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited early:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url + path, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} not ready after {timeout:.0f}s:\n{server.log_tail()}")


def stop(server: Server, grace: float = 15.0) -> None:
    """SIGTERM to the parent (it stops its workers), then SIGKILL to whichever of the
    processes it started is still alive after ``grace`` seconds."""
    try:
        kids = psutil.Process(server.proc.pid).children(recursive=True)
    except psutil.Error:
        kids = []
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.proc.wait(timeout=grace)
    if server.proc.poll() is None:
        server.proc.kill()
        server.proc.wait(timeout=5)
    for p in kids:
        with contextlib.suppress(psutil.Error):
            if p.is_running():  # also checks the pid was not reused
                p.kill()


def workers(server: Server) -> list[psutil.Process]:
    try:
        master = psutil.Process(server.proc.pid)
        kids = [
            p
            for p in master.children(recursive=True)
            if "resource_tracker" not in " ".join(p.cmdline())
        ]
    except psutil.Error:
        return []
    return kids or [master]


def settle(server: Server, idle: float = 0.15, timeout: float = 30.0) -> None:
    """Wait until the app's workers together use less than ``idle`` of a core."""
    procs = workers(server)
    with contextlib.suppress(psutil.Error):
        for p in procs:
            p.cpu_percent(None)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(0.25)
            if sum(p.cpu_percent(None) for p in procs) / 100 < idle:
                return


@dataclass
class MemorySampler:
    """RSS of each app worker every ``interval`` seconds, in a background thread."""

    server: Server
    interval: float = 1.0
    samples: list[tuple[float, dict[int, int]]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            rss: dict[int, int] = {}
            for p in workers(self.server):
                try:
                    rss[p.pid] = p.memory_info().rss
                except psutil.Error:
                    continue
            self.samples.append((time.monotonic(), rss))
            self._stop.wait(self.interval)


@dataclass(frozen=True)
class Growth:
    pid: int
    first_mib: float
    last_mib: float
    samples: int

    @property
    def gone(self) -> bool:
        """The worker was not there any more at the end (it died or was replaced)."""
        return self.last_mib < 0

    @property
    def growth(self) -> float:
        return self.last_mib / self.first_mib - 1 if self.first_mib and not self.gone else 0.0


def growth(samples: list[tuple[float, dict[int, int]]]) -> tuple[list[Growth], str]:
    """Median RSS per worker in the first and the last minute (the first and last 10% of the
    samples when the run is shorter than ten minutes), and how the windows were chosen."""
    if len(samples) < 2:
        return [], "too few samples"
    span = samples[-1][0] - samples[0][0]
    if span >= 600:
        first = [s for s in samples if s[0] - samples[0][0] <= 60]
        last = [s for s in samples if samples[-1][0] - s[0] <= 60]
        how = f"first and last minute of {span / 60:.0f} min"
    else:
        k = max(1, len(samples) // 10)
        first, last = samples[:k], samples[-k:]
        how = f"first and last {k} of {len(samples)} samples over {span:.0f} s"
    out = []
    for pid in sorted({pid for _, rss in samples for pid in rss}):
        a = [rss[pid] for _, rss in first if pid in rss]
        b = [rss[pid] for _, rss in last if pid in rss]
        if a:
            last_mib = median(b) / 2**20 if b else -1.0
            out.append(Growth(pid, median(a) / 2**20, last_mib, len(a) + len(b)))
    return out, how
