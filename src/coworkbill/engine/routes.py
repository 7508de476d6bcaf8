"""The HTTP surface of every declared resource, built from its declaration.

Per resource: list / get many (``?id=[..]``) / create / full-replace PUT on the collection path
(with or without a trailing slash, never redirected), get one and delete on ``/{id}``,
``/commands`` and ``/runcommand`` (``/runCommand`` too). Each endpoint authenticates, checks the
``<Entity>-<Action>`` role, and renders every error as its Nexudus envelope; nothing unexpected
leaves as a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Scope

from coworkbill import jsonio, timeutil
from coworkbill.auth.principal import authenticate
from coworkbill.db.database import IntegrityViolation
from coworkbill.engine import commands as command_ops
from coworkbill.engine import envelopes, query, search, write
from coworkbill.engine.context import Ctx
from coworkbill.engine.errors import ApiError, MethodNotAllowed, Unauthorized, ValidationError
from coworkbill.engine.fields import Problem
from coworkbill.engine.filters import parse_id_list, parse_list_query
from coworkbill.engine.resource import Resource

log = logging.getLogger("coworkbill")
MAX_BODY = 1_000_000
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="coworkbill", Basic realm="coworkbill"'}
Handler = Callable[[Ctx, Request], Awaitable[Any]]


class JsonResponse(Response):
    """A JSON body with exactly the headers Starlette's ``Response`` gives it (length, type),
    set directly: its generic header assembly was a measurable part of a get-one."""

    media_type = "application/json"

    def __init__(self, body: bytes, status: int = 200, headers: dict[str, str] | None = None):
        self.status_code, self.body, self.background = status, body, None
        self.raw_headers = [
            (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()
        ]
        self.raw_headers += [
            (b"content-length", str(len(body)).encode("latin-1")),
            (b"content-type", b"application/json"),
        ]


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JsonResponse(jsonio.dumps(body), status, headers)


def authorization(scope: Scope) -> str | None:
    """The Authorization header (the ASGI server gives names lower-cased), read without
    building Starlette's header mapping."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            return str(value.decode("latin-1"))
    return None


def error_response(exc: ApiError) -> Response:
    headers = CHALLENGE if isinstance(exc, Unauthorized) else None
    return json_response(exc.body(), exc.status, headers)


def internal_error() -> Response:
    return json_response(ApiError().body(), 500)


def query_params(request: Request) -> dict[str, tuple[str, str]]:
    """Lower-cased name -> (name as sent, value); the first occurrence wins. Parsed once per
    request (routing by ``?id=`` and the search both read it)."""
    out: dict[str, tuple[str, str]] | None = request.scope.get("coworkbill.params")
    if out is None:
        out = {}
        for k, v in request.query_params.multi_items():
            out.setdefault(k.lower(), (k, v))
        request.scope["coworkbill.params"] = out
    return out


async def read_json(request: Request) -> Any:
    body = await request.body()
    if len(body) > MAX_BODY:
        raise ValidationError.one("Body", f"must be at most {MAX_BODY} bytes")
    try:
        return jsonio.loads(body)
    except (jsonio.DecodeError, UnicodeDecodeError, RecursionError):
        # RecursionError: msgspec's answer to absurdly deep nesting ([[[[...]]]]).
        raise ValidationError.one("Body", "is not valid JSON") from None


def is_get_many(params: dict[str, tuple[str, str]]) -> bool:
    return "id" in params and params["id"][1].strip().startswith("[")


