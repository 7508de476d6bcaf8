"""Reading wire records by an arbitrary condition, for domain code (PDFs, command results)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from coworkbill.db.database import Executor
from coworkbill.engine.resource import Resource
from coworkbill.engine.serialize import Record, serialized


async def records_where(
    ex: Executor, res: Resource, where: Any, order_by: tuple[Any, ...] = ()
) -> list[Record]:
    stmt = sa.select(*res.select_exprs).select_from(res.full_from()).where(where)
    stmt = stmt.order_by(*order_by, res.id_col)
    return await serialized(ex, res, await ex.fetch(stmt))
