"""Running Debian's ``wrk`` and reading its ``--latency`` report.

Guarantees: ``parse`` turns wrk's text into numbers without guessing (latencies in
milliseconds whatever unit wrk printed: us, ms, s, m, h); a line wrk leaves out (no errors, no
non-2xx) reads as zero; the counters the generic Lua script prints in ``done()``
(``bench: failed=N refused=M``) are picked up too. ``run`` always uses one wrk thread, keep-alive
connections and the one generic script ``bench/lua/op.lua``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).parent / "lua" / "op.lua"
HOW_TO_GET = (
    "wrk is not installed. This harness uses Debian's wrk and nothing else:\n"
    "    sudo apt-get install wrk"
)
TIMEOUT_S = 5
_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_PERCENTILE = re.compile(r"^\s*(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.M)
_TOTAL = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h),", re.M)
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", re.M)
_NON2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)", re.M)
_SCRIPT_COUNTS = re.compile(r"^bench: failed=(\d+) refused=(\d+)", re.M)


class WrkError(RuntimeError):
    """wrk is missing, failed, or printed something that is not a report."""


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    non2xx: int = 0
    connect: int = 0
    read: int = 0
    write: int = 0
    timeout: int = 0
    failed: int = 0  # HTTP 200 with WasSuccessful false, where that is a failure
    refused: int = 0  # HTTP 200 with the expected refusal (pay: "already paid")

    @property
    def socket_errors(self) -> int:
        return self.connect + self.read + self.write + self.timeout

    @property
    def errors(self) -> int:
        """Every request that did not succeed (refusals the op expects are not errors)."""
        return self.non2xx + self.socket_errors + self.failed


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS_MS[unit]


def parse(text: str) -> Result:
    """Read a ``wrk --latency`` report (with or without the script's counter line)."""
    pct = {int(p): _ms(v, u) for p, v, u in _PERCENTILE.findall(text)}
    total, rps = _TOTAL.search(text), _RPS.search(text)
    if total is None or rps is None or set(pct) != {50, 75, 90, 99}:
        raise WrkError(f"not a wrk --latency report:\n{text}")
    sock = _SOCKET.search(text)
    c, r, w, t = (int(x) for x in sock.groups()) if sock else (0, 0, 0, 0)
    non2xx = _NON2XX.search(text)
    counts = _SCRIPT_COUNTS.search(text)
    failed, refused = (int(x) for x in counts.groups()) if counts else (0, 0)
    return Result(
        requests=int(total.group(1)),
        seconds=_ms(total.group(2), total.group(3)) / 1000.0,
        rps=float(rps.group(1)),
        p50_ms=pct[50],
        p75_ms=pct[75],
        p90_ms=pct[90],
        p99_ms=pct[99],
        non2xx=int(non2xx.group(1)) if non2xx else 0,
        connect=c,
        read=r,
        write=w,
        timeout=t,
        failed=failed,
        refused=refused,
    )


def find() -> str:
    """The wrk executable, or ``WrkError`` saying how to install it."""
    path = shutil.which("wrk")
    if path is None:
        raise WrkError(HOW_TO_GET)
    return path


def version(exe: str) -> str:
    out = subprocess.run([exe, "-v"], capture_output=True, text=True, check=False)
    first = (out.stdout or out.stderr).strip().splitlines()
    return first[0].split(" Copyright")[0] if first else "wrk (unknown version)"


def run(
    exe: str, base_url: str, data_file: Path, connections: int, seconds: float, start: int = 0
) -> Result:
    """One wrk run of the operation described by ``data_file`` (see ``bench/lua/op.lua``)."""
    secs = max(1, round(seconds))
    cmd = [
        exe,
        "-t1",
        f"-c{connections}",
        f"-d{secs}s",
        "--latency",
        "--timeout",
        f"{TIMEOUT_S}s",
        "-s",
        str(SCRIPT),
        base_url,
        "--",
        str(data_file),
        str(start),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=secs + 60, check=False)
    if proc.returncode != 0:
        raise WrkError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return parse(proc.stdout)
