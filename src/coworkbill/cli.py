"""The ``coworkbill`` command: serve, db upgrade, users create / revoke-tokens, demo."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click

from coworkbill.config import load_settings
from coworkbill.db.database import Database, make_database

T = TypeVar("T")


def with_db(fn: Callable[[Database], Awaitable[T]]) -> T:
    settings = load_settings()

    async def run() -> T:
        db = make_database(settings.database_url, 1, 2)
        await db.connect()
        try:
            return await fn(db)
        finally:
            await db.close()

    return asyncio.run(run())


def _upgrade() -> None:
    from coworkbill.db.migrate import upgrade

    upgrade(load_settings().database_url)


@click.group()
@click.option(
    "--database-url", envvar="COWORKBILL_DATABASE_URL", help="Default: sqlite:///coworkbill.db"
)
def main(database_url: str | None) -> None:
    """coworkbill: the Nexudus Spaces billing API, self-hosted."""
    if database_url:
        os.environ["COWORKBILL_DATABASE_URL"] = database_url


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Apply pending migrations, then serve the API (with N workers, each is handed an equal
    share of the connections)."""
    from coworkbill import serving

    _upgrade()
    serving.run("coworkbill.app:create_app", factory=True, host=host, port=port, workers=workers)


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations and load ISO countries and currencies."""
    _upgrade()
    click.echo("database is up to date")


@main.group()
def users() -> None:
    """API users."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--admin", is_flag=True, help="A full unrestricted administrator.")
@click.option("--role", "roles", multiple=True, help="<Entity>-<Action>, e.g. CoworkerInvoice-List")
@click.option("--business", "businesses", multiple=True, type=int, help="Limit to this business id")
def users_create(
    email: str, password: str, admin: bool, roles: tuple[str, ...], businesses: tuple[int, ...]
) -> None:
    """Create a user: an administrator, or a user with roles, optionally limited to businesses."""
    from coworkbill.auth.users import UserError, create_user

    async def go(db: Database) -> int:
        async with db.transaction() as conn:
            return await create_user(
                conn, email, password, is_admin=admin, roles=roles, business_ids=businesses
            )

    _upgrade()  # a user needs the schema; upgrading is idempotent
    try:
        uid = with_db(go)
    except UserError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"created user {uid}: {email.strip().lower()}")


@users.command("revoke-tokens")
@click.option("--email", required=True)
def users_revoke(email: str) -> None:
    """Revoke every live access and refresh token of a user."""
    from coworkbill.auth.users import UserError, revoke_tokens

    async def go(db: Database) -> int:
        async with db.transaction() as conn:
            return await revoke_tokens(conn, email)

    _upgrade()
    try:
        count = with_db(go)
    except UserError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"revoked {count} tokens")


@main.command()
@click.option("--invoices", default=0, type=int, help="Also generate this many extra invoices.")
def demo(invoices: int) -> None:
    """Seed a realistic demo data set and print what it made, with the admin login."""
    from coworkbill.demo import seed

    _upgrade()
    report: Any = with_db(lambda db: seed(db, extra_invoices=invoices, progress=True))
    for line in report:
        click.echo(line)


if __name__ == "__main__":
    main()
