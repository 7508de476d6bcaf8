"""The per-worker bearer cache: it saves the token query, never outlives a token, and a
revocation takes effect when the cache lets go (``COWORKBILL_AUTH_CACHE_SECONDS``)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from coworkbill.app import create_app
from coworkbill.auth.users import revoke_tokens
from coworkbill.config import Settings
from tests.support import PASSWORD, add_user, unique

HIST = "/api/billing/coworkerinvoicehistories"


@pytest.fixture()
def cached_client(database_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=database_url, pool_max=3, auth_cache_seconds=0.5))
    with TestClient(app) as c:
        yield c


def _bearer(c: TestClient, email: str) -> dict[str, str]:
    form = {"grant_type": "password", "username": email, "password": PASSWORD}
    r = c.post("/api/token", data=form)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_a_revoked_token_stops_working_when_the_cache_lets_go(
    cached_client: TestClient,
) -> None:
    email = f"{unique('cache')}@example.com"
    add_user(cached_client, email, roles=("CoworkerInvoiceHistory-List",))
    auth = _bearer(cached_client, email)
    assert cached_client.get(HIST, headers=auth).status_code == 200
    db = cached_client.app.state.db  # type: ignore[attr-defined]

    async def revoke() -> int:
        async with db.transaction() as conn:
            return await revoke_tokens(conn, email)

    assert cached_client.portal.call(revoke) == 2  # type: ignore[union-attr]
    # Within the window the worker still trusts what it verified...
    assert cached_client.get(HIST, headers=auth).status_code == 200
    time.sleep(0.6)
    # ...and after it, the database's answer: revoked.
    r = cached_client.get(HIST, headers=auth)
    assert r.status_code == 401
    assert r.json() == {"Message": "Authorization has been denied for this request."}


def test_the_cache_never_trusts_an_unknown_or_forged_token(cached_client: TestClient) -> None:
    email = f"{unique('cache')}@example.com"
    add_user(cached_client, email, roles=("CoworkerInvoiceHistory-List",))
    good = _bearer(cached_client, email)["Authorization"]
    assert cached_client.get(HIST, headers={"Authorization": good}).status_code == 200
    forged = good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb")
    assert cached_client.get(HIST, headers={"Authorization": forged}).status_code == 401
