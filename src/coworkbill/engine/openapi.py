"""The OpenAPI 3.1 document of the whole API, generated from the registry (the Swagger UI page
that renders it: ``swagger.py``).

Guarantees: every path ``routes.resource_routes`` registers is here, with one operation per
method that does anything but answer 405 (a tag's description names the 405s its declaration
causes); operation ids are unique and stable (``{Entity}_{action}``); each operation names the
``<Entity>-<Action>`` role it needs. The document depends on the registry alone: the app builds
it once, at start-up (in a few milliseconds).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from coworkbill import __version__
from coworkbill.engine.openapi_params import query_param, search_parameters
from coworkbill.engine.openapi_schemas import (
    MAX_ID,
    Schema,
    ref,
    resource_schemas,
    shared_schemas,
)
from coworkbill.engine.registry import Registry
from coworkbill.engine.resource import Resource

JSON = "application/json"
ALIASES = "Path aliases"
DESCRIPTION = """\
coworkbill speaks the **Nexudus Spaces billing API**: the same paths, PascalCase field names,
query grammar and response envelopes, so a Nexudus client works against it unchanged.

* Authenticate with `Authorization: Bearer <access_token>` (from `POST /api/token`) or
  `Authorization: Basic base64(email:password)`. Each operation names the role
  `<Entity>-<Action>` it needs; an unrestricted administrator passes every check.
* Query parameter names match in any case; unknown parameters and body properties are ignored.
  Collection paths are also served with a trailing slash, never redirected.
* Invalid input answers 400 with every problem at once; missing or bad credentials 401; a
  missing record 404; a method a path does not support (PATCH, for one) 405.
