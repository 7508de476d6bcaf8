"""One routing step for every declared resource, and a fast path around the framework.

Starlette tries routes in order, a regular expression each; with eight resources of six routes
that is ~40 matches before the last one. ``ResourceRouter`` finds a resource's routes by the
collection path (``/api/{group}/{plural}``) in a dict, then lets only those few routes match.
Behaviour is exactly that of the plain routes it holds (``routes``), which stay the source of
truth for OpenAPI and tests.

``FastPath`` is the ASGI app the server runs: a request for one of the router's routes (the
resources', and whatever fixed-path routes the app adds, such as its health probes) whose
method the route accepts goes straight to that route's endpoint; anything else (other paths,
a method the route refuses, lifespan) goes through the Starlette app, unchanged. The layers
it skips (two exception middlewares, the router's loop, a regular expression, a second
request wrapper) held ~15% of a get-one's profile samples; the saving in CPU per request was
within this VM's noise. Endpoints render their own errors; anything that still escapes is
answered with the 500 envelope.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, NoMatchFound, Route
from starlette.types import ASGIApp, Receive, Scope, Send


class ResourceRouter(BaseRoute):
    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes
        # (collection path, what follows it) -> route; "{}" stands for an ``/{ident}`` tail.
        self._exact: dict[tuple[str, str], Route] = {}
        for route in routes:
            parts = route.path.split("/", 4)
            tail = "/" + parts[4] if len(parts) > 4 else ""
            self._exact["/".join(parts[:4]), "{}" if tail == "/{ident}" else tail] = route

    def find(self, path: str) -> tuple[Route, dict[str, str]] | None:
        """The route for ``path`` and its path parameters, or ``None``."""
        parts = path.split("/", 4)
        base = "/".join(parts[:4])
        tail = "/" + parts[4] if len(parts) > 4 else ""
        route = self._exact.get((base, tail))
        if route is not None:
            return route, {}
        if tail.count("/") == 1 and len(tail) > 1:
            route = self._exact.get((base, "{}"))
            if route is not None:
                return route, {"ident": tail[1:]}
        return None

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        found = self.find(scope.get("route_path") or scope["path"])
        if found is None:
            return Match.NONE, {}
        route = found[0]
        match, child = route.matches(scope)  # one regex, for the path parameters and method
        if match is Match.NONE:
            return Match.NONE, {}
        return match, {**child, "coworkbill.route": route}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        route: Route = scope["coworkbill.route"]
        await route.handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                continue
        raise NoMatchFound(name, path_params)


Endpoint = Callable[[Request], Awaitable[Response]]


class FastPath:
    """The served ASGI app: resource routes first and directly, the Starlette ``app`` for the
    rest. Attributes (``state``, ``router``, ...) are the Starlette app's."""

    def __init__(self, app: ASGIApp, router: ResourceRouter, on_error: Callable[[], Response]):
        self.app, self._router, self._on_error = app, router, on_error

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope.get("root_path"):
            found = self._router.find(scope["path"])
            if found is not None and scope["method"] in (found[0].methods or ()):
                route, params = found
                scope["app"], scope["path_params"] = self.app, params
                endpoint: Endpoint = route.endpoint
                try:
                    response = await endpoint(Request(scope, receive))
                except Exception:
                    response = self._on_error()
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
