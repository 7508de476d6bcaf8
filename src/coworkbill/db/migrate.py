"""Bringing a database to the current schema (Alembic) and loading ISO reference data."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from coworkbill.db.database import sync_url

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", sync_url(url))
    return cfg


def sync_engine(url: str) -> sa.Engine:
    engine = sa.create_engine(sync_url(url))
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_con, _record):  # type: ignore[no-untyped-def]
            from coworkbill.db.database import configure_sqlite

            configure_sqlite(dbapi_con)

    return engine


def upgrade(url: str) -> None:
    """Apply pending migrations, then make sure the ISO reference data is present."""
    from coworkbill.directory import reference_data

    command.upgrade(alembic_config(url), "head")
    engine = sync_engine(url)
    try:
        with engine.begin() as conn:
            reference_data.load(conn)
    finally:
        engine.dispose()
