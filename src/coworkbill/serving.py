"""Serves an ASGI app from N worker processes, each handed an equal share of the connections.

uvicorn's own workers share one listening socket and race for every connection, and the one
awake first takes them all: on the benchmark machine wrk's 16 keep-alive connections landed
16/0, 14/2 or 13/3 on two workers in most runs (64/0 at 64), leaving one worker saturated and
the other idle, and any throughput or latency measured on such a split says more about the race
than about the code. Here the parent process owns the listening socket, accepts every
connection and hands it to the workers in turn over a Unix socket (SCM_RIGHTS); each worker
serves what it is handed with uvicorn's own HTTP protocol, lifespan and graceful shutdown.

Guarantees: with N > 1 workers, accepted connections go to the workers in turn (one that cannot
take a connection, being dead or full, is skipped; a dead worker is started again); SIGINT or
SIGTERM stops accepting, asks every worker to finish the requests it has, and kills any worker
still alive after ``GRACE`` seconds; a worker whose parent has gone stops by itself. With one
worker, uvicorn serves as it always does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import selectors
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

import uvicorn

# What every server (the app's, and the benchmark's floor) runs with.
UVICORN: dict[str, Any] = {
    "loop": "uvloop",
    "http": "httptools",
    "access_log": False,
    "log_level": "warning",
}
GRACE = 25.0  # seconds a worker gets to finish its requests once asked to stop
BACKLOG = 2048


def run(app: str, *, host: str, port: int, workers: int, factory: bool = False) -> None:
    """Serve ``app`` (an import string) until SIGINT or SIGTERM."""
    if workers <= 1:
        uvicorn.run(app, factory=factory, host=host, port=port, **UVICORN)
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=BACKLOG)
    _Dispatcher(app, factory, listener, workers).run()


@dataclass
class _Worker:
    proc: subprocess.Popen[bytes]
    channel: socket.socket  # the parent's end of the worker's SOCK_SEQPACKET pair


class _Dispatcher:
    def __init__(self, app: str, factory: bool, listener: socket.socket, n: int) -> None:
        self.app, self.factory, self.listener = app, factory, listener
        self.workers: list[_Worker] = []
        self.turn = 0
        self.stopping = False
        self.n = n  # workers to keep running

    def _start(self) -> _Worker:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        cmd = [sys.executable, "-m", "coworkbill.serving", self.app, "--channel-fd"]
        cmd += [str(theirs.fileno()), *(["--factory"] if self.factory else [])]
        try:
            proc = subprocess.Popen(cmd, pass_fds=[theirs.fileno()])
        finally:
            theirs.close()
        ours.setblocking(False)
        return _Worker(proc, ours)

    def _stop(self, signum: int, frame: Any) -> None:
        self.stopping = True

    def run(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._stop)
        self.workers = [self._start() for _ in range(self.n)]
        self.listener.setblocking(False)
        with selectors.DefaultSelector() as sel:
            sel.register(self.listener, selectors.EVENT_READ)
            try:
                while not self.stopping:
                    if sel.select(timeout=0.5):
                        self._accept_all()
                    self._replace_dead()
            finally:
                self.listener.close()
                self._shutdown()

    def _accept_all(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as err:  # EMFILE and the like: the client retries, we go on
                print(f"coworkbill: accept failed: {err}", file=sys.stderr)
                return
            with conn:
                self._hand(conn)

    def _hand(self, conn: socket.socket) -> None:
        for _ in range(self.n):
            worker = self.workers[self.turn % self.n]
            self.turn += 1
            try:
                socket.send_fds(worker.channel, [b"c"], [conn.fileno()])
                return
            except OSError:  # dead, or too far behind to take more: the next one's turn
                continue
        print("coworkbill: no worker could take a connection; closed it", file=sys.stderr)

    def _replace_dead(self) -> None:
        for i, worker in enumerate(self.workers):
            code = worker.proc.poll()
            if code is not None and not self.stopping:
                print(f"coworkbill: worker {worker.proc.pid} exited ({code}); starting another")
                worker.channel.close()
                self.workers[i] = self._start()

    def _shutdown(self) -> None:
        for worker in self.workers:
            with contextlib.suppress(ProcessLookupError):
                worker.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE
        for worker in self.workers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            if worker.proc.poll() is None:
                worker.proc.kill()
                worker.proc.wait()
            worker.channel.close()


class _HandedServer(uvicorn.Server):
    """A uvicorn server that listens on nothing and serves the connections its parent hands
    over ``channel``."""

    def __init__(self, config: uvicorn.Config, channel: socket.socket) -> None:
        super().__init__(config)
        self.channel = channel
        self.pending: set[asyncio.Task[Any]] = set()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])  # no listener of its own
        self.channel.setblocking(False)
        asyncio.get_running_loop().add_reader(self.channel.fileno(), self._receive)

    def _receive(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                msg, fds, _, _ = socket.recv_fds(self.channel, 16, 16)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                msg, fds = b"", []
            if not msg and not fds:  # the parent has gone: finish what is in hand, then stop
                loop.remove_reader(self.channel.fileno())
                self.should_exit = True
                return
            for fd in fds:
                task = loop.create_task(self._take(socket.socket(fileno=fd)))
                self.pending.add(task)
                task.add_done_callback(self.pending.discard)

    async def _take(self, sock: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.connect_accepted_socket(self._protocol, sock)
        except OSError:
            sock.close()

    def _protocol(self) -> asyncio.Protocol:
        return self.config.http_protocol_class(  # type: ignore[call-arg]
            config=self.config,
            server_state=self.server_state,
            app_state=self.lifespan.state,
            _loop=asyncio.get_running_loop(),
        )

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        with contextlib.suppress(ValueError, OSError):  # already removed, or closed
            asyncio.get_running_loop().remove_reader(self.channel.fileno())
        self.channel.close()
        await super().shutdown(sockets=sockets)


def _worker(app: str, factory: bool, channel_fd: int) -> None:
    channel = socket.socket(fileno=channel_fd)
    _HandedServer(uvicorn.Config(app, factory=factory, **UVICORN), channel).run(sockets=[])


def main(argv: list[str] | None = None) -> None:
    """``python -m coworkbill.serving APP``: serve any ASGI app the way ``coworkbill serve``
    serves coworkbill (the benchmark serves its floor so)."""
    p = argparse.ArgumentParser(prog="python -m coworkbill.serving")
    p.add_argument("app", help="import string, module:attribute")
    p.add_argument("--factory", action="store_true", help="the attribute builds the app")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--channel-fd", type=int, help=argparse.SUPPRESS)  # a worker's own
    a = p.parse_args(argv)
    if a.channel_fd is not None:
        _worker(a.app, a.factory, a.channel_fd)
        return
    run(a.app, host=a.host, port=a.port, workers=a.workers, factory=a.factory)


if __name__ == "__main__":
    main()
