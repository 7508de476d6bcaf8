"""What a result file says about where and how it was measured."""

from __future__ import annotations

import argparse
import os
import platform
from datetime import UTC, datetime
from importlib.metadata import version

from bench.dataset import Sample


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def busy_cpu(seconds: float = 2.0) -> float:
    """The share of all CPUs in use right now (by anything: this box may be shared)."""
    import psutil

    return float(psutil.cpu_percent(interval=seconds)) / 100


def describe(
    sample: Sample, a: argparse.Namespace, wrk_version: str, totals: dict[str, tuple[int, int]]
) -> list[tuple[str, str]]:
    counts = ", ".join(f"{n:,} {what}" for what, n in sample.counts.items())
    deep_param, deep_value = sample.deep_filter

    def found(op: str) -> str:
        total, page = totals.get(op, (0, 0))
        return f" -> {page} records on the page, {total:,} in all" if op in totals else ""

    return [
        ("date (UTC)", f"{datetime.now(UTC):%Y-%m-%d %H:%M}"),
        ("nproc", str(len(os.sched_getaffinity(0)))),
        ("CPU", _cpu_model()),
        ("memory", _memory()),
        ("Python", platform.python_version()),
        ("database", sample.db_version),
        (
            "server",
            f"uvicorn {version('uvicorn')}, {a.workers} worker(s), uvloop, httptools"
            + (", connections handed out in turn" if a.workers > 1 else ""),
        ),
        ("load", f"{wrk_version}; -t1, {a.duration:g} s per run, {a.warmup:g} s warm-up"),
        ("data set", counts),
        (
            "deep page",
            f"page {sample.deep_page} of {deep_param}={deep_value} "
            f"({sample.deep_matches:,} matches)" + found("deep_page"),
        ),
        ("related filter", f"customer name {sample.customer_name!r}" + found("list_related")),
        (
            "range filter",
            f"DueDate {sample.due_month[0]} .. {sample.due_month[1]}" + found("list_range"),
        ),
    ]
