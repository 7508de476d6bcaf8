"""The query parameters of a search in the OpenAPI document: paging, order, get many, and every
filter.

Guarantees: the filters are every name ``Resource.filters`` accepts, spelled as declared, each
with the wire type and the matching rule the engine applies (``engine/filters.py``).
"""

from __future__ import annotations

from typing import Any

from coworkbill.engine.fields import Field, Kind, Match
from coworkbill.engine.filters import DEFAULT_SIZE, MAX_SIZE
from coworkbill.engine.openapi_schemas import Schema, value_schema
from coworkbill.engine.resource import Resource


def _filter_schema(f: Field) -> Schema:
    if f.kind is Kind.DATETIME:
        return {"type": "string", "format": "date-time"}
    schema = value_schema(f)
    schema.pop("maxLength", None)
    return schema


def _filter_text(f: Field, mode: str) -> str:
    target = f"`{f.name}`"
    dated = f.kind is Kind.DATETIME
    if mode == "from":
        text = f"Range bound: records whose {target} is at least this value (inclusive)."
    elif mode == "to":
        whole_day = "; a date alone includes that whole day" if dated else ""
        text = f"Range bound: records whose {target} is at most this value (inclusive{whole_day})."
    elif f.kind is Kind.STR and f.match is Match.CONTAINS:
        text = f"Matches by contains: records whose {target} contains this text (any case)."
    else:
        text = f"Matches exactly: records whose {target} equals this value"
        if f.names is not None:
            text += ", given by name or by number"
        elif f.kind in (Kind.INT, Kind.ENUM):
            text += "; `[1,2,3]` matches any of several"
        elif f.kind is Kind.STR:
            text += " (any case)"
        elif f.kind is Kind.BOOL:
            text += " (`true`/`false` or `1`/`0`)"
        elif dated:
            text += " to the second; a date alone matches that whole day"
        text += "."
    if dated:
        where = "in each record's business time zone" if f.local_of else "as UTC"
        text += f" Any ISO 8601 form; without an offset it is read {where}."
    return text


def query_param(name: str, schema: Schema, text: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": text}


def search_parameters(res: Resource) -> list[dict[str, Any]]:
    """``page``, ``size``, ``orderBy``, ``dir``, ``id``, then every filter, named as
    ``build_filters`` names it (``{Entity}_{n}`` and bare names, ``from_``/``to_`` for ranged
    fields). Names match in any case, so a filter spelled like one of the first five says how the
    two meet."""
    orderable = [f.name for f in res.fields if f.kind is not Kind.OBJECT]
    orderable += [a for f in res.fields for a in f.list_aliases if a not in res.by_name]
    ways = ["ascending", "descending", "asc", "desc", "1", "0", "-1"]
    many = "Get many: a bracketed list `[1,2,3]` answers a bare array of those records instead "
    many += f"of a page (role `{res.name}-Read`), leaving out those the caller may not see."
    order = {"type": "string", "enum": orderable, "default": res.default_order}
    size = {"type": "integer", "minimum": 1, "default": DEFAULT_SIZE}
    params = [
        query_param("page", {"type": "integer", "minimum": 1, "default": 1}, "The page, from 1."),
        query_param("size", size, f"Records per page; at most {MAX_SIZE} (larger is clamped)."),
        query_param("orderBy", order, "The field to sort by (any case); ties break on `Id`."),
        query_param("dir", {"type": "string", "enum": ways}, "Sort direction, in any case."),
        query_param("id", {"type": "string"}, many),
    ]
    reserved = {p["name"].lower(): p["name"] for p in params}
    seen = set(reserved)
    for f in res.fields:
        for name in [f"{res.name}_{n}" for n in f.filters] + list(f.bare_filters):
            ranges = [("from", f"from_{name}"), ("to", f"to_{name}")] if f.ranged else []
            for mode, pname in [("eq", name), *ranges]:
                text = _filter_text(f, mode)
                other = reserved.get(pname.lower())
                if other == "id":  # routes.is_get_many: a bracketed list is get-many
                    text = f"Matches exactly: records whose `{f.name}` equals this value. Names "
                    text += "match in any case, so a bracketed list here is get-many (`id`)."
                elif other is not None:
                    text = f"The same parameter as `{other}` (names match in any case)."
                elif pname.lower() in seen:
                    continue
                seen.add(pname.lower())
                params.append(query_param(pname, _filter_schema(f), text))
    return params
