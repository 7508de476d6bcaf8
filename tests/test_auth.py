"""Authentication and role checks over HTTP: the token endpoint (password and refresh grants,
rotation, revocation, expiry), Basic and Bearer credentials, and the ``<Entity>-<Action>`` role
matrix, each refusal answering the documented 401."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from coworkbill import timeutil
from coworkbill.auth.tables import tokens, users
from coworkbill.auth.users import revoke_tokens
from tests.support import PASSWORD, Api, add_user, basic, unique

H = "/api/billing/coworkerinvoicehistories"
DENIED = {"Message": "Authorization has been denied for this request."}
BAD_LOGIN = {
    "error": "invalid_grant",
    "error_description": "The user name or password is incorrect.",
}


def email() -> str:
    return f"{unique('user')}@tests.local".lower()


def new_admin(client: TestClient) -> str:
    who = email()
    add_user(client, who, is_admin=True)
    return who


def assert_denied(r: Any) -> None:
    assert r.status_code == 401, r.text
    assert r.headers.get("WWW-Authenticate"), r.headers
    assert r.headers["content-type"].startswith("application/json")
    assert r.json() == DENIED


def token(client: TestClient, user: str, password: str = PASSWORD, **extra: str) -> Any:
    data = {"grant_type": "password", "username": user, "password": password, **extra}
    return client.post("/api/token", data=data)


def refresh(client: TestClient, refresh_token: str, client_id: str | None = None) -> Any:
    headers = {"client_id": client_id} if client_id is not None else {}
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return client.post("/api/token", data=data, headers=headers)


def bearer(tok: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tok}"}


def run_db(client: TestClient, stmt: Any) -> list[tuple[Any, ...]]:
    """Run one statement on the app's own executor, in a transaction."""
    db = client.app.state.db  # type: ignore[attr-defined]

    async def go() -> list[tuple[Any, ...]]:
        async with db.transaction() as conn:
            if isinstance(stmt, sa.Select):
                return list(await conn.fetch(stmt))
            await conn.execute(stmt)
            return []

    return client.portal.call(go)  # type: ignore[union-attr]


def token_id(tok: str) -> int:
    return int(tok.split(".", 1)[0])


@pytest.fixture()
def history_id(api: Api) -> int:
    biz = api.business()
    return api.history(api.invoice(biz, api.coworker(biz)))


# -------------------------------------------------------------------- credentials


