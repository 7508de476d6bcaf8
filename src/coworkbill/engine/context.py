"""Who is calling and what a request or a write hook can reach."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coworkbill.db.database import Database, Executor
    from coworkbill.engine.registry import Registry
    from coworkbill.engine.resource import Resource


@dataclass(frozen=True)
class Principal:
    user_id: int
    email: str
    is_admin: bool
    roles: frozenset[str]  # lower-cased "coworkerinvoice-list", ...
    business_ids: frozenset[int] | None  # None: every business

    def may(self, entity: str, *actions: str) -> bool:
        if self.is_admin:
            return True
        return any(f"{entity}-{a}".lower() in self.roles for a in actions)

    def sees_business(self, business_id: Any) -> bool:
        return self.business_ids is None or business_id in self.business_ids


SYSTEM = Principal(0, "System", True, frozenset(), None)


@dataclass
class Ctx:
    db: Database
    registry: Registry
    principal: Principal
    now: datetime
    public_base_url: str = ""
    request: Any = None  # the HTTP request, when there is one

    @property
    def base_url(self) -> str:
        """Prefix for links the API hands out (download links): the configured public URL, else
        the request's own host. Computed only when asked: most requests make no link."""
        if self.public_base_url or self.request is None:
            return self.public_base_url
        return str(self.request.base_url).rstrip("/")


@dataclass
class WriteCtx:
    """What a write hook sees: the open transaction, the values about to be stored (column key ->
    value), the stored row before the change (``None`` on create) and, after the write, its id."""

    ctx: Ctx
    conn: Executor
    resource: Resource
    op: str  # "create" | "update" | "delete"
    values: dict[str, Any]
    existing: dict[str, Any] | None
    id: int | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    def written(self) -> dict[str, Any] | None:
        """After an update: the row as it now stands, without reading it back (the row loaded
        before the change, with any locked extras, overlaid with every column written); on a
        create or delete, ``None``."""
        if self.op != "update" or self.existing is None:
            return None
        return {**self.existing, **self.values}
