"""``POST /api/token``: OAuth2 password and refresh-token grants, as Nexudus documents them.

Guarantees: a token is ``<id>.<secret>`` and only the SHA-256 of the secret is stored; refresh
tokens rotate on use (the used one and the client's older ones stop working); a new sign-in for
a client id retires that client's earlier refresh tokens; every failure is HTTP 400
``{"error", "error_description"}``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import anyio.to_thread
import sqlalchemy as sa

from coworkbill.auth.passwords import hash_password, needs_rehash
from coworkbill.auth.tables import tokens, users
from coworkbill.config import Settings
from coworkbill.db.database import Database, Executor
from coworkbill.db.metadata import SHORT


class TokenError(Exception):
    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error, self.description = error, description

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


BAD_LOGIN = TokenError("invalid_grant", "The user name or password is incorrect.")
BAD_REFRESH = TokenError("invalid_grant", "The refresh token is invalid or has expired.")
BAD_CLIENT = TokenError("invalid_request", "The client_id is not valid.")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


MAX_ID = 2**31 - 1  # token ids are 32-bit integer columns; PostgreSQL refuses larger binds


def split_token(token: str) -> tuple[int, str] | None:
    ident, _, secret = token.partition(".")
    if not ident.isascii() or not ident.isdigit() or not secret or len(ident) > 10:
        return None
    value = int(ident)
    return (value, secret) if 0 < value <= MAX_ID else None


def _storable(text: str) -> bool:
    """Whether a text can be bound to a SHORT column: PostgreSQL rejects NUL and over-long text."""
    return "\x00" not in text and len(text) <= SHORT


async def _issue(
    conn: Executor, user_id: int, client_id: str, kind: str, now: datetime, seconds: int
) -> str:
    secret = secrets.token_urlsafe(32)
    ident = await conn.fetchval(
        sa.insert(tokens)
        .values(
            user_id=user_id,
            kind=kind,
            client_id=client_id,
            secret_hash=digest(secret),
            created_on=now,
            expires_on=now + timedelta(seconds=seconds),
        )
        .returning(tokens.c.id)
    )
    return f"{ident}.{secret}"


async def _retire_refresh(conn: Executor, user_id: int, client_id: str, now: datetime) -> None:
    await conn.execute(
        sa.update(tokens)
        .where(
            tokens.c.user_id == user_id,
            tokens.c.client_id == client_id,
            tokens.c.kind == "refresh",
            tokens.c.revoked_on.is_(None),
        )
        .values(revoked_on=now)
    )


async def _upgraded_hash(current: str, password: str) -> str | None:
    """A hash with today's parameters when ``current`` was made with others (checked at a
    successful sign-in, the only time the password is known)."""
    if not needs_rehash(current):
        return None
    from coworkbill.auth.principal import hashing_limiter

    return await anyio.to_thread.run_sync(hash_password, password, limiter=hashing_limiter())


def parse_form(body: bytes, content_type: str) -> dict[str, str]:
    if "application/x-www-form-urlencoded" not in content_type.lower():
        raise TokenError("unsupported_grant_type", "The authorization grant type is not supported.")
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        raise TokenError("invalid_request", "The request body is not valid.") from None


async def grant(
    db: Database,
    settings: Settings,
    form: dict[str, str],
    client_header: str | None,
    now: datetime,
    verify: Callable[[str, str], Awaitable[bool]],
) -> dict[str, Any]:
    grant_type = form.get("grant_type", "")
    client_id = (form.get("client_id") or client_header or "").strip()
    if not _storable(client_id):
        raise BAD_CLIENT
    if grant_type == "password":
        email = form.get("username", "").strip().lower()
        password = form.get("password", "")
        if not email or not password:
            raise TokenError("invalid_request", "The user name and password are required.")
        if not _storable(email):
            raise BAD_LOGIN
        row = await db.fetchrow(
            sa.select(users.c.id, users.c.password_hash, users.c.active).where(
                users.c.email == email
            )
        )
        if row is None or not row[2] or not await verify(row[1], password):
            raise BAD_LOGIN
        user_id, client_id = row[0], client_id or email
        fresh_hash = await _upgraded_hash(row[1], password)
        async with db.transaction() as conn:
            if fresh_hash is not None:
                upgrade = sa.update(users).where(users.c.id == user_id)
                await conn.execute(upgrade.values(password_hash=fresh_hash))
            await _retire_refresh(conn, user_id, client_id, now)
            return await _pair(conn, settings, user_id, client_id, now)
    if grant_type == "refresh_token":
        parts = split_token(form.get("refresh_token", ""))
        if parts is None:
            raise BAD_REFRESH
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                sa.select(
                    tokens.c.user_id,
                    tokens.c.client_id,
                    tokens.c.secret_hash,
                    tokens.c.expires_on,
                    tokens.c.revoked_on,
                    users.c.active,
                )
                .join(users, users.c.id == tokens.c.user_id)
                .where(tokens.c.id == parts[0], tokens.c.kind == "refresh")
            )
            if (
                row is None
                or not hmac.compare_digest(row[2], digest(parts[1]))
                or row[4] is not None
                or row[3] <= now
                or not row[5]
                or (client_id and client_id != row[1])
            ):
                raise BAD_REFRESH
            await _retire_refresh(conn, row[0], row[1], now)
            return await _pair(conn, settings, row[0], row[1], now)
    raise TokenError("unsupported_grant_type", "The authorization grant type is not supported.")


async def _pair(
    conn: Executor, settings: Settings, user_id: int, client_id: str, now: datetime
) -> dict[str, Any]:
    access = await _issue(conn, user_id, client_id, "access", now, settings.access_token_seconds)
    refresh = await _issue(conn, user_id, client_id, "refresh", now, settings.refresh_token_seconds)
    return {
        "access_token": access,
        "token_type": "bearer",
        "expires_in": settings.access_token_seconds,
        "refresh_token": refresh,
    }
