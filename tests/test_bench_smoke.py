"""The benchmark harness's own pieces, without running wrk or a benchmark: the floor app answers
~300 bytes of JSON on any path and method, and the wrk-report parser reads real wrk 4.1.0
``--latency`` output (us, ms and s latencies, socket errors, non-2xx, the Lua counter line)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from bench import floor, ops, report, wrk
from bench.servers import Growth, growth
from starlette.testclient import TestClient

# Captured from wrk 4.1.0 (Debian) on this project's machine.
HEALTH_US = """\
Running 1s test @ http://127.0.0.1:18080/health
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.07ms    2.82ms  32.36ms   95.40%
    Req/Sec    10.60k     6.43k   22.93k    80.00%
  Latency Distribution
     50%  186.00us
     75%    0.95ms
     90%    2.38ms
     99%   17.47ms
  10580 requests in 1.00s, 1.41MB read
Requests/sec:  10527.85
Transfer/sec:      1.41MB
"""

MIXED_ERRORS = """\
Running 5s test @ http://127.0.0.1:18080/
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    40.33ms  174.29ms   1.81s    97.76%
    Req/Sec   106.33    143.83   657.00     91.67%
  Latency Distribution
     50%    1.90ms
     75%   11.87ms
     90%   72.82ms
     99%    1.04s\x20
  323 requests in 5.13s, 45.58KB read
  Socket errors: connect 0, read 0, write 0, timeout 17
  Non-2xx or 3xx responses: 18
Requests/sec:     62.98
Transfer/sec:      8.89KB
"""

ALL_TIMED_OUT = """\
Running 4s test @ http://127.0.0.1:18080/api/token
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     9.22      9.07    28.00     66.67%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  14 requests in 4.13s, 3.02KB read
  Socket errors: connect 0, read 0, write 0, timeout 14
  Non-2xx or 3xx responses: 14
Requests/sec:      3.39
Transfer/sec:     749.99B
"""

PAY_WITH_COUNTERS = """\
Running 1s test @ http://127.0.0.1:18081
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.81ms    3.92ms  25.64ms   83.81%
    Req/Sec     1.39k     1.12k    2.99k    80.00%
  Latency Distribution
     50%    1.70ms
     75%    5.70ms
     90%    9.37ms
     99%   18.63ms
  1384 requests in 1.00s, 577.82KB read
