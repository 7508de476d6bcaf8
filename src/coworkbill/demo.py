"""Demo data: an administrator to log in with (full demo data set to follow)."""

from __future__ import annotations

import sqlalchemy as sa

from coworkbill.auth.tables import users
from coworkbill.auth.users import create_user
from coworkbill.db.database import Database

ADMIN_EMAIL = "admin@coworkbill.local"
ADMIN_PASSWORD = "coworkbill-admin"


async def seed(db: Database, extra_invoices: int = 0) -> list[str]:
    async with db.transaction() as conn:
        if await conn.fetchval(sa.select(users.c.id).where(users.c.email == ADMIN_EMAIL)) is None:
            await create_user(conn, ADMIN_EMAIL, ADMIN_PASSWORD, is_admin=True)
    return [f"admin login: {ADMIN_EMAIL} / {ADMIN_PASSWORD}"]
