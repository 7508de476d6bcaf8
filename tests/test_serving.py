"""The multi-worker server (``coworkbill.serving``), as real processes on a real port: every
worker gets its turn of the connections, a dead worker is replaced, and SIGTERM stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from bench import servers

WORKERS = 3


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = servers.free_port()
    cmd = [sys.executable, "-m", "coworkbill.serving", "tests.asgi_pid:app"]
    cmd += ["--port", str(port), "--workers", str(WORKERS)]
    srv = servers.start("pid", cmd, dict(os.environ), port, tmp_path)
    try:
        servers.wait_ready(srv, "/", timeout=30)
        yield srv.proc, srv.url
    finally:
        servers.stop(srv)


def _wait_until(ok: Callable[[], bool], why: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not ok():
        assert time.monotonic() < deadline, why
        time.sleep(0.1)


def _children(proc: subprocess.Popen[bytes]) -> list[psutil.Process]:
    try:
        return list(psutil.Process(proc.pid).children())
    except psutil.Error:
        return []


def _pids_of_connections(base: str, n: int) -> Counter[int]:
    """The worker that serves each of ``n`` keep-alive connections (two requests each, on
    the connection they opened)."""
    clients = [httpx.Client(base_url=base, timeout=5) for _ in range(n)]
    try:
        served: Counter[int] = Counter()
        for c in clients:
            first, second = int(c.get("/").text), int(c.get("/").text)
            assert first == second, "a keep-alive connection stays with its worker"
            served[first] += 1
        return served
    finally:
        for c in clients:
            c.close()


def test_connections_are_handed_to_the_workers_in_turn(server: tuple[Any, str]) -> None:
    proc, base = server
    workers = {p.pid for p in _children(proc)}
    assert len(workers) == WORKERS
    served = _pids_of_connections(base, 4 * WORKERS)
    assert set(served) == workers
    assert sorted(served.values()) == [4] * WORKERS


def test_a_dead_worker_is_replaced(server: tuple[Any, str]) -> None:
    proc, base = server
    victim = _children(proc)[0]
    victim.kill()
    victim.wait(10)
    _wait_until(lambda: len(_children(proc)) == WORKERS, "no worker replaced the dead one")
    _wait_until(lambda: victim.pid not in {p.pid for p in _children(proc)}, "still listed")
    new = {p.pid for p in _children(proc)}
    _wait_until(lambda: set(_pids_of_connections(base, 3 * WORKERS)) == new, "not serving")


def test_sigterm_stops_the_parent_and_every_worker(server: tuple[Any, str]) -> None:
    proc, base = server
    workers = _children(proc)
    with httpx.Client(base_url=base, timeout=5) as idle:
        idle.get("/")  # an idle keep-alive connection must not hold the shutdown up
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == []
    with pytest.raises(httpx.HTTPError):
        httpx.get(base, timeout=1)