def _ident(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValidationError.one("Id", "is not a valid integer", text) from None
    if not 0 < value < 2**31:
        raise ValidationError.one("Id", "is out of range", text)
    return value


def guarded(entity: str, actions: tuple[str, ...], handler: Handler) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
        state = request.app.state
        now = timeutil.now_utc()
        try:
            header = authorization(request.scope)
            who = await authenticate(state.db, header, now, state.bearer_cache)
            if who is None or not who.may(entity, *actions):
                raise Unauthorized()
            ctx = Ctx(state.db, state.registry, who, now, state.settings.public_base_url, request)
            return json_response(await handler(ctx, request))
        except ApiError as exc:
            return error_response(exc)
        except IntegrityViolation:
            # The domain checks run first; this is the database refusing a race they lost.
            log.warning("constraint violation on %s %s", request.method, request.url.path)
            conflict = ValidationError.one("Id", "conflicts with another change; try again")
            return error_response(conflict)
        except Exception:
            log.exception("unhandled error on %s %s", request.method, request.url.path)
            return internal_error()

    return endpoint


def _created(res: Resource, verb: str) -> Callable[[Ctx, int], dict[str, Any]]:
    def envelope(ctx: Ctx, ident: int) -> dict[str, Any]:
        return envelopes.action(
            f"{res.name} was successfully {verb}.", {"Id": ident}, ctx.now, ctx.principal.email
        )

    return envelope


def resource_routes(res: Resource) -> list[Route]:
    name = res.name
    created, updated, deleted = (_created(res, v) for v in ("created", "updated", "deleted"))

    async def do_list(ctx: Ctx, request: Request) -> Any:
        params = query_params(request)
        if is_get_many(params):
            sent, text = params["id"]
            try:
                ids = parse_id_list(text)
            except Problem as p:
                raise ValidationError.one(sent, p.message, text) from None
            # Ids outside the 32-bit id columns cannot exist; PostgreSQL refuses them as binds.
            ids = [i for i in ids if 0 < i < 2**31]
            return await query.get_many(ctx, res, ids)

        async def zones() -> list[str | None]:
            return await query.zones(ctx, res)

        q = await parse_list_query(res, params, zones)
        return await search.list_page(ctx, res, q)

    async def do_create(ctx: Ctx, request: Request) -> Any:
        if not res.can_create:
            raise MethodNotAllowed(name, "POST")
        return created(ctx, await write.create(ctx, res, await read_json(request)))

    async def do_update(ctx: Ctx, request: Request) -> Any:
        if not res.can_update:
            raise MethodNotAllowed(name, "PUT")
        return updated(ctx, await write.update(ctx, res, await read_json(request)))

    async def do_get(ctx: Ctx, request: Request) -> Any:
        return await query.get_one(ctx, res, _ident(request.path_params["ident"]))

    async def do_delete(ctx: Ctx, request: Request) -> Any:
        if not res.can_delete:
            raise MethodNotAllowed(name, "DELETE")
        return deleted(ctx, await write.delete(ctx, res, _ident(request.path_params["ident"])))

    async def do_commands(ctx: Ctx, request: Request) -> Any:
        params = query_params(request)
        text = params.get("id", ("id", ""))[1]
        return await command_ops.list_commands(ctx, res, _ident(text) if text.strip() else None)

    async def do_run(ctx: Ctx, request: Request) -> Any:
        return await command_ops.run_command(ctx, res, await read_json(request))

    listing = guarded(name, ("List",), do_list)
    many = guarded(name, ("Read",), do_list)

    async def list_or_many(request: Request) -> Response:
        # ?id=[..] is get-many (role -Read); anything else (?Id=5 too) is a search (role -List).
        if is_get_many(query_params(request)):
            return await many(request)  # type: ignore[no-any-return]
        return await listing(request)  # type: ignore[no-any-return]

    collection = {
        "GET": list_or_many,
        "POST": guarded(name, ("Create",), do_create),
        "PUT": guarded(name, ("Edit",), do_update),
    }
    item = {
        "GET": guarded(name, ("Read",), do_get),
        "DELETE": guarded(name, ("Delete",), do_delete),
    }

    def dispatch(table: dict[str, Callable[..., Any]]) -> Callable[..., Any]:
        async def endpoint(request: Request) -> Response:
            handler = table.get(request.method)
            if handler is None:
                return error_response(MethodNotAllowed(name, request.method))
            return await handler(request)  # type: ignore[no-any-return]

        return endpoint

    methods = ["GET", "POST", "PUT", "DELETE", "PATCH"]
    base = res.path
    run = guarded(name, ("Edit", "Update"), do_run)
    return [
        Route(base, dispatch(collection), methods=methods),
        Route(base + "/", dispatch(collection), methods=methods),
        Route(base + "/commands", guarded(name, ("List",), do_commands), methods=["GET"]),
        Route(base + "/runcommand", run, methods=["POST"]),
        Route(base + "/runCommand", run, methods=["POST"]),
        Route(base + "/{ident}", dispatch(item), methods=methods),
    ]
