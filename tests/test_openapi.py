"""The OpenAPI document against the running app: it is valid OpenAPI 3.1, it names every route,
filter, field and role the server really has, the server's real answers match its schemas, and
the Swagger UI at /docs works from local assets only."""

from __future__ import annotations

import statistics
import time
from typing import Any

import pytest
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from openapi_spec_validator import validate
from starlette.routing import Route
from starlette.testclient import TestClient

from coworkbill import __version__
from coworkbill.auth.tokens import TokenError
from coworkbill.engine import envelopes
from coworkbill.engine.commands import Command
from coworkbill.engine.errors import ApiError, MethodNotAllowed, NotFound, ValidationError
from coworkbill.engine.fields import Kind, Match, Req
from coworkbill.engine.openapi import openapi_document
from coworkbill.engine.registry import Registry
from tests.support import PASSWORD, Api, add_user, unique

MISSING = 2147483000  # an Id no test creates
NOT_DOCUMENTED = {"/docs/static", "/openapi.json", "/docs"}
METHODS = ("get", "post", "put", "delete")
Doc = dict[str, Any]


@pytest.fixture(scope="module")
def doc(client: TestClient) -> Doc:
    r = client.get("/openapi.json")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    return r.json()  # type: ignore[no-any-return]


def registry(client: TestClient) -> Registry:
    return client.app.state.registry  # type: ignore[attr-defined,no-any-return]


def conforms(doc: Doc, schema: dict[str, Any], body: Any) -> None:
    root = {**schema, "components": doc["components"]}
    OAS31Validator(root, format_checker=oas31_format_checker).validate(body)


