"""Helpers for tests: an authenticated HTTP wrapper and factories that create records through
the real API (never straight into tables), each with unique names so tests never collide."""

from __future__ import annotations

import base64
import itertools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from coworkbill import jsonio
from coworkbill.auth.users import create_user

_seq = itertools.count(1)
ADMIN_EMAIL = "admin@tests.local"
PASSWORD = "correct horse battery"


@contextmanager
def fresh_database(folder: Path, prefix: str) -> Iterator[str]:
    """The URL of a new, empty database used by one test module: a SQLite file in ``folder``,
    or, when COWORKBILL_TEST_DATABASE_URL is set, a PostgreSQL database of its own beside that
    one, dropped afterwards. Not migrated: callers decide how."""
    base = os.environ.get("COWORKBILL_TEST_DATABASE_URL", "")
    if not base:
        yield f"sqlite:///{folder / (prefix + '.db')}"
        return
    import psycopg

    base = base.replace("postgresql+psycopg://", "postgresql://")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(base, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def on_database(url: str, *statements: Any) -> list[Any]:
    """Run ``statements`` in one transaction on ``url`` behind the API's back (what SQL by
    hand, another program or a migration would do); returns each one's rows, if it has any."""
    from coworkbill.db.migrate import sync_engine

    engine = sync_engine(url)
    try:
        with engine.begin() as con:
            results = [con.execute(s) for s in statements]
            return [r.all() if r.returns_rows else None for r in results]
    finally:
        engine.dispose()


@contextmanager
def fresh_app(folder: Path, prefix: str) -> Iterator[TestClient]:
    """The real app in process on a fresh, migrated database of its own (``fresh_database``)."""
    from coworkbill.app import create_app
    from coworkbill.config import Settings
    from coworkbill.db.migrate import upgrade

    with fresh_database(folder, prefix) as url:
        upgrade(url)
        with TestClient(create_app(Settings(database_url=url, pool_min=1, pool_max=3))) as c:
            yield c


def run_seed(client: TestClient, extra: int = 0) -> list[str]:
    """``coworkbill demo`` (with ``extra`` bulk invoices) on the app's own database; its report."""
    from coworkbill.demo import seed

    db = client.app.state.db  # type: ignore[attr-defined]
    return client.portal.call(seed, db, extra)  # type: ignore[union-attr]


def unique(prefix: str = "x") -> str:
    return f"{prefix}-{next(_seq):05d}"


def basic(email: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{email}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def add_user(
    client: TestClient,
    email: str,
    password: str = PASSWORD,
    *,
    is_admin: bool = False,
    roles: tuple[str, ...] = (),
    business_ids: tuple[int, ...] = (),
) -> dict[str, str]:
    """Create a user through the domain function (as the CLI does); returns Basic auth headers."""
    db = client.app.state.db  # type: ignore[attr-defined]

    async def go() -> None:
        async with db.transaction() as conn:
            await create_user(
                conn, email, password, is_admin=is_admin, roles=roles, business_ids=business_ids
            )

    client.portal.call(go)  # type: ignore[union-attr]
    return basic(email, password)


def exact(r: Any) -> Any:
    """The body of a 200 answer, numbers with a fraction as exact Decimals."""
    assert r.status_code == 200, r.text
    return jsonio.loads(r.content)


def line_body(invoice_id: int, sub_total: Any, tax_rate: Any = 0, **over: Any) -> dict[str, Any]:
    """A valid POST body for one line (quantity 1) of an invoice."""
    return {
        "CoworkerInvoiceId": invoice_id,
        "Description": unique("Line"),
        "Quantity": 1,
        "SubTotal": sub_total,
        "TaxRate": tax_rate,
        **over,
    }


def send(api: Api, method: str, path: str, body: Any) -> Any:
    """A request whose JSON body may hold Decimals (httpx's own ``json=`` cannot encode them)."""
    headers = {**api.auth, "Content-Type": "application/json"}
    return api.client.request(method, path, content=jsonio.dumps(body), headers=headers)


class Api:
    def __init__(self, client: TestClient, auth: dict[str, str], world: World | None) -> None:
        self.client, self.auth, self.world = client, auth, world

    def as_(self, auth: dict[str, str]) -> Api:
        return Api(self.client, auth, self.world)

    def get(self, path: str, params: Any = None, **kw: Any) -> Any:
        return self.client.get(path, params=params, headers=self.auth, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.client.post(path, json=body, headers=self.auth, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.client.put(path, json=body, headers=self.auth, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.client.delete(path, headers=self.auth, **kw)

    def created(self, path: str, body: dict[str, Any]) -> int:
        r = self.post(path, body)
        assert r.status_code == 200, r.text
        assert r.json()["WasSuccessful"] is True, r.text
        return int(r.json()["Value"]["Id"])

    # -- factories (through the API) ------------------------------------------------------
    def business(self, **over: Any) -> int:
        w = self.world
        assert w is not None
        body = {
            "Name": unique("Business"),
            "CountryId": w.country_gb,
            "CurrencyId": w.currency_gbp,
            "SimpleTimeZoneId": "Europe/London",
            **over,
        }
        return self.created("/api/sys/businesses", body)

    def coworker(self, business_id: int, **over: Any) -> int:
        w = self.world
        assert w is not None
        body = {
            "FullName": unique("Customer"),
            "Email": f"{unique('c')}@example.com",
            "CountryId": w.country_gb,
            "SimpleTimeZoneId": "Europe/London",
            "InvoicingBusinessId": business_id,
            **over,
        }
        return self.created("/api/spaces/coworkers", body)

    def invoice_body(self, business_id: int, coworker_id: int, **over: Any) -> dict[str, Any]:
        """A valid POST body for an invoice of this customer (a unique number, GBP)."""
        w = self.world
        assert w is not None
        return {
            "CoworkerId": coworker_id,
            "BusinessId": business_id,
            "InvoiceNumber": unique("INV"),
            "BillToName": unique("Bill"),
            "BillToAddress": "1 High Street",
            "BillToCity": "London",
            "BillToPostCode": "N1 1AA",
            "BillToCountryId": w.country_gb,
            "CurrencyId": w.currency_gbp,
            **over,
        }

    def invoice(self, business_id: int, coworker_id: int, **over: Any) -> int:
        return self.created(
            "/api/billing/coworkerinvoices", self.invoice_body(business_id, coworker_id, **over)
        )

    def history(self, invoice_id: int, **over: Any) -> int:
        body = {
            "CoworkerInvoiceId": invoice_id,
            "Name": unique("Entry"),
            "Description": unique("Detail"),
            **over,
        }
        return self.created("/api/billing/coworkerinvoicehistories", body)


@dataclass
class World:
    client: TestClient
    admin_auth: dict[str, str]
    country_gb: int
    country_es: int
    currency_gbp: int
    currency_eur: int
    currency_jpy: int

    @classmethod
    def build(cls, client: TestClient) -> World:
        auth = add_user(client, ADMIN_EMAIL, is_admin=True)

        def one(path: str, params: dict[str, str]) -> int:
            r = client.get(path, params=params, headers=auth)
            assert r.status_code == 200, r.text
            records = r.json()["Records"]
            assert len(records) == 1, records
            return int(records[0]["Id"])

        return cls(
            client=client,
            admin_auth=auth,
            country_gb=one("/api/sys/countries", {"Country_TwoDigitsCode": "GB"}),
            country_es=one("/api/sys/countries", {"Country_TwoDigitsCode": "ES"}),
            currency_gbp=one("/api/sys/currencies", {"Currency_Code": "GBP"}),
            currency_eur=one("/api/sys/currencies", {"Currency_Code": "EUR"}),
            currency_jpy=one("/api/sys/currencies", {"Currency_Code": "JPY"}),
        )
