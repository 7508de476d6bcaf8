"""The ``Resource`` declaration: what one Nexudus entity is, as data.

A declaration names the table, the fields (own and copied from related records through declared
joins), the business a record belongs to, its time zone, its hooks and commands. Everything the
engine serves (routes, filters, sorting, validation, OpenAPI) is derived from it here, once, at
start-up.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from operator import eq
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import BinaryExpression
from sqlalchemy.sql.util import find_tables

from coworkbill.engine.fields import Field, Kind, Match, Req
from coworkbill.engine.reference import is_reference

if TYPE_CHECKING:
    from coworkbill.engine.commands import Command
    from coworkbill.engine.context import WriteCtx


@dataclass(frozen=True, eq=False)
class Join:
    """A LEFT OUTER JOIN of ``alias`` on ``on``; ``parent`` is the alias it hangs from, if any."""

    alias: Any
    on: Any
    parent: Any = None


Hook = Callable[["WriteCtx"], Awaitable[None]]


@dataclass(frozen=True)
class Hooks:
    prepare: Hook | None = None  # before INSERT/UPDATE: domain rules, may raise ValidationError
    after_write: Hook | None = None  # after INSERT/UPDATE, same transaction
    before_delete: Hook | None = None  # may raise Refused / ValidationError
    after_delete: Hook | None = None


@dataclass(eq=False)
class Resource:
    name: str
    group: str  # "billing", "spaces", "sys"
    plural: str  # "coworkerinvoicehistories"
    table: sa.Table
    fields: list[Field]
    joins: list[Join] = field(default_factory=list)
    default_order: str = "Id"
    business: Any = None  # expression giving the owning business id (None: global data)
    timezone: Any = None  # expression giving the business's IANA time zone
    label: str | None = None  # field shown as ToStringText
    can_create: bool = True
    can_update: bool = True
    can_delete: bool = True
    commands: list[Command] = field(default_factory=list)
    hooks: Hooks = field(default_factory=Hooks)
    # Labelled expressions through the joins, read with a row loaded for a command (locked):
    # what the command's rules compute with, so they need not read the row again.
    locked_extras: tuple[Any, ...] = ()
    # An update locks the record as it loads it (with ``locked_extras``), before any check or
    # hook. Only for a record whose hooks lock nothing else first: where a child's hooks lock
    # its parent and commands lock the parent and then its children, locking the child first
    # would take the two locks in the opposite order (a deadlock).
    lock_on_update: bool = False
    large: bool = False  # expected to hold millions of rows: CreatedOn/UpdatedOn are indexed
    # Columns of ``table`` whose rows per value the database counts (db/counts.py); a list
    # filtered by just one of them reads its total there instead of counting the rows.
    counted: tuple[Any, ...] = ()
    # Columns of ``table`` whose changes those counts' triggers also record (as changes, see
    # ``db.counts.tally``): a deep page ordered by one of them (or by Id) and filtered by
    # just a counted column may start from a remembered position (engine/checkpoints.py).
    counted_orders: tuple[Any, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        self.fields = self.fields + base_fields(self)
        self.by_name = {f.name: f for f in self.fields}
        self.by_lower = {f.name.lower(): f for f in self.fields}
        for f in self.fields:
            for alias in f.list_aliases:
                self.by_lower.setdefault(alias.lower(), f)
        self.id_col = self.table.c.id
        self.column_keys = [c.key for c in self.table.columns]
        # Read layout: the selected expressions, then hidden business and zone columns.
        self.read_fields = [f for f in self.fields if f.expr is not None]
        # A field read through a join to a reference table selects the join's key instead; the
        # serialiser looks the value up in memory (engine/reference.py).
        self.lookups: dict[str, Any] = {}
        exprs = []
        for f in self.read_fields:
            key = reference_key(self.joins, f.expr)
            if key is not None:
                self.lookups[f.name] = f.expr
            exprs.append(f.expr if key is None else key)
        self.select_exprs = [e.label(f"c{i}") for i, e in enumerate(exprs)]
        self.id_index = next(i for i, f in enumerate(self.read_fields) if f.name == "Id")
        self.business_index = self.timezone_index = -1
        extra = len(self.select_exprs)
        if self.business is not None:
            self.select_exprs.append(self.business.label("_business"))
            self.business_index, extra = extra, extra + 1
        if self.timezone is not None:
            self.select_exprs.append(self.timezone.label("_zone"))
            self.timezone_index = extra
        self.writable = [f for f in self.fields if f.writable]
        # *Local twins of writable dates are inputs too (read in the record's business zone).
        self.local_inputs = [
            (f, self.by_name[f.local_of])
            for f in self.fields
            if f.local_of is not None and self.by_name[f.local_of].writable
        ]
        self.filters = build_filters(self)

    @property
    def path(self) -> str:
        return f"/api/{self.group}/{self.plural}"

    def join_chain(
        self, aliases: set[Any], inner: set[Any] | None = None, start: Any = None
    ) -> Any:
        """FROM clause holding the main table and just the joins ``aliases`` need: outer joins,
        but inner ones to ``inner`` (and their parents: a child row implies its parent's).
        ``start``: (table, on) that comes first, the main table inner-joined to it."""
        need, inner = set(aliases), set(inner or ())
        for j in reversed(self.joins):  # parents are declared before their children
            if j.alias in need and j.parent is not None:
                need.add(j.parent)
            if j.alias in inner and j.parent is not None:
                inner.add(j.parent)
        frm: Any = self.table if start is None else start[0].join(self.table, start[1])
        for j in self.joins:
            if j.alias in inner:
                frm = frm.join(j.alias, j.on)
            elif j.alias in need:
                frm = frm.outerjoin(j.alias, j.on)
        return frm

    def full_from(self) -> Any:
        """FROM clause of ``select_exprs``: the joins they read from (not those to reference
        tables, whose values are looked up)."""
        return self.join_chain(_aliases(self.select_exprs))

    def from_for(self, *exprs: Any, matched: tuple[Any, ...] = ()) -> Any:
        """FROM clause holding the main table and the joins ``exprs`` (columns, conditions)
        read from; inner joins for those of ``matched``, expressions a record cannot match
        with NULL (so a missing related row excludes it anyway). Inner joins let the database
        start from the related table: SQLite never reorders an outer join, so a filter on a
        line's invoice number read every line."""
        return self.join_chain(_aliases(exprs), _aliases(matched))


def reference_key(joins: list[Join], expr: Any) -> Any:
    """The key ``expr`` is looked up by, when it is a column reached through a join to a
    reference table on that table's id (``ref.id == key``); else ``None``."""
    alias = getattr(expr, "table", None)
    if alias is None or not is_reference(alias):
        return None
    for j in joins:
        if j.alias is alias and isinstance(j.on, BinaryExpression) and j.on.operator is eq:
            if j.on.left is alias.c.id:
                return j.on.right
            if j.on.right is alias.c.id:
                return j.on.left
    return None


def _aliases(exprs: Any) -> set[Any]:
    # check_columns: without it a joined alias's column is not seen, the join is left out and
    # SQL silently cross-joins that table instead.
    out: set[Any] = set()
    for e in exprs:
        if e is not None:
            out.update(find_tables(e, include_aliases=True, check_columns=True))
    return out


@dataclass(frozen=True)
class FilterSpec:
    field: Field
    mode: str  # "eq" | "from" | "to"


def build_filters(res: Resource) -> dict[str, FilterSpec]:
    out: dict[str, FilterSpec] = {}
    for f in res.fields:
        names = [f"{res.name}_{n}" for n in f.filters] + list(f.bare_filters)
        for n in names:
            out[n.lower()] = FilterSpec(f, "eq")
            if f.ranged:
                out[f"from_{n}".lower()] = FilterSpec(f, "from")
                out[f"to_{n}".lower()] = FilterSpec(f, "to")
    return out


def _is_new(rec: dict[str, Any]) -> bool:
    return bool(rec.get("CreatedOn") == rec.get("UpdatedOn"))


def base_fields(res: Resource) -> list[Field]:
    """The fields every Nexudus record carries (spec section 1.3), derived from base columns."""
    t = res.table
    label = res.label

    def to_string(rec: dict[str, Any]) -> Any:
        v = rec.get(label) if label else None
        return None if v is None else str(v)

    fields = [
        Field(
            "Id",
            Kind.INT,
            t.c.id,
            filters=("Id",),
            bare_filters=("Id",),
            nullable=False,
            indexed=True,
        ),
        Field(
            "UniqueId", Kind.GUID, t.c.unique_id, filters=("UniqueId",), bare_filters=("UniqueId",)
        ),
        *(
            Field(
                name,
                Kind.DATETIME,
                t.c[col],
                filters=(name,),
                ranged=True,
                nullable=False,
                indexed=res.large,
            )
            for name, col in (("CreatedOn", "created_on"), ("UpdatedOn", "updated_on"))
        ),
        Field("UpdatedBy", Kind.STR, t.c.updated_by, filters=("UpdatedBy",), match=Match.CONTAINS),
        Field("IsNew", Kind.BOOL, compute=_is_new),
        Field(
            "SystemId",
            Kind.STR,
            t.c.system_id,
            column="system_id",
            post=Req.OPT,
            put=Req.OPT,
            filters=("SystemId",),
            max_length=4000,
            description="Free-form data for integrations; only the API sees or sets it.",
        ),
        Field("ToStringText", Kind.STR, compute=to_string),
        Field("LocalizationDetails", Kind.OBJECT, compute=lambda rec: None),
        Field("CustomFields", Kind.OBJECT, compute=lambda rec: None),
    ]
    if res.timezone is not None:
        fields.append(
            Field(
                "CreatedOnLocal",
                Kind.DATETIME,
                local_of="CreatedOn",
                filters=("CreatedOnLocal",),
                ranged=True,
            )
        )
    return fields


__all__ = ["FilterSpec", "Hooks", "Join", "Match", "Resource"]