def response_schema(doc: Doc, path: str, method: str, status: int) -> dict[str, Any]:
    responses = doc["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} answered undocumented {status}"
    answer = responses[str(status)]
    if "$ref" in answer:
        answer = doc["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    return answer["content"]["application/json"]["schema"]  # type: ignore[no-any-return]


def call(client: TestClient, method: str, path: str, headers: dict[str, str]) -> Any:
    """The simplest request an operation must answer with a documented status: bodies that are
    not objects (400) and an Id nobody created (404), so nothing is written."""
    url = path.replace("{ident}", str(MISSING))
    if path == "/api/token":
        return client.post(url, data={"grant_type": "none"})
    body: list[Any] | None = [] if method in ("post", "put") else None
    return client.request(method.upper(), url, json=body, headers=headers)


def operations(doc: Doc) -> list[tuple[str, str, dict[str, Any]]]:
    return [(p, m, item[m]) for p, item in doc["paths"].items() for m in METHODS if m in item]


# ------------------------------------------------------------------------------ the document
def test_document_is_valid_openapi_31_built_from_the_registry(client: TestClient, doc: Doc) -> None:
    validate(doc)
    assert doc == openapi_document(registry(client))  # the served bytes are the generated ones
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] == "coworkbill"
    assert doc["info"]["version"] == __version__
    assert "Nexudus Spaces billing API" in doc["info"]["description"]
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert schemes["basic"] == {**schemes["basic"], "type": "http", "scheme": "basic"}
    assert doc["security"] == [{"bearer": []}, {"basic": []}]
    ids = [op["operationId"] for _, _, op in operations(doc)]
    assert len(ids) == len(set(ids))
    assert {"CoworkerInvoiceHistory_list", "CoworkerInvoiceHistory_create"} <= set(ids)
    tags = {t["name"] for t in doc["tags"]}
    assert all(set(op["tags"]) <= tags for _, _, op in operations(doc))


def test_generation_takes_well_under_50_ms(client: TestClient) -> None:
    reg = registry(client)
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        openapi_document(reg)
        runs.append(time.perf_counter() - start)
    assert statistics.median(runs) < 0.05, runs


# -------------------------------------------------------------------------------- the routes
def test_every_registered_route_is_documented_and_other_methods_answer_405(
    client: TestClient, doc: Doc, api: Api
) -> None:
    served = set()
    app_routes = client.app.routes  # type: ignore[attr-defined]
    # Resource routes sit behind one dict-based router (engine/router.py); it keeps them all.
    flat = [r for route in app_routes for r in getattr(route, "routes", [route])]
    for route in flat:
        path = getattr(route, "path", "")
        if path in NOT_DOCUMENTED:
            continue
        assert isinstance(route, Route), route
        served.add(path)
        assert path in doc["paths"], path
        for method in sorted((route.methods or set()) - {"HEAD"}):
            if method.lower() in doc["paths"][path]:
                continue
            r = call(client, method.lower(), path, api.auth)
            assert r.status_code == 405, (method, path, r.text)
            conforms(doc, {"$ref": "#/components/schemas/ErrorResult"}, r.json())
    assert set(doc["paths"]) == served


def test_every_operation_answers_documented_statuses_and_bodies(
    client: TestClient, doc: Doc, api: Api
) -> None:
    for path, method, _ in operations(doc):
        r = call(client, method, path, api.auth)
        conforms(doc, response_schema(doc, path, method, r.status_code), r.json())
    for path, method, op in operations(doc):
        if op.get("security") == []:
            continue
        r = call(client, method, path, {})
        assert r.status_code == 401, (method, path, r.text)
        assert r.headers["WWW-Authenticate"]
        conforms(doc, response_schema(doc, path, method, 401), r.json())


def test_each_operation_is_open_to_the_role_it_names(client: TestClient, doc: Doc) -> None:
    entities = list(registry(client))
    bearer: dict[str, dict[str, str]] = {}
    for action in ("List", "Read", "Create", "Edit", "Delete", "None"):
        email = f"{unique('openapi')}@tests.local"
        roles = tuple(f"{e}-{action}" for e in entities) if action != "None" else ()
        add_user(client, email, roles=roles)
        form = {"grant_type": "password", "username": email, "password": PASSWORD}
        r = client.post("/api/token", data=form)
        assert r.status_code == 200, r.text
        bearer[action] = {"Authorization": f"Bearer {r.json()['access_token']}"}
    for path, method, op in operations(doc):
        if op.get("security") == []:
            continue
        entity, action = op["x-required-roles"][0].split("-")
        assert op["tags"][0] in (entity, "Path aliases")
        assert f"`{entity}-{action}`" in op["description"]
        r = call(client, method, path, bearer[action])
        assert r.status_code != 401, (method, path, action)
        assert call(client, method, path, bearer["None"]).status_code == 401, (method, path)


# ------------------------------------------------------------------------------- the filters
STANDARD = ("page", "size", "orderBy", "dir", "id")
RESERVED = {n.lower() for n in STANDARD}
TYPES = {Kind.INT: "integer", Kind.ENUM: "integer", Kind.DECIMAL: "number", Kind.BOOL: "boolean"}


def search(doc: Doc, path: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in doc["paths"][path]["get"]["parameters"]}


def test_every_filter_is_a_search_parameter_spelled_as_declared(
    client: TestClient, doc: Doc
) -> None:
    for res in registry(client).values():
        params = search(doc, res.path)
        assert {n.lower() for n in params} >= set(res.filters)
        for f in res.fields:
            for name in [f"{res.name}_{n}" for n in f.filters] + list(f.bare_filters):
                ranges = [f"from_{name}", f"to_{name}"] if f.ranged else []
                for pname in [name, *ranges]:
                    p = params[pname]  # the exact declared casing
                    if pname.lower() in RESERVED:  # `Id` meets `id`: the doc says how
                        twin = next(n for n in STANDARD if n.lower() == pname.lower())
                        assert f"`{twin}`" in p["description"], p["description"]
                        continue
                    how = "Matches by contains" if f.match is Match.CONTAINS else "Matches exactly"
                    if f.kind is not Kind.STR:
                        how = "Matches exactly"
                    want = "Range bound" if pname in ranges else how
                    assert p["description"].startswith(want), (pname, p["description"])
                    schema = p["schema"]
                    if f.names is not None or f.kind in (Kind.STR, Kind.GUID, Kind.DATETIME):
                        assert schema["type"] == "string", pname
                    else:
                        assert schema["type"] == TYPES[f.kind], pname
                    fmt = {Kind.DATETIME: "date-time", Kind.GUID: "uuid"}.get(f.kind)
                    assert schema.get("format") == fmt, pname


def sample(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return str(schema["enum"][0])
    fmt = schema.get("format")
    if fmt == "date-time":
        return "2024-01-02T03:04:05Z"
    if fmt == "uuid":
        return "00000000-0000-4000-8000-000000000000"
    return {"integer": "1", "number": "1.5", "boolean": "true"}.get(schema["type"], "x")


def test_the_server_accepts_every_filter_with_its_documented_type(
    client: TestClient, doc: Doc, api: Api
) -> None:
    for res in registry(client).values():
        params = search(doc, res.path)
        query = {n: sample(p["schema"]) for n, p in params.items() if n not in STANDARD}
        r = api.get(res.path, query)
        assert r.status_code == 200, (res.name, r.text)
        conforms(doc, response_schema(doc, res.path, "get", 200), r.json())
        assert r.json()["TotalItems"] == 0  # no record has every sample value at once


def test_the_server_accepts_every_documented_order_and_direction(
    client: TestClient, doc: Doc, api: Api
) -> None:
    for res in registry(client).values():
        params = search(doc, res.path)
        assert set(params["orderBy"]["schema"]["enum"]) >= {
            f.name for f in res.fields if f.kind is not Kind.OBJECT
        }
        for field in params["orderBy"]["schema"]["enum"]:
            r = api.get(res.path, {"orderBy": field, "size": 1})
            assert r.status_code == 200, (res.name, field, r.text)
        for way in params["dir"]["schema"]["enum"]:
            r = api.get(res.path, {"dir": way.upper(), "size": 1})
            assert r.status_code == 200, r.text
            assert r.json()["CurrentSortDirection"] == (
                -1 if way in ("descending", "desc", "-1") else 1
            )


# ------------------------------------------------------------------------------- the schemas
def test_record_schemas_list_every_field_with_its_type(client: TestClient, doc: Doc) -> None:
    schemas = doc["components"]["schemas"]
    for res in registry(client).values():
        record = schemas[res.name]
        assert list(record["properties"]) == [f.name for f in res.fields]
        assert record["required"] == [f.name for f in res.fields]
        for f in res.fields:
            p = record["properties"][f.name]
            types = p["type"] if isinstance(p["type"], list) else [p["type"]]
            assert ("null" in types) == (f.nullable or f.kind is Kind.OBJECT), f.name
            assert p.get("readOnly", False) is (not f.writable), f.name
            assert f.description in p.get("description", ""), f.name
            if f.names is None and f.kind in TYPES:
                assert TYPES[f.kind] in types, f.name
        listed = schemas.get(f"{res.name}ListRecord", {"allOf": [{}, {"properties": {}}]})
        aliases = [a for f in res.fields for a in f.list_aliases if a not in res.by_name]
        assert list(listed["allOf"][1]["properties"]) == aliases


def test_write_schemas_follow_the_declarations(client: TestClient, doc: Doc) -> None:
    schemas = doc["components"]["schemas"]
    for res in registry(client).values():
        for op, flag, method, extra in (
            ("Create", res.can_create, "post", []),
            ("Update", res.can_update, "put", ["Id"]),
        ):
            if not flag:
                assert f"{res.name}{op}" not in schemas
                assert method not in doc["paths"][res.path]
                continue
            need = {f.name: f.post if op == "Create" else f.put for f in res.writable}
            body = schemas[f"{res.name}{op}"]
            assert list(body["properties"]) == extra + [n for n, r in need.items() if r > Req.NO]
            assert body["required"] == extra + [n for n, r in need.items() if r is Req.REQ]
        assert ("delete" in doc["paths"][res.path + "/{ident}"]) is res.can_delete


def keys(doc: Doc, name: str) -> list[str]:
    return list(doc["components"]["schemas"][name]["properties"])


def test_envelope_schemas_have_exactly_the_real_keys(client: TestClient, doc: Doc) -> None:
    page = list(envelopes.page([], page=1, size=1, total=0, order_field="Id", direction=1))
    assert page == [
        *("Records", "CurrentPageSize", "CurrentPage", "CurrentOrderField"),
        *("CurrentSortDirection", "FirstItem", "HasNextPage", "HasPreviousPage", "LastItem"),
        *("PageNumber", "PageSize", "TotalItems", "TotalPages"),
    ]
    for res in registry(client).values():
        assert keys(doc, f"{res.name}Page") == page
    assert keys(doc, "ActionResult") == list(envelopes.action("", None, None, None))
    invalid = ValidationError.one("Name", "is a required field").body()
    assert keys(doc, "ValidationErrorResult") == list(invalid)
    assert keys(doc, "ValidationError") == ["AttemptedValue", "Message", "PropertyName"]
    for error in (NotFound("X", 1), MethodNotAllowed("X", "PATCH"), ApiError()):
        assert keys(doc, "ErrorResult") == list(error.body())
    assert keys(doc, "Unauthorized") == ["Message"]
    assert keys(doc, "TokenError") == list(TokenError("e", "d").body())
    any_command = next((c for r in registry(client).values() for c in r.commands), None)
    if any_command is not None:
        assert isinstance(any_command, Command)
        assert keys(doc, "Command") == list(any_command.descriptor())
    assert keys(doc, "RunCommand") == ["Key", "Ids", "Parameters"]


def test_real_answers_match_their_schemas(client: TestClient, doc: Doc, api: Api) -> None:
    biz = api.business()
    cw = api.coworker(biz)
    inv = api.invoice(biz, cw)
    hid = api.history(inv)
    reg = registry(client)
    made = {"Business": biz, "Coworker": cw, "CoworkerInvoice": inv, "CoworkerInvoiceHistory": hid}
    for name, ident in made.items():
        path = reg[name].path
        r = api.get(f"{path}/{ident}")
        conforms(doc, response_schema(doc, path + "/{ident}", "get", r.status_code), r.json())
        r = api.get(path, {f"{name}_Id": ident})
        conforms(doc, response_schema(doc, path, "get", r.status_code), r.json())
        assert [rec["Id"] for rec in r.json()["Records"]] == [ident]
        r = api.get(path + "/", {"id": f"[{ident}]"})
        conforms(doc, response_schema(doc, path + "/", "get", r.status_code), r.json())
        assert [rec["Id"] for rec in r.json()] == [ident]
    path = reg["CoworkerInvoiceHistory"].path
    r = api.post(path, {"CoworkerInvoiceId": inv, "Name": unique("n"), "Description": "d"})
    conforms(doc, response_schema(doc, path, "post", r.status_code), r.json())
    assert r.json()["WasSuccessful"] is True


# ---------------------------------------------------------------------------------- the docs
def test_docs_page_serves_swagger_ui_from_local_assets(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert '<script src="/docs/static/swagger-ui-bundle.js">' in r.text
    assert '"url": "/openapi.json"' in r.text and "fetch(CONFIG.url)" in r.text
    assert '"validatorUrl": null' in r.text  # no call to the online validator
    assert 'openapi: "3.0.3"' in r.text  # the bundled Swagger UI 4 renders OpenAPI 3.0 only
    assert "http://" not in r.text and "https://" not in r.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
        got = client.get(f"/docs/static/{asset}")
        assert got.status_code == 200, asset
        assert len(got.content) > 0
    assert "SwaggerUIBundle" in client.get("/docs/static/swagger-ui-bundle.js").text
