"""One routing step for every declared resource.

Starlette tries routes in order, a regular expression each; with eight resources of six routes
that is ~40 matches before the last one. ``ResourceRouter`` finds a resource's routes by the
collection path (``/api/{group}/{plural}``) in a dict, then lets only those few routes match.
Behaviour is exactly that of the plain routes it holds (``routes``), which stay the source of
truth for OpenAPI and tests.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Match, NoMatchFound, Route
from starlette.types import Receive, Scope, Send


class ResourceRouter(BaseRoute):
    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes
        # (collection path, what follows it) -> route; "{}" stands for an ``/{ident}`` tail.
        self._exact: dict[tuple[str, str], Route] = {}
        for route in routes:
            parts = route.path.split("/", 4)
            tail = "/" + parts[4] if len(parts) > 4 else ""
            self._exact["/".join(parts[:4]), "{}" if tail == "/{ident}" else tail] = route

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        path: str = scope.get("route_path") or scope["path"]
        parts = path.split("/", 4)
        base = "/".join(parts[:4])
        tail = "/" + parts[4] if len(parts) > 4 else ""
        route = self._exact.get((base, tail))
        if route is None and tail.count("/") == 1 and len(tail) > 1:
            route = self._exact.get((base, "{}"))
        if route is None:
            return Match.NONE, {}
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
