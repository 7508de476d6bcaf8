"""Password hashes made with older argon2 parameters are upgraded at the next sign-in."""

from __future__ import annotations

import sqlalchemy as sa
from argon2 import PasswordHasher
from starlette.testclient import TestClient

from coworkbill.auth.passwords import needs_rehash
from coworkbill.auth.tables import users
from tests.support import PASSWORD, add_user, basic, unique


def _hash_of(client: TestClient, email: str) -> str:
    db = client.app.state.db  # type: ignore[attr-defined]

    async def read() -> str:
        return str(
            await db.fetchval(sa.select(users.c.password_hash).where(users.c.email == email))
        )

    return client.portal.call(read)  # type: ignore[union-attr]


def test_an_old_hash_is_upgraded_at_the_next_sign_in(client: TestClient) -> None:
    email = f"{unique('rehash')}@example.com"
    add_user(client, email, roles=("CoworkerInvoiceHistory-List",))
    db = client.app.state.db  # type: ignore[attr-defined]
    old = PasswordHasher().hash(PASSWORD)  # argon2-cffi's heavier defaults

    async def downgrade() -> None:
        async with db.transaction() as conn:
            await conn.execute(
                sa.update(users).where(users.c.email == email).values(password_hash=old)
            )

    client.portal.call(downgrade)  # type: ignore[union-attr]
    assert needs_rehash(_hash_of(client, email))
    # Basic auth verifies but does not rewrite (no write on a read request)...
    assert (
        client.get(
            "/api/billing/coworkerinvoicehistories", headers=basic(email, PASSWORD)
        ).status_code
        == 200
    )
    assert _hash_of(client, email) == old
    # ...a sign-in does, and the new hash still takes the same password.
    form = {"grant_type": "password", "username": email, "password": PASSWORD}
    assert client.post("/api/token", data=form).status_code == 200
    upgraded = _hash_of(client, email)
    assert upgraded != old and not needs_rehash(upgraded)
    assert client.post("/api/token", data=form).status_code == 200
    wrong = {**form, "password": "not the password"}
    assert client.post("/api/token", data=wrong).status_code == 400