def test_no_credentials_and_unknown_schemes_are_denied(client: TestClient, history_id: int) -> None:
    for headers in (
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic"},
        {"Authorization": "Digest username=admin"},
        {"Authorization": "Basic !!not-base64!!"},
        {"Authorization": "Basic " + base64.b64encode(b"no-colon-here").decode()},
        {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe:x").decode()},
    ):
        assert_denied(client.get(H, headers=headers))
        assert_denied(client.get(f"{H}/{history_id}", headers=headers))


def test_wrong_password_and_unknown_user(client: TestClient, history_id: int) -> None:
    who = new_admin(client)
    assert client.get(f"{H}/{history_id}", headers=basic(who, PASSWORD)).status_code == 200
    # A password that verified once must not open the door for another one (verification cache).
    assert_denied(client.get(f"{H}/{history_id}", headers=basic(who, PASSWORD + "x")))
    assert_denied(client.get(H, headers=basic(who, "")))
    assert_denied(client.get(H, headers=basic(email(), PASSWORD)))
    assert_denied(client.get(H, headers=basic("a\x00b@tests.local", PASSWORD)))

    for r in (
        token(client, who, PASSWORD + "x"),
        token(client, email()),
        token(client, "a\x00b@tests.local"),
        token(client, "x" * 300 + "@tests.local"),
    ):
        assert r.status_code == 400, r.text
        assert r.json() == BAD_LOGIN


def test_token_grant_success_shape(client: TestClient) -> None:
    who = new_admin(client)
    r = token(client, who.upper())  # e-mail addresses match case-insensitively
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 604799
    assert body["access_token"] != body["refresh_token"]
    assert client.get(H, headers=bearer(body["access_token"])).status_code == 200
    # A refresh token is not an access token.
    assert_denied(client.get(H, headers=bearer(body["refresh_token"])))


def test_token_endpoint_errors(client: TestClient) -> None:
    who = new_admin(client)
    json_body = client.post(
        "/api/token", json={"grant_type": "password", "username": who, "password": PASSWORD}
    )
    assert json_body.status_code == 400
    assert json_body.json()["error"] == "unsupported_grant_type"
    for data in ({"grant_type": "client_credentials"}, {}, {"username": who}):
        r = client.post("/api/token", data=data)
        assert r.status_code == 400, r.text
        assert r.json()["error"] == "unsupported_grant_type"
        assert set(r.json()) == {"error", "error_description"}
    for data in (
        {"grant_type": "password", "username": who},
        {"grant_type": "password", "password": PASSWORD},
        {"grant_type": "password", "username": who, "password": PASSWORD, "client_id": "a\x00"},
        {"grant_type": "password", "username": who, "password": PASSWORD, "client_id": "c" * 300},
        {"grant_type": "refresh_token"},
        {"grant_type": "refresh_token", "refresh_token": "garbage"},
        {"grant_type": "refresh_token", "refresh_token": "99999999999.x"},
    ):
        r = client.post("/api/token", data=data)
        assert r.status_code == 400, (data, r.text)
        assert set(r.json()) == {"error", "error_description"}
        assert r.json()["error"] in ("invalid_grant", "invalid_request")
    bad_utf8 = client.post(
        "/api/token",
        content=b"grant_type=password&username=\xff",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert bad_utf8.status_code == 400
    assert set(bad_utf8.json()) == {"error", "error_description"}
    wrong_method = client.get("/api/token")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["content-type"].startswith("application/json")


def test_inactive_user_is_refused_everywhere(client: TestClient, history_id: int) -> None:
    who = email()
    auth = add_user(client, who, is_admin=True)
    tok = token(client, who).json()
    assert client.get(H, headers=auth).status_code == 200  # warms the password cache too
    run_db(client, sa.update(users).where(users.c.email == who).values(active=False))
    assert_denied(client.get(H, headers=auth))
    assert_denied(client.get(f"{H}/{history_id}", headers=bearer(tok["access_token"])))
    r = token(client, who)
    assert r.status_code == 400
    assert r.json() == BAD_LOGIN
    r = refresh(client, tok["refresh_token"], who)
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        "abc.def",
        "999999.x",
        "99999999999.x",
        "1.",
        ".secret",
        "-1.x",
        "0.x",
        "Bearer nested",
        b"\xb2.x",  # a latin-1 superscript two: str.isdigit() but not int()
        b"1.\xff",
    ],
)
def test_malformed_bearer_tokens_are_denied(client: TestClient, value: str | bytes) -> None:
    raw = value if isinstance(value, bytes) else value.encode()
    # Raw bytes on purpose: headers that are not valid text must be denied too.
    assert_denied(client.get(H, headers={"Authorization": b"Bearer " + raw}))  # type: ignore[arg-type]


def test_tampered_bearer_token_is_denied(client: TestClient) -> None:
    who = new_admin(client)
    access = token(client, who).json()["access_token"]
    ident, secret = access.split(".", 1)
    other = "B" if secret.endswith("A") else "A"  # a real change of the last character
    assert_denied(client.get(H, headers=bearer(f"{ident}.{secret[:-1]}{other}")))
    assert_denied(client.get(H, headers=bearer(f"{int(ident) + 1}.{secret}")))
    assert client.get(H, headers={"Authorization": f"bearer   {access}  "}).status_code == 200


def test_expired_tokens_are_refused(client: TestClient) -> None:
    who = new_admin(client)
    pair = token(client, who).json()
    assert client.get(H, headers=bearer(pair["access_token"])).status_code == 200
    past = timeutil.now_utc() - timedelta(seconds=1)
    ids = [token_id(pair["access_token"]), token_id(pair["refresh_token"])]
    run_db(client, sa.update(tokens).where(tokens.c.id.in_(ids)).values(expires_on=past))
    assert_denied(client.get(H, headers=bearer(pair["access_token"])))
    r = refresh(client, pair["refresh_token"], who)
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"


