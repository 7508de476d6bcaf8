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
        self._by_base: dict[str, list[Route]] = {}
        for route in routes:
            base = "/".join(route.path.split("/", 4)[:4])
            self._by_base.setdefault(base, []).append(route)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        path: str = scope.get("route_path") or scope["path"]
        candidates = self._by_base.get("/".join(path.split("/", 4)[:4]))
        if candidates is None:
            return Match.NONE, {}
        partial: tuple[Match, Scope] | None = None
        for route in candidates:
            match, child = route.matches(scope)
            if match is Match.FULL:
                return Match.FULL, {**child, "coworkbill.route": route}
            if match is Match.PARTIAL and partial is None:
                partial = (Match.PARTIAL, {**child, "coworkbill.route": route})
        return partial or (Match.NONE, {})

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