Requests/sec:   1382.76
Transfer/sec:    577.30KB
bench: failed=0 refused=1179
"""


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("path", ["/", "/ping", "/api/billing/coworkerinvoices/1?x=[1,2]"])
def test_floor_answers_about_300_bytes_of_json_anywhere(method: str, path: str) -> None:
    # The floor is typed with plain dicts on purpose: it imports nothing of a framework.
    with TestClient(floor.app) as client:  # type: ignore[arg-type]
        r = client.request(method, path, content=b'{"ignored": true}' if method == "POST" else None)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert 280 <= len(r.content) <= 340
    assert int(r.headers["content-length"]) == len(r.content)
    doc = json.loads(r.content)
    assert doc["WasSuccessful"] is True
    assert doc["Value"]["Id"] == 1


def test_parse_microseconds_and_no_error_lines() -> None:
    r = wrk.parse(HEALTH_US)
    assert (r.requests, r.seconds, r.rps) == (10580, 1.0, 10527.85)
    assert r.p50_ms == pytest.approx(0.186)
    assert (r.p75_ms, r.p90_ms, r.p99_ms) == (0.95, 2.38, 17.47)
    assert (r.non2xx, r.socket_errors, r.failed, r.refused, r.errors) == (0, 0, 0, 0, 0)


def test_parse_seconds_socket_errors_and_non_2xx() -> None:
    r = wrk.parse(MIXED_ERRORS)
    assert (r.requests, r.seconds, r.rps) == (323, 5.13, 62.98)
    assert (r.p50_ms, r.p75_ms, r.p90_ms) == (1.90, 11.87, 72.82)
    assert r.p99_ms == pytest.approx(1040.0)
    assert (r.connect, r.read, r.write, r.timeout) == (0, 0, 0, 17)
    assert r.non2xx == 18
    assert r.errors == 18 + 17


def test_parse_a_run_where_everything_timed_out() -> None:
    r = wrk.parse(ALL_TIMED_OUT)
    assert (r.requests, r.rps, r.p50_ms, r.p99_ms) == (14, 3.39, 0.0, 0.0)
    assert (r.timeout, r.non2xx, r.errors) == (14, 14, 28)


def test_parse_the_lua_counters_refusals_are_not_errors() -> None:
    r = wrk.parse(PAY_WITH_COUNTERS)
    assert (r.requests, r.p50_ms, r.p99_ms) == (1384, 1.70, 18.63)
    assert (r.failed, r.refused, r.errors) == (0, 1179, 0)
    assert "1179 already paid" in report.notes("pay", r)


def test_parse_rejects_what_is_not_a_report() -> None:
    with pytest.raises(wrk.WrkError):
        wrk.parse("unable to connect to 127.0.0.1:1 Connection refused\n")
    with pytest.raises(wrk.WrkError):
        wrk.parse(HEALTH_US.replace("Latency Distribution", "").replace("99%", ""))


def test_minutes_and_hours_units() -> None:
    text = HEALTH_US.replace("17.47ms", "1.50m").replace("186.00us", "0.01h")
    r = wrk.parse(text)
    assert (r.p50_ms, r.p99_ms) == (36_000.0, 90_000.0)


def test_lua_strings_escape_everything_but_printable_ascii() -> None:
    assert ops.lua_str('a"b\\c') == '"a\\034b\\092c"'
    assert ops.lua_str("Vía\n1") == '"V\\195\\173a\\0101"'


def test_a_long_pay_runs_data_loads_in_luajit(tmp_path: Path) -> None:
    """wrk's LuaJIT refuses a function of more than 65,536 constants: a pay run on a fast
    machine needs ~80,000 distinct bodies, which one table literal could not hold."""
    from lupa import luajit21

    pay = ops.OPS["pay"]
    items = [{"path": "/run", "body": f'{{"Ids":[{i}]}}'} for i in range(70_000)]
    path = ops.write_data(tmp_path / "pay.lua", pay, "t0ken", items)
    lua = luajit21.LuaRuntime()
    data = lua.eval(f"dofile({ops.lua_str(str(path))})")
    assert (data.method, data.walk, data.headers["Authorization"]) == ("POST", True, "Bearer t0ken")
    assert len(data["items"]) == 70_000
    assert data["items"][70_000].body == '{"Ids":[69999]}'
    with pytest.raises(luajit21.LuaError, match="constants"):  # the old single literal
        lua.execute(f"return {ops._lua(items)}")


def test_targets_pass_fail_and_not_applicable() -> None:
    fast = wrk.parse(HEALTH_US)
    slow = wrk.parse(MIXED_ERRORS)
    results = {("health", 16): fast, ("get_invoice", 16): slow}
    floor_rps = {16: 12_000.0}
    verdicts = {v.label: v for v in report.check(results, floor_rps, "postgresql", [])}
    assert verdicts["/health >= 0.50 of floor"].status == "PASS"
    invoice = verdicts["get one invoice >= 0.15 of floor, p99 <= 20 ms"]
    assert invoice.status == "FAIL"
    assert "35 failed requests" in invoice.detail
    assert verdicts["deep page: p99 <= 100 ms"].status == "N/A"
    assert not any(label.startswith("SQLite") for label in verdicts)
    assert verdicts["memory: no worker grows > 10%"].status == "N/A"


def test_a_run_where_nothing_completed_fails_its_latency_target() -> None:
    nothing = dataclasses.replace(wrk.parse(ALL_TIMED_OUT), requests=0, timeout=0, non2xx=0)
    assert nothing.p99_ms == 0.0
    verdicts = report.check({("deep_page", 16): nothing}, {16: 1000.0}, "postgresql", [])
    deep = next(v for v in verdicts if v.label.startswith("deep page"))
    assert (deep.status, deep.detail) == ("FAIL", "c16: no request completed")


def test_memory_growth_compares_first_and_last_tenth() -> None:
    mib = 2**20
    samples = [(float(t), {1: 100 * mib, 2: (100 + t) * mib}) for t in range(20)]
    found, how = growth(samples)
    assert "first and last 2 of 20 samples" in how
    assert [(g.pid, round(g.growth, 3)) for g in found] == [
        (1, 0.0),
        (2, 0.179),
    ]  # 100.5 -> 118.5 MiB
    verdict = report.memory_verdict(found)
    assert verdict.status == "FAIL"
    assert report.memory_verdict([Growth(1, 100.0, 105.0, 4)]).status == "PASS"
    assert report.memory_verdict([Growth(1, 100.0, -1.0, 2)]).status == "FAIL"


def test_an_operation_is_compared_with_the_floor_runs_around_it() -> None:
    """A fraction uses the floor measured on either side of the operation's own run when the
    run has it, not the floor's mean over a run whose machine drifted."""
    slow = dataclasses.replace(wrk.parse(HEALTH_US), rps=1_500.0)
    results = {("get_invoice", 16): slow, ("get_history", 16): slow}
    floor_rps = {16: 12_000.0}  # the run's mean: 1,500 / 12,000 = 0.125
    paired = {("get_invoice", 16): 9_000.0}  # the machine was slower while it ran
    verdicts = {v.label: v for v in report.check(results, floor_rps, "postgresql", [], paired)}
    invoice = verdicts["get one invoice >= 0.15 of floor, p99 <= 20 ms"]
    assert (invoice.status, invoice.detail.split(", ")[1]) == ("PASS", "0.167 of floor")
    history = verdicts["get one history >= 0.15 of floor, p99 <= 20 ms"]
    assert (history.status, history.detail.split(", ")[1]) == ("FAIL", "0.125 of floor")
    rows = {(r[0], r[1]): r[3] for r in report.table_rows(results, floor_rps, paired)}
    assert rows[("get one invoice", "16")] == "0.167"
    assert rows[("get one history entry", "16")] == "0.125"