def test_revoked_tokens_stop_working(client: TestClient) -> None:
    who, other = email(), email()
    add_user(client, who, is_admin=True)
    add_user(client, other, is_admin=True)
    first, second = token(client, who, client_id="a").json(), token(client, who).json()
    bystander = token(client, other).json()
    db = client.app.state.db  # type: ignore[attr-defined]

    async def revoke() -> int:
        async with db.transaction() as conn:
            return await revoke_tokens(conn, who.upper())

    assert client.portal.call(revoke) == 4  # type: ignore[union-attr]
    for pair in (first, second):
        assert_denied(client.get(H, headers=bearer(pair["access_token"])))
    r = refresh(client, second["refresh_token"], who)
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"
    # Only that user's tokens: another user's keep working, and the user may sign in again.
    assert client.get(H, headers=bearer(bystander["access_token"])).status_code == 200
    again = token(client, who).json()
    assert client.get(H, headers=bearer(again["access_token"])).status_code == 200


# ------------------------------------------------------------------------- refresh rotation


def test_refresh_rotates(client: TestClient) -> None:
    who = new_admin(client)
    first = token(client, who, client_id="mobile").json()
    second = refresh(client, first["refresh_token"], "mobile")
    assert second.status_code == 200, second.text
    second_body = second.json()
    assert set(second_body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert second_body["expires_in"] == 604799
    assert second_body["refresh_token"] != first["refresh_token"]

    used = refresh(client, first["refresh_token"], "mobile")
    assert used.status_code == 400
    assert used.json()["error"] == "invalid_grant"
    # Access tokens already issued keep working; the new ones work too.
    assert client.get(H, headers=bearer(first["access_token"])).status_code == 200
    assert client.get(H, headers=bearer(second_body["access_token"])).status_code == 200
    third = refresh(client, second_body["refresh_token"], "mobile")
    assert third.status_code == 200, third.text


def test_client_id_as_form_field_or_header_and_default(client: TestClient) -> None:
    who = new_admin(client)
    by_header = client.post(
        "/api/token",
        data={"grant_type": "password", "username": who, "password": PASSWORD},
        headers={"client_id": "desk"},
    ).json()
    assert refresh(client, by_header["refresh_token"], "desk").status_code == 200
    # Without a client id the client id is the user name.
    default = token(client, who).json()
    assert refresh(client, default["refresh_token"], who).status_code == 200


def test_new_sign_in_retires_that_clients_earlier_refresh_token(client: TestClient) -> None:
    who = new_admin(client)
    earlier = token(client, who, client_id="web").json()
    other_client = token(client, who, client_id="cli").json()
    later = token(client, who, client_id="web").json()
    r = refresh(client, earlier["refresh_token"], "web")
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"
    assert client.get(H, headers=bearer(earlier["access_token"])).status_code == 200
    assert refresh(client, later["refresh_token"], "web").status_code == 200
    assert refresh(client, other_client["refresh_token"], "cli").status_code == 200


def test_refresh_with_another_client_id_is_refused(client: TestClient) -> None:
    who = new_admin(client)
    pair = token(client, who, client_id="tablet").json()
    r = refresh(client, pair["refresh_token"], "phone")
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"
    r = client.post(
        "/api/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": pair["refresh_token"],
            "client_id": "phone",
        },
    )
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"


def test_token_table_stores_only_digests(client: TestClient) -> None:
    who = new_admin(client)
    pair = token(client, who, client_id="vault").json()
    stored = {
        row[0]: row[1:]
        for row in run_db(
            client, sa.select(tokens.c.id, tokens.c.secret_hash, tokens.c.client_id, tokens.c.kind)
        )
    }
    everything = repr(run_db(client, sa.select(tokens)))
    for tok in (pair["access_token"], pair["refresh_token"]):
        ident, secret = tok.split(".", 1)
        assert secret not in everything
        assert stored[int(ident)][0] == hashlib.sha256(secret.encode()).hexdigest()
    assert stored[token_id(pair["access_token"])][1:] == ("vault", "access")
    assert stored[token_id(pair["refresh_token"])][1:] == ("vault", "refresh")


# ------------------------------------------------------------------------------ role matrix

OPS = ("list", "get", "many", "create", "update", "delete", "run", "commands")


