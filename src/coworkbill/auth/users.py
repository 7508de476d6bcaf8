"""Creating users and revoking their tokens; role names are ``<Entity>-<Action>``."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import sqlalchemy as sa

from coworkbill import timeutil
from coworkbill.auth.passwords import hash_password
from coworkbill.auth.tables import tokens, users
from coworkbill.db.database import Executor
from coworkbill.directory.tables import businesses

ACTIONS = ("List", "Read", "Create", "Edit", "Update", "Delete")
_ROLE = re.compile(r"^[A-Za-z]+-(" + "|".join(ACTIONS) + ")$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


class UserError(ValueError):
    pass


def check_role(role: str) -> str:
    if not _ROLE.match(role):
        raise UserError(f"{role!r} is not a role: use <Entity>-<Action>, Action one of {ACTIONS}")
    return role


async def create_user(
    ex: Executor,
    email: str,
    password: str,
    *,
    is_admin: bool = False,
    roles: Sequence[str] = (),
    business_ids: Sequence[int] = (),
) -> int:
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise UserError(f"{email!r} is not an email address")
    if len(password) < 8:
        raise UserError("the password must have at least 8 characters")
    for r in roles:
        check_role(r)
    if is_admin and business_ids:
        raise UserError("a full administrator sees every business: drop --business or --admin")
    if business_ids:
        found = {
            row[0]
            for row in await ex.fetch(
                sa.select(businesses.c.id).where(businesses.c.id.in_(sorted(set(business_ids))))
            )
        }
        missing = sorted(set(business_ids) - found)
        if missing:
            raise UserError(f"no business with id {', '.join(map(str, missing))}")
    if await ex.fetchval(sa.select(users.c.id).where(users.c.email == email)) is not None:
        raise UserError(f"a user {email} already exists")
    return int(
        await ex.fetchval(
            sa.insert(users)
            .values(
                email=email,
                password_hash=hash_password(password),
                is_admin=is_admin,
                roles=json.dumps(list(roles)),
                business_ids=json.dumps(sorted(set(business_ids))),
                created_on=timeutil.now_utc(),
            )
            .returning(users.c.id)
        )
    )


async def revoke_tokens(ex: Executor, email: str) -> int:
    """Revoke every live token of the user; returns how many were revoked."""
    uid = await ex.fetchval(sa.select(users.c.id).where(users.c.email == email.strip().lower()))
    if uid is None:
        raise UserError(f"no user {email}")
    live = sa.and_(tokens.c.user_id == uid, tokens.c.revoked_on.is_(None))
    count = await ex.fetchval(sa.select(sa.func.count()).select_from(tokens).where(live))
    await ex.execute(sa.update(tokens).where(live).values(revoked_on=timeutil.now_utc()))
    return int(count or 0)
