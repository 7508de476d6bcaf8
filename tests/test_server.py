"""``coworkbill.server``: several workers, each on its own SO_REUSEPORT socket, as real
processes on a real port: every worker takes connections, a port in use fails at once, and
SIGTERM stops the parent and all its workers."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(port: int, workers: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "coworkbill.server", "tests.pid_app:app"]
    cmd += ["--port", str(port), "--workers", str(workers)]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def pids_answering(port: int, connections: int) -> set[int]:
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    pids = set()
    for _ in range(connections):  # a new connection each time: the kernel picks a socket
        with httpx.Client() as client:
            pids.add(int(client.get(f"http://127.0.0.1:{port}/").text))
    return pids


def test_every_worker_takes_connections_and_sigterm_stops_them_all() -> None:
    port = free_port()
    proc = start(port, 3)
    try:
        pids = pids_answering(port, 60)
        workers = {p.pid for p in psutil.Process(proc.pid).children(recursive=True)}
        assert len(pids) == 3 and pids <= workers
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert not any(psutil.pid_exists(p) for p in pids)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_port_in_use_fails_at_once() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        proc = start(taken.getsockname()[1], 2)
        try:
            out, _ = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode != 0
    assert b"Address already in use" in out
