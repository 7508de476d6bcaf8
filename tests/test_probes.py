"""The health probes: unauthenticated, tiny JSON, served on the fast path with the same
answers (and the same refusals) as any other route."""

from __future__ import annotations

from starlette.testclient import TestClient


def test_health_answers_without_a_token(client: TestClient) -> None:
    for _ in range(2):  # one response object serves every request
        r = client.get("/health")
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/json"
        assert r.json() == {"status": "ok"}
        assert r.headers["content-length"] == str(len(r.content))


def test_ready_checks_the_database(client: TestClient) -> None:
    r = client.get("/ready")
    assert (r.status_code, r.json()) == (200, {"status": "ok", "database": "ok"})


def test_probes_refuse_other_methods_with_the_envelope(client: TestClient) -> None:
    for path in ("/health", "/ready"):
        r = client.post(path, json={})
        assert r.status_code == 405
        assert r.json() == {
            "Status": 405,
            "Message": "The requested resource does not support this http method.",
            "Value": None,
            "Errors": None,
            "WasSuccessful": False,
        }


def test_head_of_health_has_no_body(client: TestClient) -> None:
    r = client.head("/health")
    assert r.status_code == 200
    assert r.content == b""