def attempt(api: Api, op: str, history_id: int, invoice_id: int) -> Any:
    """One CoworkerInvoiceHistory operation; writes act on a fresh record of their own."""
    if op == "list":
        return api.get(H, {"CoworkerInvoiceHistory_CoworkerInvoice": invoice_id})
    if op == "get":
        return api.get(f"{H}/{history_id}")
    if op == "many":
        return api.get(H, {"id": f"[{history_id}]"})
    if op == "create":
        return api.post(H, {"CoworkerInvoiceId": invoice_id, "Name": "n", "Description": "d"})
    if op == "update":
        body = {"Id": history_id, "CoworkerInvoiceId": invoice_id, "Name": "m", "Description": "d"}
        return api.put(H, body)
    if op == "delete":
        return api.delete(f"{H}/{history_id}")
    if op == "run":
        return api.post(f"{H}/runcommand", {"Key": "NO_SUCH_COMMAND", "Ids": [history_id]})
    assert op == "commands"
    return api.get(f"{H}/commands")


@pytest.mark.parametrize(
    ("roles", "allowed"),
    [
        (("CoworkerInvoiceHistory-List",), {"list", "commands"}),
        (("CoworkerInvoiceHistory-Read",), {"get", "many"}),
        (("CoworkerInvoiceHistory-Create",), {"create"}),
        (("CoworkerInvoiceHistory-Edit",), {"update", "run"}),
        (("CoworkerInvoiceHistory-Update",), {"run"}),
        (("CoworkerInvoiceHistory-Delete",), {"delete"}),
        (
            ("coworkerinvoicehistory-list", "COWORKERINVOICEHISTORY-READ"),
            {"list", "commands", "get", "many"},
        ),
        (("CoworkerInvoice-List", "CoworkerInvoice-Read", "CoworkerInvoice-Edit"), set()),
        ((), set()),
    ],
)
def test_role_matrix(
    client: TestClient, api: Api, roles: tuple[str, ...], allowed: set[str]
) -> None:
    who = email()
    user = api.as_(add_user(client, who, roles=roles))
    biz = api.business()
    invoice_id = api.invoice(biz, api.coworker(biz))
    for op in OPS:
        history_id = api.history(invoice_id)
        r = attempt(user, op, history_id, invoice_id)
        if op not in allowed:
            assert_denied(r)
            assert api.get(f"{H}/{history_id}").json()["Name"] != "m"  # nothing was written
            continue
        assert r.status_code != 401, (op, r.text)
        if op == "run":
            # Authorised: the refusal is about the (unknown) command, not the caller.
            assert r.status_code == 400, r.text
            assert r.json()["Errors"][0]["PropertyName"] == "Key"
            continue
        assert r.status_code == 200, (op, r.text)
        if op == "list":
            assert r.json()["TotalItems"] >= 1
        elif op == "get":
            assert r.json()["Id"] == history_id
        elif op == "many":
            assert [rec["Id"] for rec in r.json()] == [history_id]
        elif op in ("create", "update", "delete"):
            assert r.json()["WasSuccessful"] is True
            assert r.json()["UpdatedBy"] == who
        if op == "update":
            assert api.get(f"{H}/{history_id}").json()["Name"] == "m"
        if op == "delete":
            assert api.get(f"{H}/{history_id}").status_code == 404


def test_bearer_token_carries_the_users_roles(client: TestClient, api: Api) -> None:
    who = email()
    add_user(client, who, roles=("CoworkerInvoiceHistory-Read",))
    biz = api.business()
    history_id = api.history(api.invoice(biz, api.coworker(biz)))
    auth = bearer(token(client, who).json()["access_token"])
    assert client.get(f"{H}/{history_id}", headers=auth).status_code == 200
    assert_denied(client.get(H, headers=auth))
    assert_denied(client.delete(f"{H}/{history_id}", headers=auth))


def test_full_administrator_passes_every_check(client: TestClient, api: Api) -> None:
    admin = api.as_(add_user(client, email(), is_admin=True))
    biz = api.business()
    invoice_id = api.invoice(biz, api.coworker(biz))
    for op in OPS:
        r = attempt(admin, op, api.history(invoice_id), invoice_id)
        assert r.status_code == (400 if op == "run" else 200), (op, r.text)
    for path in ("/api/sys/businesses", "/api/sys/countries", "/api/spaces/coworkers"):
        assert admin.get(path).status_code == 200
