"""The ``coworkbill`` console script, run for real as a subprocess against its own database (a
temporary SQLite file, or a fresh PostgreSQL database when COWORKBILL_TEST_DATABASE_URL is
set): migrations, user management, the demo data set and the HTTP server over a real socket."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from bench import servers

from coworkbill.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.support import fresh_database

COWORKBILL = str(Path(sys.executable).with_name("coworkbill"))
PG_URL = os.environ.get("COWORKBILL_TEST_DATABASE_URL", "")
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def cli_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of this module's own, created empty: the CLI migrates it."""
    with fresh_database(tmp_path_factory.mktemp("cli"), "cbcli") as url:
        yield url


@pytest.fixture(scope="module")
def cli(cli_url: str) -> Cli:
    cli = Cli(cli_url)
    assert cli.ok("db", "upgrade").strip() == "database is up to date"
    return cli


class Cli:
    def __init__(self, url: str) -> None:
        self.env = {**os.environ, "COWORKBILL_DATABASE_URL": url}

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [COWORKBILL, *args], env=self.env, capture_output=True, text=True, timeout=120
        )

    def ok(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def fails(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode != 0, done.stdout
        assert "Traceback" not in done.stderr, done.stderr
        return done.stderr

    def user(self, *extra: str) -> str:
        email = f"cli-{uuid.uuid4().hex[:8]}@example.com"
        out = self.ok("users", "create", "--email", email, "--password", PASSWORD, *extra)
        assert out.startswith("created user ") and out.strip().endswith(email), out
        return email


def test_db_upgrade_is_idempotent(cli: Cli) -> None:
    assert cli.ok("db", "upgrade").strip() == "database is up to date"
    assert cli.ok("db", "upgrade").strip() == "database is up to date"


def test_users_create_checks_its_input(cli: Cli) -> None:
    cli.user("--admin")
    cli.user("--role", "CoworkerInvoice-List", "--role", "CoworkerInvoiceHistory-Create")
    assert "no business with id 1, 2" in cli.fails(
        "users", "create", "--email", "early@example.com", "--password", PASSWORD,
        "--business", "1", "--business", "2",
    )  # fmt: skip
    cli.ok("demo")  # the demo's two businesses get ids 1 and 2
    email = cli.user("--role", "Coworker-Read", "--business", "1", "--business", "2")
    assert "no business with id 999" in cli.fails(
        "users", "create", "--email", "b@example.com", "--password", PASSWORD, "--business", "999"
    )
    assert "full administrator" in cli.fails(
        "users", "create", "--email", "a@example.com", "--password", PASSWORD,
        "--admin", "--business", "1",
    )  # fmt: skip

    assert "is not a role" in cli.fails(
        "users", "create", "--email", "x@example.com", "--password", PASSWORD, "--role", "Boss"
    )
    assert "already exists" in cli.fails(
        "users", "create", "--email", email.upper(), "--password", PASSWORD
    )
    assert "at least 8 characters" in cli.fails(
        "users", "create", "--email", "short@example.com", "--password", "short"
    )
    assert "not an email address" in cli.fails(
        "users", "create", "--email", "nobody", "--password", PASSWORD
    )


def test_revoke_tokens(cli: Cli) -> None:
    email = cli.user()
    assert cli.ok("users", "revoke-tokens", "--email", email).strip() == "revoked 0 tokens"
    assert "no user" in cli.fails("users", "revoke-tokens", "--email", "ghost@example.com")


def test_demo_twice_adds_nothing_the_second_time(cli: Cli) -> None:
    first = cli.ok("demo").splitlines()
    second = cli.ok("demo").splitlines()
    login = f"admin login: {ADMIN_EMAIL} / {ADMIN_PASSWORD}"
    assert first[-1] == login and second[-1] == login
    # (An earlier test in this module may already have seeded; either way the second run adds
    # nothing.)
    assert all("created:" in ln or "already present" in ln for ln in first[:2]), first
    assert all("already present, left as it is" in ln for ln in second[:2]), second
    # The counts after the second run are the counts after the first.
    assert [ln.split(": ", 1)[1] for ln in first[:2]] == [ln.split(": ", 1)[1] for ln in second[:2]]
    assert "18 invoices" in first[0] and "6 customers" in first[1], first


@pytest.fixture()
def server(cli: Cli, tmp_path: Path) -> Iterator[str]:
    port = servers.free_port()
    env = {**cli.env, "COWORKBILL_AUTH_CACHE_SECONDS": "1"}
    srv = servers.start(
        "serve", [str(COWORKBILL), "serve", "--port", str(port)], env, port, tmp_path
    )
    try:
        servers.wait_ready(srv, "/health", timeout=30)
        yield srv.url
    finally:
        servers.stop(srv)


def _token(base: str, email: str) -> str:
    form = {"grant_type": "password", "username": email, "password": PASSWORD}
    r = httpx.post(f"{base}/api/token", data=form)
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def test_serve_answers_over_a_real_socket(cli: Cli, server: str) -> None:
    admin = {"Authorization": f"Bearer {_token(server, cli.user('--admin'))}"}
    assert httpx.get(f"{server}/ready").json() == {"status": "ok", "database": "ok"}
    r = httpx.get(f"{server}/api/billing/coworkerinvoices", headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["CurrentPage"] == 1 and "Records" in r.json()

    # A user limited by role and business, created while the server runs, is seen at once.
    name = f"CLI Business {uuid.uuid4().hex[:6]}"
    body = {"Name": name, "CountryId": 1, "CurrencyId": 1, "SimpleTimeZoneId": "Asia/Tokyo"}
    r = httpx.post(f"{server}/api/sys/businesses", json=body, headers=admin)
    assert r.status_code == 200, r.text
    biz = r.json()["Value"]["Id"]
    email = cli.user("--role", "Business-List", "--business", str(biz))
    limited = {"Authorization": f"Bearer {_token(server, email)}"}
    r = httpx.get(f"{server}/api/sys/businesses", headers=limited)
    assert [rec["Name"] for rec in r.json()["Records"]] == [name]
    assert httpx.get(f"{server}/api/billing/coworkerinvoices", headers=limited).status_code == 401

    # Revoking from the command line logs the user's tokens out of the running server, at the
    # latest when the worker's bearer cache (1 s here) lets go of them.
    assert cli.ok("users", "revoke-tokens", "--email", email).strip() == "revoked 2 tokens"
    time.sleep(1.1)
    assert httpx.get(f"{server}/api/sys/businesses", headers=limited).status_code == 401
