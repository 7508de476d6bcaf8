"""Builds the ASGI application from the registry: resource routes, token endpoint, health,
OpenAPI and docs, JSON error pages; the database opens and closes with the app's lifespan."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import swagger_ui_bundle
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from coworkbill import jsonio, timeutil
from coworkbill.auth import tokens
from coworkbill.auth.principal import BearerCache, verify_async
from coworkbill.billing import downloads
from coworkbill.billing.resources import RESOURCES as BILLING
from coworkbill.config import Settings, load_settings
from coworkbill.db.database import make_database
from coworkbill.directory.resources import RESOURCES as DIRECTORY
from coworkbill.engine.openapi import openapi_document
from coworkbill.engine.registry import Registry
from coworkbill.engine.router import FastPath, ResourceRouter
from coworkbill.engine.routes import internal_error, json_response, log, resource_routes
from coworkbill.engine.swagger import swagger_html

# Answered by one response object: a Response holds nothing a request changes.
_HEALTH = Response(jsonio.dumps({"status": "ok"}), media_type="application/json")
_SELECT_ONE = sa.select(sa.literal(1))


def build_registry() -> Registry:
    return Registry([*DIRECTORY, *BILLING])


async def health(request: Request) -> Response:
    return _HEALTH


async def ready(request: Request) -> Response:
    try:
        await request.app.state.db.fetchval(_SELECT_ONE)
    except Exception:
        return json_response({"status": "unavailable"}, 503)
    return json_response({"status": "ok", "database": "ok"})


async def token(request: Request) -> Response:
    state = request.app.state
    try:
        form = tokens.parse_form(await request.body(), request.headers.get("content-type", ""))
        body = await tokens.grant(
            state.db,
            state.settings,
            form,
            request.headers.get("client_id"),
            timeutil.now_utc(),
            verify=verify_async,
        )
    except tokens.TokenError as err:
        return json_response(err.body(), 400)
    except Exception:
        log.exception("unhandled error on POST /api/token")
        return internal_error()
    return json_response(body, 200, {"Cache-Control": "no-store"})


async def not_found(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 404)
    messages = {
        404: "No HTTP resource was found that matches the request URI.",
        405: "The requested resource does not support this http method.",
    }
    message = messages.get(status, "An error has occurred.")
    body = {"Status": status, "Message": message, "Value": None, "Errors": None}
    return json_response({**body, "WasSuccessful": False}, status)


_frozen = False


def freeze_startup_objects() -> None:
    """Everything built at start-up (tables, compiled statements, routes) lives as long as the
    process: move it out of the collector's generations, so a full collection walks only what
    requests allocate (it walked all of this each time, a pause of several ms under load).
    Once per process: a process that builds many apps (the tests) keeps collecting the rest."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


def create_app(settings: Settings | None = None) -> FastPath:
    settings = settings or load_settings()
    registry = build_registry()
    spec = jsonio.dumps(openapi_document(registry))

    async def openapi(request: Request) -> Response:
        return Response(spec, media_type="application/json")

    async def docs(request: Request) -> Response:
        return HTMLResponse(swagger_html("/openapi.json", "/docs/static"))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = make_database(settings.database_url, settings.pool_min, settings.pool_max)
        await db.connect()
        app.state.db = db
        freeze_startup_objects()
        try:
            yield
        finally:
            await db.close()

    # Health and readiness ride the fast path too: load balancers and monitors poll them.
    probes = [Route("/health", health, methods=["GET"]), Route("/ready", ready, methods=["GET"])]
    api = ResourceRouter([r for res in registry.values() for r in resource_routes(res)] + probes)
    # The API first: nearly every request is for a resource.
    routes: list[BaseRoute] = [
        api,
        Route("/api/token", token, methods=["POST"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
        Mount("/docs/static", StaticFiles(directory=Path(swagger_ui_bundle.swagger_ui_path))),
        Route("/downloads/{token}", downloads.download, methods=["GET"]),
    ]
    handlers: dict[Any, Any] = {HTTPException: not_found}
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers=handlers)
    app.router.redirect_slashes = False  # several Nexudus clients do not follow redirects
    app.state.settings = settings
    app.state.registry = registry
    app.state.bearer_cache = BearerCache(settings.auth_cache_seconds)
    return FastPath(app, api, internal_error)
