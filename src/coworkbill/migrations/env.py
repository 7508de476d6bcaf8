"""Alembic environment: runs migrations with SQLAlchemy's sync engine on the configured URL."""

from __future__ import annotations

from alembic import context

from coworkbill.db.migrate import sync_engine
from coworkbill.db.tables import metadata

config = context.config


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Skip indexes declared for another dialect (``Index(...).ddl_if(dialect=...)``)."""
    ddl_if = getattr(obj, "_ddl_if", None) or getattr(compare_to, "_ddl_if", None)
    dialect = getattr(ddl_if, "dialect", None)
    return dialect is None or dialect == context.get_context().dialect.name


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = sync_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
