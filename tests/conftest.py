"""Test harness: one real database per session (SQLite file, or a fresh PostgreSQL database when
COWORKBILL_TEST_DATABASE_URL is set), migrated with the real Alembic migrations, and the real app
served in process through Starlette's TestClient (HTTP semantics, real lifespan)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from coworkbill.app import create_app
from coworkbill.config import Settings
from coworkbill.db.migrate import upgrade
from tests.support import Api, World, fresh_database

PG_URL = os.environ.get("COWORKBILL_TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(tmp_path_factory.mktemp("db"), "cbtest") as url:
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
