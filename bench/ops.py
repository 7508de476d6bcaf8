"""The benchmarked operations and the Lua data files that drive them.

Guarantees: every operation is one HTTP request a real client sends, authenticated with one
Bearer token obtained once; PUT bodies are whole records read back with GET, of which only
PurchaseOrder changes (to a new value on every request); the pay run walks a list of distinct
payable invoices, topped up beforehand through the API (POST invoice + POST line) so it does not
run out; data files are Lua tables with every string escaped, so any record text is safe.
"""

from __future__ import annotations

import http.client
import json
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.dataset import BENCH_EMAIL, BENCH_PASSWORD, PAGE_SIZE, PAY_MARK, Sample

INV = "/api/billing/coworkerinvoices"
HIS = "/api/billing/coworkerinvoicehistories"
LIN = "/api/billing/coworkerinvoicelines"
PAY_KEY = "PAY_COWORKER_INVOICE_MANUAL"
ALREADY_PAID = "already paid"
_MARK = "@@BENCH@@"


@dataclass(frozen=True)
class Op:
    name: str
    title: str
    method: str
    walk: bool = False  # items in order (each request a different record)
    check: bool = False  # count 200 + WasSuccessful false
    refusal: str | None = None  # ...except these, counted as refused


OPS = {
    op.name: op
    for op in (
        Op("health", "GET /health", "GET"),
        Op("get_invoice", "get one invoice", "GET"),
        Op("get_history", "get one history entry", "GET"),
        Op("get_many", "get many invoices (?id=[10 ids])", "GET"),
        Op("list_related", "history list, filter by customer name", "GET"),
        Op("list_range", "invoice list, DueDate one month", "GET"),
        Op("deep_page", "invoice list, deep page", "GET"),
        Op("create_history", "POST history entry", "POST", check=True),
        Op("put_invoice", "PUT invoice", "PUT", check=True),
        Op("put_line", "PUT line", "PUT", check=True),
        Op("pay", f"run {PAY_KEY}", "POST", walk=True, check=True, refusal=ALREADY_PAID),
        # Last: a password check costs ~0.5 s of CPU here, the heaviest load of the run.
        Op("token", "POST /api/token (password grant)", "POST"),
    )
}


class Http:
    """A keep-alive JSON client for the harness's own set-up calls (one per thread)."""

    def __init__(self, base_url: str, token: str = "") -> None:
        u = urllib.parse.urlsplit(base_url)
        self.host, self.port, self.token = u.hostname or "127.0.0.1", u.port or 80, token
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def call(self, method: str, path: str, body: Any = None, form: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        data: bytes | None = None
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            data = form.encode()
        elif body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        raw = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{method} {path}: HTTP {resp.status} {raw[:300]!r}")
        return json.loads(raw)


def token_form() -> str:
    return urllib.parse.urlencode(
        {"grant_type": "password", "username": BENCH_EMAIL, "password": BENCH_PASSWORD}
    )


def get_token(base_url: str) -> str:
    return str(Http(base_url).call("POST", "/api/token", form=token_form())["access_token"])


def lua_str(text: str) -> str:
    """A Lua string literal: printable ASCII as is, every other byte as a \\ddd escape."""
    out = []
    for b in text.encode():
        ch = chr(b)
        out.append(ch if 32 <= b < 127 and ch not in '"\\' else f"\\{b:03d}")
    return '"' + "".join(out) + '"'


LUA_CHUNK = 5000  # items per Lua function: at most 2 distinct strings each, well under 65,536


def _lua(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nil"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return lua_str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{lua_str(k)}] = {_lua(v)}" for k, v in value.items()) + "}"
    return "{\n" + ",\n".join(_lua(v) for v in value) + "\n}"


def write_data(path: Path, op: Op, token: str, items: Iterable[dict[str, str]]) -> Path:
    headers = {"Authorization": f"Bearer {token}"} if op.name not in ("health", "token") else {}
    if op.name == "token":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif op.method != "GET":
        headers["Content-Type"] = "application/json"
    table = {"method": op.method, "headers": headers, "walk": op.walk, "check": op.check}
    if op.refusal:
        table["refusal"] = op.refusal
    # LuaJIT allows 65,536 constants per function, and a long pay run's distinct bodies pass
    # that: the items are built in chunks, each chunk a function of its own.
    items = list(items)
    chunks = [items[i : i + LUA_CHUNK] for i in range(0, len(items), LUA_CHUNK)]
    out = ["local items = {}"]
    out += [
        f"for _, item in ipairs((function() return {_lua(c)} end)()) do "
        "items[#items + 1] = item end"
        for c in chunks
    ]
    head = "return {" + ", ".join(f"{k} = {_lua(v)}" for k, v in table.items())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([*out, head + ", items = items}"]) + "\n")
    return path


