"""Shorthands that keep entity declarations to one line per field.

``own`` declares a column of the entity's table (writable unless told otherwise); ``den``
declares a value copied from a related record through a declared join. Defaults follow the
Nexudus conventions: the filter name is the field name (an FK filter drops the ``Id`` suffix),
free text matches by "contains", every number and date also gets ``from_``/``to_`` ranges.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from coworkbill.engine.fields import Field, Kind, Match, Req

_KINDS = {
    sa.Integer: Kind.INT,
    sa.String: Kind.STR,
    sa.Boolean: Kind.BOOL,
}


def _kind_of(col: Any) -> Kind:
    from coworkbill.db.types import ExactDecimal, UTCDateTime

    t = col.type
    if isinstance(t, ExactDecimal):
        return Kind.DECIMAL
    if isinstance(t, UTCDateTime):
        return Kind.DATETIME
    for base, kind in _KINDS.items():
        if isinstance(t, base):
            return kind
    raise TypeError(f"no wire kind for {col}")


def own(
    col: Any,
    name: str,
    *,
    post: Req = Req.OPT,
    put: Req = Req.OPT,
    kind: Kind | None = None,
    ref: str | None = None,
    match: Match | None = None,
    filters: tuple[str, ...] | None = None,
    ranged: bool | None = None,
    choices: tuple[int, ...] | None = None,
    list_aliases: tuple[str, ...] = (),
    allow_empty: bool = False,
    indexed: bool = False,
    description: str = "",
) -> Field:
    k = kind or _kind_of(col)
    if filters is None:
        filters = (name[:-2] if ref and name.endswith("Id") else name,)
    if ranged is None:
        ranged = ref is None and k in (Kind.INT, Kind.DECIMAL, Kind.DATETIME)
    if match is None:
        match = Match.CONTAINS if k is Kind.STR else Match.EXACT
    length = getattr(col.type, "length", None)
    scale = getattr(col.type, "scale", 4)
    return Field(
        name,
        k,
        col,
        column=col.key if (post or put) else None,
        post=post,
        put=put,
        ref=ref,
        filters=filters,
        match=match,
        ranged=ranged,
        max_length=length,
        scale=scale,
        choices=choices,
        allow_empty=allow_empty,
        indexed=indexed,
        nullable=bool(col.nullable),
        list_aliases=list_aliases,
        description=description,
    )


def ro(col: Any, name: str, **kw: Any) -> Field:
    """A read-only column of the entity's own table."""
    return own(col, name, post=Req.NO, put=Req.NO, **kw)


def den(
    expr: Any,
    name: str,
    path: str | None,
    *,
    kind: Kind | None = None,
    match: Match | None = None,
    ranged: bool | None = None,
    names: dict[int, str] | None = None,
    alt: bool = False,
    alias_prefix: str | None = None,
    indexed: bool = False,
    description: str = "",
) -> Field:
    """A value copied from a related record. ``path`` is its filter name after the entity prefix
    (``CoworkerInvoice_Coworker_FullName``); ``alt`` also accepts the older spelling that joins
    the first two segments (``CoworkerInvoiceCoworker_FullName``); ``alias_prefix`` adds that
    older spelling, prefixed, as an extra key of list records (seed 004)."""
    k = kind or _kind_of(expr)
    filters: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    if path is not None:
        older = path.replace("_", "", 1)
        filters = (path, older) if alt and older != path else (path,)
        if alias_prefix is not None:
            aliases = (alias_prefix + older,)
    if ranged is None:
        ranged = k in (Kind.DECIMAL, Kind.DATETIME)
    if match is None:
        match = Match.CONTAINS if k is Kind.STR else Match.EXACT
    return Field(
        name,
        k,
        expr,
        filters=filters,
        match=match,
        ranged=ranged,
        list_aliases=aliases,
        names=names,
        indexed=indexed,
        description=description or "Copied from a related record (read-only).",
    )


def local(name: str, base: str) -> Field:
    """The business-local twin of date field ``base``."""
    return Field(name, Kind.DATETIME, local_of=base, filters=(name,), ranged=True)
