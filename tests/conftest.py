"""Test harness: one real database per session (SQLite file, or a fresh PostgreSQL database when
COWORKBILL_TEST_DATABASE_URL is set), migrated with the real Alembic migrations, and the real app
served in process through Starlette's TestClient (HTTP semantics, real lifespan)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from coworkbill.app import create_app
from coworkbill.config import Settings
from coworkbill.db.migrate import upgrade
from tests.support import Api, World

PG_URL = os.environ.get("COWORKBILL_TEST_DATABASE_URL", "")


def _fresh_postgres(base_url: str) -> tuple[str, str]:
    import psycopg

    name = f"cbtest_{uuid.uuid4().hex[:10]}"
    dsn = base_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    return dsn.rsplit("/", 1)[0] + "/" + name, name


def _drop_postgres(base_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if PG_URL:
        url, name = _fresh_postgres(PG_URL)
        upgrade(url)
        yield url
        _drop_postgres(PG_URL, name)
    else:
        path: Path = tmp_path_factory.mktemp("db") / "coworkbill-test.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
def client(database_url: str) -> Iterator[TestClient]:
    # No bearer cache: the auth tests revoke and expire tokens and expect the very next request
    # to be refused (tests/test_bearer_cache.py covers the cache itself).
    settings = Settings(database_url=database_url, pool_min=1, pool_max=5, auth_cache_seconds=0)
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=True) as c:
        yield c


@pytest.fixture(scope="session")
def world(client: TestClient) -> World:
    """Users and reference records shared by the session (an admin, two businesses)."""
    return World.build(client)


@pytest.fixture()
def api(client: TestClient, world: World) -> Api:
    """An HTTP client authenticated as the full administrator."""
    return Api(client, world.admin_auth, world)
