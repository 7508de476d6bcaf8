"""Concurrent get-ones coalesced into one statement (engine/batch.py).

The coalescer's rules are checked with a stand-in fetch that records what it was asked; then
the app, on the session's real database, answers many concurrent get-ones (the same invoice
twice, a missing one, another business's one for a scoped user) exactly as it answers them one
at a time. PostgreSQL coalesces by itself; on SQLite the test switches coalescing on for its
database object, so the same path runs on both.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from coworkbill.engine import batch
from tests.support import Api, add_user, unique

INV = "/api/billing/coworkerinvoices"


class Recorder:
    """A fetch that answers ``(id,)`` rows for the ids it holds and records every call."""

    def __init__(self, known: set[int], gate: asyncio.Event | None = None) -> None:
        self.known, self.gate, self.calls = known, gate, list[list[int]]()

    async def __call__(self, ids: list[int]) -> dict[int, tuple[Any, ...]]:
        self.calls.append(ids)
        if self.gate is not None:
            await self.gate.wait()
        if -1 in ids:
            raise RuntimeError("database gone")
        return {i: (i,) for i in ids if i in self.known}


def counts(db: Any) -> tuple[int, int]:
    c = batch.coalescers(db).get("CoworkerInvoice")
    return (0, 0) if c is None else (c.reads, c.statements)


def test_reads_in_one_turn_share_one_statement() -> None:
    async def go() -> tuple[list[Any], list[list[int]]]:
        fetch = Recorder({1, 2, 3})
        c = batch.Coalescer(fetch)
        rows = list(await asyncio.gather(c.get(1), c.get(2), c.get(1), c.get(9), c.get(3)))
        assert (c.reads, c.statements) == (5, 1)
        return rows, fetch.calls

    rows, calls = asyncio.run(go())
    assert rows == [(1,), (2,), (1,), None, (3,)]
    assert calls == [[1, 2, 9, 3]]  # each id once, in arrival order


def test_a_failed_statement_fails_every_read_it_served() -> None:
    async def go() -> list[Any]:
        c = batch.Coalescer(Recorder({1}))
        out: list[Any] = list(await asyncio.gather(c.get(1), c.get(-1), return_exceptions=True))
        # The coalescer serves the next turn normally.
        out.append(await c.get(1))
        return out

    first, second, later = asyncio.run(go())
    assert isinstance(first, RuntimeError) and isinstance(second, RuntimeError)
    assert later == (1,)


def test_reads_arriving_while_statements_run_go_together(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "MAX_IN_FLIGHT", 1)

    async def go() -> tuple[list[Any], list[list[int]]]:
        gate = asyncio.Event()
        fetch = Recorder({1, 2, 3, 4}, gate)
        c = batch.Coalescer(fetch)
        first = asyncio.ensure_future(c.get(1))
        await asyncio.sleep(0.01)  # the first statement is running, held at the gate
        later = [asyncio.ensure_future(c.get(i)) for i in (2, 3)]
        await asyncio.sleep(0.01)
        later.append(asyncio.ensure_future(c.get(4)))
        await asyncio.sleep(0.01)
        assert fetch.calls == [[1]]  # nothing more is sent while one runs
        gate.set()
        return await asyncio.gather(first, *later), fetch.calls

    rows, calls = asyncio.run(go())
    assert rows == [(1,), (2,), (3,), (4,)]
    assert calls == [[1], [2, 3, 4]]


def test_a_cancelled_read_leaves_the_others_alone() -> None:
    async def go() -> Any:
        gate = asyncio.Event()
        c = batch.Coalescer(Recorder({1, 2}, gate))
        gone = asyncio.ensure_future(c.get(1))
        kept = asyncio.ensure_future(c.get(2))
        await asyncio.sleep(0.01)
        gone.cancel()
        gate.set()
        return await kept

    assert asyncio.run(go()) == (2,)


def test_batches_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "MAX_BATCH", 3)

    async def go() -> list[list[int]]:
        fetch = Recorder(set(range(10)))
        c = batch.Coalescer(fetch)
        assert await asyncio.gather(*(c.get(i) for i in range(7))) == [(i,) for i in range(7)]
        return fetch.calls

    assert asyncio.run(go()) == [[0, 1, 2], [3, 4, 5], [6]]


def test_concurrent_get_ones_answer_as_sequential_ones(
    client: TestClient, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = api.business(), api.business()
    mine = [api.invoice(a, api.coworker(a)) for _ in range(4)]
    theirs = api.invoice(b, api.coworker(b))
    email = f"{unique('coalesce')}@tests.local".lower()
    scoped = add_user(client, email, roles=("CoworkerInvoice-Read",), business_ids=(a,))
    ids = [*mine, mine[0], theirs, 2_000_000_000, *reversed(mine)]
    calls = [(auth, i) for i in ids for auth in (api.auth, scoped)]
    one_by_one = [client.get(f"{INV}/{i}", headers=auth) for auth, i in calls]
    db: Any = client.app.state.db  # type: ignore[attr-defined]
    monkeypatch.setattr(db, "coalesces_reads", True)  # PostgreSQL's own setting; not SQLite's
    before = counts(db)

    async def together() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            return await asyncio.gather(
                *(http.get(f"{INV}/{i}", headers=auth) for auth, i in calls)
            )

    at_once = client.portal.call(together)  # type: ignore[union-attr]
    assert [r.status_code for r in at_once] == [r.status_code for r in one_by_one]
    assert [r.json() for r in at_once] == [r.json() for r in one_by_one]
    statuses = {
        (auth is scoped, i): r.status_code for (auth, i), r in zip(calls, at_once, strict=True)
    }
    assert statuses[(True, theirs)] == 404 and statuses[(False, theirs)] == 200
    assert statuses[(False, 2_000_000_000)] == 404
    reads, statements = counts(db)
    assert reads - before[0] == len(calls)
    assert statements - before[1] < len(calls)  # they did go together
