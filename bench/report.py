"""The benchmark's verdicts and outputs: the table, the targets, the Markdown file, the chart.

Guarantees: an operation's fraction is its req/s over the floor's req/s at the same concurrency
in the same run (the floor runs on either side of it, where the run measured those: ``paired``);
a target is checked at concurrency 16 (the nearest measured one otherwise, and
said so), FAILs when the operation had failed requests there, and is N/A, never PASS, when what
it needs was not measured; the official conditions (PostgreSQL, 2 workers, concurrency 16) are
stated next to the run's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.ops import OPS
from bench.servers import Growth
from bench.wrk import Result

OFFICIAL = ("postgresql", 2, 16)
MEMORY_LIMIT = 0.10
Results = dict[tuple[str, int], Result]
Paired = dict[tuple[str, int], float]  # (op, c) -> the floor's req/s around that op's run


@dataclass(frozen=True)
class Target:
    label: str
    op: str
    min_fraction: float | None = None
    max_p99_ms: float | None = None
    db: str | None = None  # only on this database
    at: int | None = None  # only at this concurrency
    no_errors: bool = False


TARGETS = (
    Target("/health >= 0.50 of floor", "health", 0.50),
    Target("get one invoice >= 0.15 of floor, p99 <= 20 ms", "get_invoice", 0.15, 20),
    Target("get one history >= 0.15 of floor, p99 <= 20 ms", "get_history", 0.15, 20),
    Target("list page 1, related-record filter: p99 <= 50 ms", "list_related", None, 50),
    Target("deep page: p99 <= 100 ms", "deep_page", None, 100),
    Target("create history >= 0.05 of floor", "create_history", 0.05),
    Target("PUT invoice >= 0.03 of floor", "put_invoice", 0.03),
    Target("PUT line >= 0.03 of floor", "put_line", 0.03),
    Target("pay command >= 0.03 of floor", "pay", 0.03),
    Target("SQLite: get one invoice >= 0.20 of floor", "get_invoice", 0.20, db="sqlite"),
    Target(
        "SQLite: 64 concurrent writers (create history c64): no failure, p99 <= 250 ms",
        "create_history",
        None,
        250,
        db="sqlite",
        at=64,
        no_errors=True,
    ),
)


@dataclass(frozen=True)
class Verdict:
    label: str
    status: str  # PASS, FAIL or N/A
    detail: str


def fraction(
    results: Results, floor: dict[int, float], op: str, c: int, paired: Paired | None = None
) -> float | None:
    r, f = results.get((op, c)), (paired or {}).get((op, c)) or floor.get(c)
    return r.rps / f if r is not None and f else None


def notes(op: str, r: Result) -> str:
    parts = ["no request completed"] if r.requests == 0 else []
    if r.socket_errors:
        parts.append(f"socket c{r.connect}/r{r.read}/w{r.write}/t{r.timeout}")
    if r.non2xx:
        parts.append(f"{r.non2xx} non-2xx")
    if r.failed:
        parts.append(f"{r.failed} WasSuccessful=false")
    if r.refused:
        parts.append(f"{r.refused} already paid")
    return ", ".join(parts)


def table_rows(
    results: Results, floor: dict[int, float], paired: Paired | None = None
) -> list[list[str]]:
    rows = [["floor (raw ASGI)", str(c), f"{rps:,.0f}", "1.000", "", "", "", ""]
            for c, rps in sorted(floor.items())]  # fmt: skip
    for (op, c), r in results.items():
        frac = fraction(results, floor, op, c, paired)
        rows.append(
            [
                OPS[op].title,
                str(c),
                f"{r.rps:,.0f}",
                f"{frac:.3f}" if frac is not None else "-",
                f"{r.p50_ms:.2f}",
                f"{r.p99_ms:.2f}",
                str(r.errors),
                notes(op, r),
            ]
        )
    return rows


HEAD = ["operation", "c", "req/s", "x floor", "p50 ms", "p99 ms", "errors", "notes"]


def text_table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [HEAD, *rows]) for i in range(len(HEAD))]
    right = {1, 2, 3, 4, 5, 6}

    def line(r: list[str]) -> str:
        cells = [
            v.rjust(w) if i in right else v.ljust(w)
            for i, (v, w) in enumerate(zip(r, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    return "\n".join([line(HEAD), line(["-" * w for w in widths]), *map(line, rows)])


def markdown_table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(lines)


def check_concurrency(measured: list[int]) -> int | None:
    if not measured:
        return None
    return min(measured, key=lambda c: (abs(c - OFFICIAL[2]), c))


def check(
    results: Results,
    floor: dict[int, float],
    db: str,
    memory: list[Growth],
    paired: Paired | None = None,
) -> list[Verdict]:
    measured = sorted({c for _, c in results})
    default_c = check_concurrency(measured)
    out = []
    for t in TARGETS:
        if t.db is not None and t.db != db:
            continue
        c = t.at if t.at is not None else default_c
        r = results.get((t.op, c)) if c is not None else None
        if r is None:
            out.append(Verdict(t.label, "N/A", f"{t.op} not measured at c{c or '?'}"))
            continue
        problems, facts = [], [f"c{c}"]
        if r.requests == 0:
            out.append(Verdict(t.label, "FAIL", f"c{c}: no request completed"))
            continue
        frac = fraction(results, floor, t.op, c, paired)  # type: ignore[arg-type]
        if t.min_fraction is not None:
            facts.append(f"{frac:.3f} of floor" if frac is not None else "no floor")
            if frac is None or frac < t.min_fraction:
                problems.append("too slow")
        if t.max_p99_ms is not None:
            facts.append(f"p99 {r.p99_ms:.1f} ms")
            if r.p99_ms > t.max_p99_ms:
                problems.append("p99 too high")
        if r.errors:
            facts.append(f"{r.errors} failed requests")
            problems.append("failed requests")
        if r.refused > 0.01 * max(r.requests, 1):
            facts.append(f"{r.refused} already paid: the pay list ran out")
            problems.append("invalid measurement")
        out.append(Verdict(t.label, "FAIL" if problems else "PASS", ", ".join(facts)))
    out.append(memory_verdict(memory))
    return out


def memory_verdict(memory: list[Growth]) -> Verdict:
    label = f"memory: no worker grows > {MEMORY_LIMIT:.0%}"
    if not memory:
        return Verdict(label, "N/A", "no samples")
    facts = [
        f"pid {g.pid}: {g.first_mib:.0f} -> "
        + ("gone" if g.gone else f"{g.last_mib:.0f} MiB ({g.growth:+.1%})")
        for g in memory
    ]
    bad = any(g.gone or g.growth > MEMORY_LIMIT for g in memory)
    return Verdict(label, "FAIL" if bad else "PASS", "; ".join(facts))


def conditions_note(db: str, workers: int, measured: list[int], quick: bool) -> str:
    c = check_concurrency(measured)
    differ = []
    if db != OFFICIAL[0]:
        differ.append(f"database {db} (official: postgresql)")
    if workers != OFFICIAL[1]:
        differ.append(f"{workers} worker(s) (official: 2)")
    if c != OFFICIAL[2]:
        differ.append(f"checked at c{c} (official: c16)")
    if quick:
        differ.append("--quick (tiny data set, 2 s runs)")
    if not differ:
        return "Run under the official conditions (PostgreSQL, 2 workers, concurrency 16)."
    return "NOT the official conditions: " + "; ".join(differ) + ". Indicative only."


def chart(
    path: Path, results: Results, floor: dict[int, float], title: str, paired: Paired | None = None
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ops = list(dict.fromkeys(op for op, _ in results))
    cs = sorted({c for _, c in results})
    width = 0.8 / max(len(cs), 1)
    fig, ax = plt.subplots(figsize=(max(8, 1.1 * len(ops) + 2), 5))
    for k, c in enumerate(cs):
        vals = [fraction(results, floor, op, c, paired) or 0.0 for op in ops]
        xs = [i + (k - (len(cs) - 1) / 2) * width for i in range(len(ops))]
        ax.bar(xs, vals, width, label=f"c{c}")
    for i, op in enumerate(ops):
        goals = [t.min_fraction for t in TARGETS if t.op == op and t.min_fraction and not t.db]
        for g in goals:
            ax.hlines(g, i - 0.45, i + 0.45, colors="black", linestyles="dashed", linewidth=1)
    ax.set_xticks(range(len(ops)), ops, rotation=30, ha="right")
    ax.set_ylabel("fraction of the floor's req/s (dashed: target)")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def markdown(
    rows: list[list[str]],
    verdicts: list[Verdict],
    note: str,
    machine: list[tuple[str, str]],
    floors: dict[int, list[float]],
    memory_how: str,
    png: str,
) -> str:
    floor_rows = [
        [str(c), str(len(runs)), *(f"{v:,.0f}" for v in (runs[0], runs[-1], min(runs), max(runs)))]
        for c, runs in sorted(floors.items())
    ]
    checks = [[v.status, v.label, v.detail] for v in verdicts]
    return (
        "\n\n".join(
            [
                "# coworkbill benchmark",
                note,
                markdown_table(["", ""], [[k, v] for k, v in machine]),
                "## Results\n\n"
                "x floor = the operation's req/s over the floor's (a raw ASGI app served the "
                "same way: uvicorn's options, connections handed out in turn) at the same "
                "concurrency. The floor is measured again right after every operation's run, so "
                "each fraction divides by the mean of the two floor runs on either side of it: "
                "a shared machine's speed drifts by tens of percent within minutes, and a "
                "reference taken minutes away would measure that drift. The floor rows show "
                "the mean of all floor runs. "
                "p50/p99 are wrk's latencies at saturation (closed loop).",
                markdown_table(HEAD, rows),
                "### Floor runs (req/s)",
                markdown_table(["c", "runs", "first", "last", "lowest", "highest"], floor_rows),
                "## Targets",
                markdown_table(["result", "target", "measured"], checks),
                f"Memory windows: {memory_how}.",
                f"![fractions of the floor]({png})",
            ]
        )
        + "\n"
    )
