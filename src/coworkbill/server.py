"""Serving an ASGI app with uvicorn in several worker processes, each on its own socket.

Why not uvicorn's ``--workers``: its workers accept from one shared socket, whichever wakes
first takes the connection, and a keep-alive client stays where it landed. With 16 connections
on 2 workers we saw 5/11, 4/12, 6/10 and 16/0: one worker saturated its core while the other
idled, cutting throughput and stretching tail latency. Here every worker binds its own
listening socket with ``SO_REUSEPORT`` and the kernel spreads connections over them by a hash
of their addresses.

Guarantees: the parent binds the address first (a port in use fails at once, with the OS's
error; port 0 picks one port for all workers) and holds it until it exits; workers start with
the ``spawn`` method; SIGINT or SIGTERM to the parent stops every worker gracefully (SIGTERM,
then SIGKILL after ``GRACE`` seconds); a worker that dies is started again, at most once a
second; one worker runs in-process, as plain ``uvicorn.run``.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import time
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from typing import Any

import click
import uvicorn

# What every coworkbill server (and the benchmark's floor) runs with.
OPTIONS: dict[str, Any] = {
    "loop": "uvloop",
    "http": "httptools",
    "access_log": False,
    "log_level": "warning",
}
GRACE = 15.0  # seconds a stopping worker gets to finish its requests
BACKLOG = 2048


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to (host, port) that other sockets of this user may bind too."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _worker(app: str, factory: bool, host: str, port: int) -> None:
    sock = bind(host, port)
    sock.listen(BACKLOG)
    config = uvicorn.Config(app, factory=factory, **OPTIONS)
    uvicorn.Server(config).run(sockets=[sock])


def run(app: str, host: str, port: int, workers: int = 1, factory: bool = False) -> None:
    """Serve ``app`` ("module:attribute") until SIGINT or SIGTERM."""
    if workers <= 1:
        uvicorn.run(app, factory=factory, host=host, port=port, **OPTIONS)
        return
    held = bind(host, port)  # never listens: reserves the port and checks it is free
    port = held.getsockname()[1]
    spawn = multiprocessing.get_context("spawn")
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    def start() -> BaseProcess:
        proc = spawn.Process(target=_worker, args=(app, factory, host, port), daemon=False)
        proc.start()
        return proc

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    procs = [start() for _ in range(workers)]
    try:
        while not stopping:
            wait([p.sentinel for p in procs], timeout=0.5)
            for n, proc in enumerate(procs):
                if not proc.is_alive() and not stopping:
                    time.sleep(1)  # a worker that cannot start must not spin
                    procs[n] = start()
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        deadline = time.monotonic() + GRACE
        for proc in procs:
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join()
        held.close()


@click.command()
@click.argument("app")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option("--factory", is_flag=True, help="APP is a function returning the ASGI app.")
def main(app: str, host: str, port: int, workers: int, factory: bool) -> None:
    """Serve the ASGI APP ("module:attribute") as coworkbill serves itself (the benchmark's
    floor runs this way)."""
    run(app, host, port, workers, factory)


if __name__ == "__main__":
    main()