def _split(record: dict[str, Any], prefix: str) -> dict[str, str]:
    """A PUT body as pre .. <n> .. post, where PurchaseOrder becomes ``prefix<n>``."""
    body = json.dumps({**record, "PurchaseOrder": _MARK}, separators=(",", ":"))
    pre, post = body.split(json.dumps(_MARK), 1)
    return {"pre": pre + '"' + prefix, "post": '"' + post}


def _fetch(http_factory: Callable[[], Http], paths: list[str]) -> list[Any]:
    local = threading.local()

    def one(path: str) -> Any:
        if not hasattr(local, "http"):
            local.http = http_factory()
        return local.http.call("GET", path)

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, paths))


def items_for(name: str, s: Sample, base_url: str, token: str) -> list[dict[str, str]]:
    """The requests (path and body) an operation picks from."""
    ids, q = s.invoice_ids, urllib.parse.quote
    if name == "health":
        return [{"path": "/health"}]
    if name == "floor":
        return [{"path": "/"}]
    if name == "token":
        return [{"path": "/api/token", "body": token_form()}]
    if name == "get_invoice":
        return [{"path": f"{INV}/{i}"} for i in ids]
    if name == "get_history":
        return [{"path": f"{HIS}/{i}"} for i in s.history_ids]
    if name == "get_many":
        groups = [ids[n : n + 10] for n in range(0, len(ids), 10)]
        return [{"path": f"{INV}?id=[{','.join(map(str, g))}]"} for g in groups]
    if name == "list_related":
        key = "CoworkerInvoiceHistory_CoworkerInvoice_Coworker_FullName"
        return [{"path": f"{HIS}?{key}={q(s.customer_name)}"}]
    if name == "list_range":
        a, b = s.due_month
        query = f"from_CoworkerInvoice_DueDate={a}&to_CoworkerInvoice_DueDate={b}"
        return [{"path": f"{INV}?{query}"}]
    if name == "deep_page":
        param, value = s.deep_filter
        return [{"path": f"{INV}?{param}={value}&page={s.deep_page}&size={PAGE_SIZE}"}]
    if name == "create_history":
        text = "Written by the benchmark harness."
        body = {"Name": "Benchmark note", "Description": text, "IsProblem": False}
        return [{"path": HIS, "body": json.dumps({"CoworkerInvoiceId": i, **body})} for i in ids]
    if name in ("put_invoice", "put_line"):
        base, targets = (INV, s.draft_ids) if name == "put_invoice" else (LIN, s.draft_line_ids)
        records = _fetch(lambda: Http(base_url, token), [f"{base}/{i}" for i in targets])
        return [{"path": base, **_split(r, "BENCH-")} for r in records]
    raise KeyError(name)


def pay_items(ids: list[int]) -> list[dict[str, str]]:
    return [
        {"path": f"{INV}/runcommand", "body": json.dumps({"Key": PAY_KEY, "Ids": [i]})} for i in ids
    ]


def make_payable(base_url: str, token: str, templates: list[int], count: int) -> int:
    """Create ``count`` finalised, unpaid one-line invoices through the API, copying the
    billing details of the ``templates`` invoices in turn (so no customer's history balloons)."""
    bodies = []
    for record in _fetch(lambda: Http(base_url, token), [f"{INV}/{i}" for i in templates[:20]]):
        body = {k: v for k, v in record.items() if k != "Id"}
        unpaid = {"Draft": False, "Void": False, "CreditNote": False, "InvoiceNumber": ""}
        bodies.append(body | unpaid | {"CustomData": PAY_MARK})
    local = threading.local()

    def one(n: int) -> None:
        if not hasattr(local, "http"):
            local.http = Http(base_url, token)
        made = local.http.call("POST", INV, bodies[n % len(bodies)] | {"PurchaseOrder": None})
        line = {
            "CoworkerInvoiceId": made["Value"]["Id"],
            "Description": f"Benchmark charge {n}",
            "Quantity": 1,
            "SubTotal": 10,
            "TaxRate": 0,
            "TaxAmount": 0,
        }
        local.http.call("POST", LIN, line)

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(one, range(count)))
    return count
