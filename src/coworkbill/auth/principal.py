"""Who is calling: ``Authorization: Bearer <token>`` or ``Basic base64(email:password)``.

Guarantees: an expired, revoked, malformed or unknown token, a wrong password and an inactive
user all give ``None`` (the caller answers 401); argon2 runs off the event loop, and a Basic
password already verified against the user's *current* hash is not hashed again.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import json
import time
import weakref
from datetime import datetime
from typing import Any

import anyio.to_thread
import sqlalchemy as sa

from coworkbill.auth.passwords import verify_password
from coworkbill.auth.tables import tokens, users
from coworkbill.auth.tokens import digest, split_token
from coworkbill.db.database import Database, cached
from coworkbill.engine.context import Principal

_USER_COLS = (users.c.id, users.c.email, users.c.is_admin, users.c.roles, users.c.business_ids)
_BY_TOKEN = cached(
    sa.select(
        *_USER_COLS,
        users.c.active,
        tokens.c.secret_hash,
        tokens.c.expires_on,
        tokens.c.revoked_on,
    )
    .join(users, users.c.id == tokens.c.user_id)
    .where(tokens.c.id == sa.bindparam("id", type_=sa.Integer), tokens.c.kind == "access"),
    "auth-token",
)
_BY_EMAIL = cached(
    sa.select(*_USER_COLS, users.c.active, users.c.password_hash).where(
        users.c.email == sa.bindparam("email", type_=sa.String)
    ),
    "auth-email",
)
# (user id, current hash, sha256(password)) triples already verified in this process.
_verified: set[tuple[int, str, str]] = set()


def principal_from(row: tuple[Any, ...]) -> Principal:
    ids = json.loads(row[4] or "[]")
    return Principal(
        user_id=row[0],
        email=row[1],
        is_admin=bool(row[2]),
        roles=frozenset(r.lower() for r in json.loads(row[3] or "[]")),
        business_ids=None if row[2] or not ids else frozenset(int(i) for i in ids),
    )


# At most two argon2 runs at once per worker (each takes a core and 19 MiB): a burst of
# sign-ins queues here instead of starving every other request of CPU and memory. One limiter
# per event loop (a limiter belongs to the loop that first used it).
_hashing: weakref.WeakKeyDictionary[Any, anyio.CapacityLimiter] = weakref.WeakKeyDictionary()


def hashing_limiter() -> anyio.CapacityLimiter:
    loop = asyncio.get_running_loop()
    limiter = _hashing.get(loop)
    if limiter is None:
        limiter = _hashing[loop] = anyio.CapacityLimiter(2)
    return limiter


async def verify_async(password_hash: str, password: str) -> bool:
    return await anyio.to_thread.run_sync(
        verify_password, password_hash, password, limiter=hashing_limiter()
    )


class BearerCache:
    """Access tokens recently verified by this process: token -> (principal, valid until).

    Saves the token query on most requests. The price, documented as such: a revoked token (or
    a changed role) takes effect in this process at most ``seconds`` later; ``0`` disables it.
    A token is never kept past its own expiry, and the cache holds at most ``size`` tokens.
    """

    def __init__(self, seconds: float, size: int = 10_000) -> None:
        self.seconds, self.size = seconds, size
        self._items: dict[str, tuple[Principal, float, datetime]] = {}

    def get(self, token: str, now: datetime) -> Principal | None:
        hit = self._items.get(token)
        if hit is None:
            return None
        who, until, expires = hit
        if time.monotonic() >= until or expires <= now:
            del self._items[token]
            return None
        return who

    def put(self, token: str, who: Principal, expires: datetime) -> None:
        if self.seconds <= 0:
            return
        if len(self._items) >= self.size:
            self._items.clear()  # rare; simpler and safer than tracking recency
        self._items[token] = (who, time.monotonic() + self.seconds, expires)


async def from_bearer(
    db: Database, token: str, now: datetime, cache: BearerCache | None = None
) -> Principal | None:
    if cache is not None:
        who = cache.get(token, now)
        if who is not None:
            return who
    parts = split_token(token)
    if parts is None:
        return None
    row = await db.fetchrow(_BY_TOKEN, {"id": parts[0]})
    if (
        row is None
        or not row[5]
        or not hmac.compare_digest(row[6], digest(parts[1]))
        or row[8] is not None
        or row[7] <= now
    ):
        return None
    who = principal_from(row)
    if cache is not None:
        cache.put(token, who, row[7])
    return who


async def from_basic(db: Database, encoded: str) -> Principal | None:
    try:
        email, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if "\x00" in email:  # no user has one, and PostgreSQL refuses it in a bind
        return None
    row = await db.fetchrow(_BY_EMAIL, {"email": email.strip().lower()})
    if row is None or not row[5]:
        return None
    key = (row[0], row[6], hashlib.sha256(password.encode()).hexdigest())
    if key not in _verified and not await _verify_once(key, row[6], password):
        return None
    return principal_from(row)


_in_flight: dict[tuple[int, str, str], asyncio.Future[bool]] = {}


async def _verify_once(key: tuple[int, str, str], password_hash: str, password: str) -> bool:
    """Concurrent requests with the same credentials share one argon2 run (it costs tens of
    milliseconds of CPU; a burst of N cold requests would otherwise pay it N times)."""
    running = _in_flight.get(key)
    if running is not None:
        return await asyncio.shield(running)
    future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    _in_flight[key] = future
    try:
        ok = await verify_async(password_hash, password)
        if ok:
            _verified.add(key)
        future.set_result(ok)
        return ok
    except BaseException as err:
        future.set_exception(err)
        future.exception()  # mark retrieved: waiters re-raise it, nobody else must
        raise
    finally:
        del _in_flight[key]


async def authenticate(
    db: Database, header: str | None, now: datetime, cache: BearerCache | None = None
) -> Principal | None:
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer":
        return await from_bearer(db, value.strip(), now, cache)
    if scheme == "basic":
        return await from_basic(db, value.strip())
    return None