"""

# Parts that no declaration or envelope builder can produce, written as the spec fragment they are.
# ``"content": "Name"`` is shorthand for a JSON body of schema ``Name`` (see ``_expand``).
_STATIC_TEXT = """{
"schemas": {
  "RunCommand": {"type": "object", "required": ["Key"], "properties": {
    "Key": {"type": "string", "description": "The command's `Key`."},
    "Ids": {"type": "array", "items": {"type": "integer"}},
    "Parameters": {"type": ["array", "null"], "items": {"type": "object",
      "properties": {"Name": {"type": "string"}, "Value": {}}}}}},
  "TokenResponse": {"type": "object", "properties": {
    "access_token": {"type": "string"}, "token_type": {"type": "string", "enum": ["bearer"]},
    "expires_in": {"type": "integer", "description": "Seconds the access token lives."},
    "refresh_token": {"type": "string", "description": "Single use."}},
    "required": ["access_token", "token_type", "expires_in", "refresh_token"]},
  "TokenForm": {"type": "object", "required": ["grant_type"], "properties": {
    "grant_type": {"type": "string", "enum": ["password", "refresh_token"]},
    "username": {"type": "string", "description": "The user's email (password grant)."},
    "password": {"type": "string", "format": "password"},
    "client_id": {"type": "string", "description": "Optional; the email when absent."},
    "refresh_token": {"type": "string", "description": "For the refresh_token grant."}}},
  "StatusMessage": {"type": "object", "required": ["Status", "Message"], "properties": {
    "Status": {"type": "integer", "enum": [404]}, "Message": {"type": "string"}}},
  "Status": {"type": "object", "properties": {"status": {"type": "string"},
    "database": {"type": "string"}}, "required": ["status"]}},
"responses": {
  "ValidationFailed": {"description": "Invalid input, every problem at once; or a rule refuses
the change in the record's current state (then `Errors` is null).", "content": {"application/json":
    {"schema": {"oneOf": [{"$ref": "#/components/schemas/ValidationErrorResult"},
      {"$ref": "#/components/schemas/ErrorResult"}]}}}},
  "Unauthorized": {"description": "Missing or bad credentials, or a user without the role.",
    "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}}, "content": "Unauthorized"},
  "NotFound": {"description": "No record with that Id that the caller may see.",
    "content": "ErrorResult"},
  "MethodNotAllowed": {"description": "The path does not support this method.",
    "content": "ErrorResult"},
  "ServerError": {"description": "Something unexpected; the details are in the server log.",
    "content": "ErrorResult"}},
"tags": [
  {"name": "Authentication", "description": "OAuth2 tokens for the Bearer scheme."},
  {"name": "Service", "description": "Probes and downloads; no credentials needed."},
  {"name": "Path aliases", "description":
    "Other spellings the server accepts: collection paths with a trailing slash, `runCommand`."}],
"securitySchemes": {
  "bearer": {"type": "http", "scheme": "bearer", "description": "A token from /api/token."},
  "basic": {"type": "http", "scheme": "basic", "description": "Email and password."}},
"paths": {
  "/api/token": {"post": {"tags": ["Authentication"], "operationId": "token",
    "summary": "Get an access token (OAuth2 password or refresh_token grant)",
    "description": "Refresh tokens are single use: each grant answers a new pair.",
    "security": [], "parameters": [{"name": "client_id", "in": "header", "schema":
      {"type": "string"}, "description": "The client id, when not in the form."}],
    "requestBody": {"required": true, "content": {"application/x-www-form-urlencoded":
      {"schema": {"$ref": "#/components/schemas/TokenForm"}}}},
    "responses": {
      "200": {"description": "A new token pair.", "content": "TokenResponse",
        "headers": {"Cache-Control": {"schema": {"type": "string", "enum": ["no-store"]}}}},
      "400": {"description": "The grant failed.", "content": "TokenError"}}}},
  "/health": {"get": {"tags": ["Service"], "operationId": "health", "summary": "Liveness",
    "security": [], "responses": {"200": {"description": "Up.", "content": "Status"}}}},
  "/downloads/{token}": {"get": {"tags": ["Service"], "operationId": "download",
    "summary": "Download a file a command linked to",
    "description": "The link a command answered in `RedirectURL` (a PDF, or a zip of several);
it needs no credentials and expires after ten minutes.", "security": [],
    "parameters": [{"name": "token", "in": "path", "required": true, "schema": {"type": "string"}}],
    "responses": {"200": {"description": "The file, as an attachment.", "content": {
      "application/pdf": {"schema": {"type": "string", "format": "binary"}},
      "application/zip": {"schema": {"type": "string", "format": "binary"}}}},
      "404": {"description": "An unknown or expired link.", "content": "StatusMessage"}}}},
  "/ready": {"get": {"tags": ["Service"], "operationId": "ready", "summary": "Readiness",
    "security": [], "responses": {
      "200": {"description": "The database answers.", "content": "Status"},
      "503": {"description": "The database does not answer.", "content": "Status"}}}}}
}"""


def _expand(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: {JSON: {"schema": ref(v)}} if k == "content" and isinstance(v, str) else _expand(v)
            for k, v in node.items()
        }
    return [_expand(v) for v in node] if isinstance(node, list) else node


STATIC: dict[str, Any] = _expand(json.loads(_STATIC_TEXT, strict=False))  # text may wrap


# -------------------------------------------------------------------------------- operations
E404 = "400 401 404"
_CODES = {"400": "ValidationFailed", "401": "Unauthorized", "404": "NotFound"}
_SUMMARY = {
    "list": "Search {n} records, or get several by id",
    "create": "Create a {n}",
    "update": "Replace a {n} (full replacement)",
    "get": "Get one {n}",
    "delete": "Delete a {n}",
    "commands": "List the commands of {n}",
    "runCommand": "Run a {n} command",
}


def _ok(text: str, schema: Schema) -> dict[str, Any]:
    return {"description": text, "content": {JSON: {"schema": schema}}}


def _body(schema: Schema) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": schema}}}


def _op(
    res: Resource, action: str, roles: str, ok: dict[str, Any], errors: str, **extra: Any
) -> dict[str, Any]:
    """``roles`` and ``errors`` are space-separated (``"Edit Update"``, ``"400 401 404"``);
    ``extra`` adds ``parameters``, ``requestBody``, a ``description``, or ``who`` may call."""
    summary = _SUMMARY[action].format(n=res.name)
    needs = [f"{res.name}-{a}" for a in roles.split()]
    text = extra.pop("description", summary)
    who = extra.pop("who", " or ".join(f"`{r}`" for r in needs))
    codes = {c: {"$ref": f"#/components/responses/{_CODES[c]}"} for c in errors.split()}
    return {
        "tags": [res.name],
        "operationId": f"{res.name}_{action}",
        "summary": summary,
        "description": f"{text}\n\nRole: {who}.",
        "x-required-roles": needs,
        **extra,
        "responses": {"200": ok, **codes, "500": {"$ref": "#/components/responses/ServerError"}},
    }


def _alias(op: dict[str, Any], method: str, path: str, suffix: str) -> dict[str, Any]:
    # A shallow copy: the alias shares parameters and schemas, only its naming differs.
    return op | {
        "tags": [ALIASES],
        "operationId": f"{op['operationId']}_{suffix}",
        "summary": f"Same as {method} {path}",
        "x-alias-of": op["operationId"],
    }


def _run_text(res: Resource) -> str:
    lines = [
        f"* `{c.key}`: {c.name}" + "".join(f"; `{p.name}` ({p.type})" for p in c.params)
        for c in sorted(res.commands, key=lambda c: c.order)
    ]
    head = "Runs the command on each of `Ids`, each in its own transaction; one that cannot run "
    head += "on a record answers 200 with `WasSuccessful: false` and the reason."
    return head + ("\n\nCommands:\n" + "\n".join(lines) if lines else "")


def resource_paths(res: Resource) -> dict[str, dict[str, Any]]:
    """The path items of one resource, keyed exactly as ``routes.resource_routes`` registers."""
    n, base = res.name, res.path
    found = _ok(
        "A page; with `id`, a bare array.",
        {"oneOf": [ref(f"{n}Page"), {"type": "array", "items": ref(n)}]},
    )
    search = (
        f"Searches {n} records: one page, filtered (filters AND together) and sorted. With "
        f"`id=[1,2,3]` it answers those records instead, as a bare array."
    )
    who = f"`{n}-List` for a search, `{n}-Read` with `id`"
    done = _ok("Done; `Value` holds the record's Id.", ref("ActionResult"))
    params = {"parameters": search_parameters(res), "description": search, "who": who}
    coll = {"get": _op(res, "list", "List Read", found, "400 401", **params)}
    if res.can_create:
        coll["post"] = _op(
            res, "create", "Create", done, "400 401", requestBody=_body(ref(f"{n}Create"))
        )
    if res.can_update:
        coll["put"] = _op(res, "update", "Edit", done, E404, requestBody=_body(ref(f"{n}Update")))
    ident = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    item: dict[str, Any] = {
        "parameters": [{"name": "ident", "in": "path", "required": True, "schema": ident}],
        "get": _op(res, "get", "Read", _ok("The record.", ref(n)), E404),
    }
    if res.can_delete:
        item["delete"] = _op(res, "delete", "Delete", done, E404)
    which = [query_param("id", ident, "Only the commands that can run on this record now.")]
    listed = _ok("The commands, in order.", {"type": "array", "items": ref("Command")})
    body: Schema = ref("RunCommand")
    if res.commands:
        body = {"allOf": [body, {"properties": {"Key": {"enum": [c.key for c in res.commands]}}}]}
    ran = _ok("The outcome; per-record results in `Value` for several Ids.", ref("ActionResult"))
    running = {"requestBody": _body(body), "description": _run_text(res)}
    run = _op(res, "runCommand", "Edit Update", ran, "400 401", **running)
    return {
        base: coll,
        base + "/{ident}": item,
        base + "/commands": {"get": _op(res, "commands", "List", listed, E404, parameters=which)},
        base + "/runcommand": {"post": run},
        base + "/": {m: _alias(op, m.upper(), base, "slash") for m, op in coll.items()},
        base + "/runCommand": {"post": _alias(run, "POST", base + "/runcommand", "camel")},
    }


def _tag(res: Resource) -> dict[str, str]:
    refused = [
        f"`{m} {res.path}`"
        for m, ok in (("POST", res.can_create), ("PUT", res.can_update))
        if not ok
    ]
    if not res.can_delete:
        refused.append(f"`DELETE {res.path}/{{ident}}`")
    text = res.description or f"{res.name} records."
    if refused:
        text += " Not supported (405): " + ", ".join(refused) + "."
    return {"name": res.name, "description": text}


def openapi_document(registry: Registry) -> dict[str, Any]:
    static = copy.deepcopy(STATIC)  # the document is the caller's to keep; STATIC stays pristine
    schemas = shared_schemas() | static["schemas"]
    paths: dict[str, Any] = {}
    for res in registry.values():
        for name, schema in resource_schemas(res).items():
            if name in schemas:
                raise ValueError(f"OpenAPI schema name {name!r} is used twice")
            schemas[name] = schema
        paths.update(resource_paths(res))
    paths.update(static["paths"])
    tags = [_tag(res) for res in registry.values()] + static["tags"]
    info = {"title": "coworkbill", "version": __version__, "description": DESCRIPTION}
    return {
        "openapi": "3.1.0",
        "info": info | {"license": {"name": "MIT", "identifier": "MIT"}},
        "tags": tags,
        "security": [{"bearer": []}, {"basic": []}],
        "paths": paths,
        "components": {
            "securitySchemes": static["securitySchemes"],
            "responses": static["responses"],
            "schemas": schemas,
        },
    }
