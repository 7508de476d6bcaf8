"""Rows to wire records: one generated function per resource.

Guarantees: a record carries every field of the resource's declaration, converted exactly as
``engine/fields.reader`` says; values read through reference tables are looked up in memory
(``engine/reference.py``), never guessed: a key not held yet reloads those tables first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coworkbill import timeutil
from coworkbill.db.database import Executor
from coworkbill.engine import reference
from coworkbill.engine.fields import identity, reader
from coworkbill.engine.resource import Resource

Record = dict[str, Any]


class Serializer:
    """Row -> wire record for one resource, as one generated straight-line function.

    Each get-one invoice converts ~95 fields; a generic loop (unpack a step, test its kind,
    call through) costs several times the work itself, so the conversion is written out once
    per resource from its declaration: ``rec = {"Id": row[0], "DueDate": c3(row[7]), ...}``.
    """

    def __init__(self, res: Resource) -> None:
        index = {f.name: i for i, f in enumerate(res.read_fields)}
        env: dict[str, Any] = {"fmt_in": timeutil.fmt_in, "zone": timeutil.zone}
        lines = []
        for n, f in enumerate(res.fields):
            key = repr(f.name)
            if f.expr is not None:
                conv = reader(f)
                if f.name in res.lookups:
                    conv = reference.lookup(res.lookups[f.name], conv)
                if conv is identity:
                    lines.append(f"    rec[{key}] = row[{index[f.name]}]")
                else:
                    env[f"c{n}"] = conv
                    lines.append(f"    rec[{key}] = c{n}(row[{index[f.name]}])")
            elif f.local_of is not None:
                lines.append(f"    rec[{key}] = fmt_in(row[{index[f.local_of]}], tz)")
            else:
                env[f"f{n}"] = f.compute or _none
                lines.append(f"    rec[{key}] = f{n}(rec)")
        tz = f"zone(row[{res.timezone_index}])" if res.timezone_index >= 0 else "zone(None)"
        aliases = [(a, f.name) for f in res.fields for a in f.list_aliases]
        listing = [f"        rec[{a!r}] = rec[{name!r}]" for a, name in aliases] or ["        pass"]
        source = "\n".join(
            [
                "def serialize(row, listing=False):",
                f"    tz = {tz}",
                "    rec = {}",
                *lines,
                "    if listing:",
                *listing,
                "    return rec",
            ]
        )
        exec(
            compile(source, f"<serializer {res.name}>", "exec"), env
        )  # names come from declarations, via repr()
        self.serialize: Callable[..., Record] = env["serialize"]


def _none(rec: Record) -> None:
    return None


_serializers: dict[int, Serializer] = {}


def serializer(res: Resource) -> Serializer:
    s = _serializers.get(id(res))
    if s is None:
        s = _serializers[id(res)] = Serializer(res)
    return s


async def serialized(
    ex: Executor, res: Resource, rows: list[tuple[Any, ...]], listing: bool = False
) -> list[Record]:
    """Wire records of ``rows`` (selected with ``res.select_exprs``)."""
    ser = serializer(res).serialize
    try:
        return [ser(r, listing) for r in rows]
    except reference.StaleReference:
        await reference.refresh(ex)  # reference rows added since they were read, if any
        return [ser(r, listing) for r in rows]
