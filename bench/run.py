"""``python -m bench.run``: prepare, serve, load with wrk, report, check the targets.

Guarantees: nothing is downloaded (wrk must already be installed; the harness says how when
it is not); both servers are stopped on every exit path, Ctrl-C included; every operation gets
a discarded warm-up run before any measured one, the data set is settled again after
the warm-up (``dataset.settle``), and no run starts before the app is idle
again; the floor is measured before the operations and again right after each operation's run
at the same concurrency, and each operation's reference is the mean of the floor runs on either
side of it;
results land in ``bench/results/`` as Markdown and PNG; the exit code is 0 only when no
applicable target failed.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import dataset, ops, report, servers, wrk
from bench.machine import busy_cpu, describe

RESULTS = Path(__file__).resolve().parent / "results"
LOGS = dataset.DATA_DIR / "logs"
BUSY = 0.15  # CPU share in use by something else above which results are unreliable
ORDER = tuple(ops.OPS)
WRITES = ("put_invoice", "put_line")
LISTS = ("list_related", "list_range", "deep_page")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    p.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--invoices", type=int, help="data-set size (default 1,000,000; quick 200)")
    p.add_argument("--duration", type=float, help="seconds per run (default 10; quick 2)")
    p.add_argument("--connections", help="concurrencies (default 1,16,64; quick 1,16)")
    p.add_argument("--ops", help=f"comma-separated subset of: {','.join(ORDER)}")
    p.add_argument("--quick", action="store_true", help="smoke test: tiny data set, short runs")
    a = p.parse_args(argv)
    a.invoices = a.invoices if a.invoices is not None else (200 if a.quick else 1_000_000)
    a.duration = a.duration if a.duration is not None else (2.0 if a.quick else 10.0)
    a.warmup = 1.0 if a.quick else 2.0
    a.cs = [int(c) for c in (a.connections or ("1,16" if a.quick else "1,16,64")).split(",")]
    a.op_names = [o.strip() for o in a.ops.split(",")] if a.ops else list(ORDER)
    unknown = set(a.op_names) - set(ORDER)
    if unknown or a.workers < 1 or a.invoices < 1 or min(a.cs) < 1:
        p.error(f"bad arguments (unknown ops: {sorted(unknown)})" if unknown else "bad numbers")
    return a


def log(msg: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {msg}", flush=True)


class Runner:
    """One benchmark run against started servers."""

    def __init__(self, a: argparse.Namespace, exe: str, app: servers.Server, url: str) -> None:
        self.a, self.exe, self.app, self.url = a, exe, app, url
        self.data = dataset.DATA_DIR / "run"
        self.results: report.Results = {}
        self.token = ""
        self.sample = dataset.Sample()
        self.floor_server: servers.Server | None = None
        self.floors: dict[int, list[float]] = {}  # c -> every floor run's req/s, in order
        self.paired: report.Paired = {}
        self.memory: list[tuple[float, dict[int, int]]] = []
        self.rates: dict[tuple[str, int], float] = {}
        self.hashing_peak_mib = 0.0
        self.idle_cpu = 0.0  # CPU share in use by others before the load (a shared box?)
        self.written: set[str] = set()
        self.totals: dict[str, tuple[int, int]] = {}  # list op -> (TotalItems, records on page)

    def floor(self, floor: servers.Server) -> None:
        """The floor at every concurrency (warmed up first), before any operation."""
        self.floor_server = floor
        data = ops.write_data(self.data / "floor.lua", ops.OPS["health"], "", [{"path": "/"}])
        wrk.run(self.exe, floor.url, data, max(self.a.cs), self.a.warmup)
        for c in self.a.cs:
            log(f"floor c{c}: {self.floor_once(c):,.0f} req/s")

    def floor_once(self, c: int) -> float:
        assert self.floor_server is not None
        data = self.data / "floor.lua"
        rps = wrk.run(self.exe, self.floor_server.url, data, c, self.a.duration).rps
        self.floors.setdefault(c, []).append(rps)
        return rps

    def data_file(self, name: str) -> Path:
        """The op's Lua data file, written once per run (PUT bodies are read with GET once)."""
        path = self.data / f"{name}.lua"
        if name not in self.written:
            items = ops.items_for(name, self.sample, self.app.url, self.token)
            ops.write_data(path, ops.OPS[name], self.token, items)
            self.written.add(name)
            if name in LISTS:
                self.check_list(name, items[0]["path"])
        return path

    def check_list(self, name: str, path: str) -> None:
        """One request before the load: the list must be served, and a filter the server
        ignored (unknown parameters are ignored, by design) must not go unnoticed."""
        page = ops.Http(self.app.url, self.token).call("GET", path)
        total, records = int(page["TotalItems"]), len(page["Records"])
        self.totals[name] = (total, records)
        log(f"{name}: {path} -> {records} records on the page, {total:,} in all")
        if name == "deep_page" and total != self.sample.deep_matches:
            log(
                f"WARNING: deep page expected {self.sample.deep_matches:,} matches: ignored filter?"
            )
        if records == 0:
            log(f"WARNING: {name} answers an empty page")

    def pay_data(self, c: int, secs: float) -> Path:
        """A pay data file holding enough payable invoices for ``secs`` at concurrency ``c``."""
        # Paying costs about what a PUT costs; the pay runs measured so far are better still.
        known = [r for (o, _), r in self.rates.items() if o in ("pay", *WRITES)]
        rate = max(known) if known else 1500.0
        need = int(rate * 1.3 * (secs + 1)) + c + 50
        ids = dataset.payable_ids(self.url)
        if len(ids) < need:
            missing = need - len(ids)
            log(f"pay: {len(ids)} payable invoices, creating {missing} more through the API")
            started = time.monotonic()
            ops.make_payable(self.app.url, self.token, self.sample.invoice_ids, missing)
            log(f"pay: created {missing} in {time.monotonic() - started:.0f} s")
            ids = dataset.payable_ids(self.url)
        items = ops.pay_items(ids[:need])
        return ops.write_data(self.data / "pay.lua", ops.OPS["pay"], self.token, items)

    def load(self, name: str, c: int, secs: float) -> wrk.Result:
        data = self.pay_data(c, secs) if name == "pay" else self.data_file(name)
        r = wrk.run(self.exe, self.app.url, data, c, secs)
        self.rates[(name, c)] = max(r.rps, self.rates.get((name, c), 0.0))
        # Requests still in flight when wrk stops (a password check takes 0.5 s of CPU, a pay
        # run's last requests still pay) must not spill into the next run.
        servers.settle(self.app)
        return r

    def warm_up(self, name: str) -> None:
        """A discarded run at the highest concurrency (the password grant at 1: each check
        costs about 0.5 s of CPU), priming caches, pools and code paths."""
        self.load(name, 1 if name == "token" else max(self.a.cs), self.a.warmup)

    def measure(self, name: str) -> None:
        for c in self.a.cs:
            before = self.floors[c][-1]
            r = self.results[(name, c)] = self.load(name, c, self.a.duration)
            after = self.floor_once(c)
            ref = self.paired[(name, c)] = (before + after) / 2
            extra = report.notes(name, r)
            log(
                f"{name} c{c}: {r.rps:,.0f} req/s, p50 {r.p50_ms:.2f} ms, p99 {r.p99_ms:.2f} ms, "
                f"errors {r.errors}"
                + (f" ({extra})" if extra else "")
                + f"; floor around it {ref:,.0f} req/s ({r.rps / ref if ref else 0:.3f})"
            )


def serve_and_measure(a: argparse.Namespace, exe: str, url: str) -> Runner:
    """Start both servers, measure, and stop them again whatever happens."""
    sample = dataset.sample(url)
    log(f"data set: {sample.counts}; deep page {sample.deep_page} of {sample.deep_filter}")
    started: list[servers.Server] = []
    sampler: servers.MemorySampler | None = None
    try:
        floor = servers.start_floor(a.workers, LOGS)
        started.append(floor)
        app = servers.start_app(url, a.db, a.workers, max(a.cs), LOGS)
        started.append(app)
        servers.wait_ready(floor, "/")
        servers.wait_ready(app, "/health")
        run = Runner(a, exe, app, url)
        run.idle_cpu = busy_cpu()
        if run.idle_cpu > BUSY:
            log(f"WARNING: {run.idle_cpu:.0%} of the CPUs are busy before the load starts")
        run.sample, run.token = sample, ops.get_token(app.url)
        run.floor(floor)
        chosen = [o for o in ORDER if o in a.op_names]
        log("warm-up: every operation once, discarded")
        for name in chosen:
            run.warm_up(name)
        # The warm-up's writes put new row versions into pages vacuum had freed; left so,
        # each measured read would visit those heap pages (and a run would measure less than
        # the one before it).
        dataset.settle(url, log)
        # Sampling starts once every code path has run, so lazily filled caches and pools do
        # not read as growth.
        sampler = servers.MemorySampler(app, 0.5 if a.quick else 1.0)
        sampler.start()
        for name in chosen:
            if name == "token":
                # argon2 works in 64 MiB per password check, 16 at once at c16: that is working
                # memory while hashing, not growth, so the check ends where the hashing starts.
                run.memory = list(sampler.samples)
            run.measure(name)
        sampler.stop()
        if "token" in chosen:
            hashing = sampler.samples[len(run.memory) :]
            run.hashing_peak_mib = max((max(r.values(), default=0) for _, r in hashing), default=0)
            run.hashing_peak_mib /= 2**20
        else:
            run.memory = sampler.samples
        return run
    finally:
        if sampler is not None:
            sampler.stop()
        for s in reversed(started):
            servers.stop(s)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # a `kill` of the harness stops the servers like Ctrl-C does


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        exe = wrk.find()
    except wrk.WrkError as err:
        print(err, file=sys.stderr)
        return 2
    url = dataset.database_url(a.db, a.quick)
    log(f"{a.db}, {a.workers} worker(s), >= {a.invoices:,} invoices, c={a.cs}, {a.duration:g} s")
    try:
        dataset.prepare(url, a.invoices, log, fresh=a.quick)
        run = serve_and_measure(a, exe, url)
    except KeyboardInterrupt:
        log("interrupted; servers stopped")
        return 130
    except (RuntimeError, OSError, subprocess.CalledProcessError) as err:
        log(f"failed: {err}\n(server logs: {LOGS.relative_to(dataset.ROOT)}/)")
        return 2
    floor_rps = {c: sum(runs) / len(runs) for c, runs in run.floors.items()}
    memory, how = servers.growth(run.memory)
    if run.hashing_peak_mib:
        peak = run.hashing_peak_mib
        how += f"; password grant excluded (peak RSS while hashing: {peak:.0f} MiB)"
    verdicts = report.check(run.results, floor_rps, a.db, memory, run.paired)
    rows = report.table_rows(run.results, floor_rps, run.paired)
    note = report.conditions_note(a.db, a.workers, a.cs, a.quick)
    if run.idle_cpu > BUSY:
        note += (
            f" WARNING: {run.idle_cpu:.0%} of the CPUs were already busy (other processes) "
            "before the load started; these numbers understate the server."
        )
    print("\n" + report.text_table(rows) + "\n")
    print(note)
    for v in verdicts:
        print(f"{v.status:4}  {v.label}: {v.detail}")
    print(f"      (memory windows: {how})")
    stem = f"{datetime.now(UTC):%Y-%m-%d}-{a.db}-{a.workers}w"
    if a.quick:
        stem += "-quick"
    elif a.ops or a.connections:  # a partial run never overwrites a full one
        stem += "-partial"
    RESULTS.mkdir(exist_ok=True)
    md, png = RESULTS / f"{stem}.md", RESULTS / f"{stem}.png"
    machine = describe(run.sample, a, wrk.version(exe), run.totals)
    machine.append(("CPU busy before the load", f"{run.idle_cpu:.0%} (servers idle)"))
    text = report.markdown(rows, verdicts, note, machine, run.floors, how, png.name)
    md.write_text(text, encoding="utf-8")
    title = f"coworkbill vs floor: {a.db}, {a.workers}w"
    report.chart(png, run.results, floor_rps, title, run.paired)
    print(f"\nwrote {md.relative_to(dataset.ROOT)} and {png.relative_to(dataset.ROOT)}")
    return 1 if any(v.status == "FAIL" for v in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
