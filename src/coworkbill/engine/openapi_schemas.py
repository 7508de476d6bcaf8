"""The parts of the OpenAPI document derived from field declarations: record, write and page
schemas and the shared envelopes (a search's filters: ``openapi_params.py``).

Guarantees: a record schema lists every field of the resource with its wire type (what the
serializer emits, not the column type); the write schemas list exactly the properties
``write.validate`` reads, required where it requires them; an object built by ``obj`` from a
sample of a real envelope has exactly that envelope's keys.
"""

from __future__ import annotations

from typing import Any

from coworkbill.auth.tokens import TokenError
from coworkbill.engine import envelopes
from coworkbill.engine.commands import Command, CommandParam, Outcome
from coworkbill.engine.errors import NotFound, Unauthorized, ValidationError
from coworkbill.engine.fields import MAX_DECIMAL, Field, Kind, Req
from coworkbill.engine.resource import Resource

Schema = dict[str, Any]
REF = "#/components/schemas/"
LOCAL_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"
MAX_ID = 2**31 - 1

ANY: Schema = {}
STR_OR_NULL: Schema = {"type": ["string", "null"]}
# Envelope keys whose schema says more than the sample value's type.
_KNOWN: dict[str, Schema] = {
    "RedirectURL": STR_OR_NULL,
    "JavaScript": STR_OR_NULL,
    "UpdatedOn": {"type": ["string", "null"], "format": "date-time"},
    "UpdatedBy": {"type": ["string", "null"], "description": "The caller's email."},
    "CurrentOrderField": {"type": "string", "description": "The field the page is sorted by."},
    "CurrentSortDirection": {"type": "integer", "enum": [1, -1], "description": "1 ascending."},
    "FirstItem": {"type": "integer", "description": "1-based position of the first record."},
    "LastItem": {"type": "integer", "description": "1-based position of the last record."},
}


def ref(name: str) -> Schema:
    return {"$ref": REF + name}


def or_null(schema: Schema) -> Schema:
    out = dict(schema)
    out["type"] = [schema["type"], "null"]
    if "enum" in schema:
        out["enum"] = [*schema["enum"], None]
    return out


def _infer(value: Any) -> Schema:
    kinds = {bool: "boolean", int: "integer", str: "string", list: "array", dict: "object"}
    return {"type": kinds[type(value)]} if type(value) in kinds else ANY


def obj(sample: dict[str, Any], known: dict[str, Schema], description: str = "") -> Schema:
    """An object schema with exactly the keys of ``sample``, every one of them required."""
    props = {k: known.get(k, _KNOWN.get(k, _infer(v))) for k, v in sample.items()}
    out: Schema = {"type": "object", "properties": props, "required": list(sample)}
    if description:
        out["description"] = description
    return out


# ------------------------------------------------------------------------------------- fields
_SPECIAL: dict[Kind, Schema] = {
    Kind.DATETIME: {"type": "string", "format": "date-time"},
    Kind.GUID: {"type": "string", "format": "uuid"},
    Kind.ENUM: {"type": "integer"},
}


def value_schema(f: Field) -> Schema:
    """The wire type of a field's value, without null."""
    if f.names is not None:
        return {"type": "string", "enum": list(f.names.values())}
    if f.local_of is not None:
        return {"type": "string", "pattern": LOCAL_PATTERN}
    schema = dict(_SPECIAL.get(f.kind, {"type": f.kind.value}))  # other kinds are JSON types
    if f.kind is Kind.STR and f.max_length:
        schema["maxLength"] = f.max_length
    if f.choices:
        schema["enum"] = list(f.choices)
    return schema


def field_notes(f: Field) -> list[str]:
    notes = [f.description] if f.description else []
    if f.ref is not None:
        notes.append(f"Id of a {f.ref} record.")
    if f.local_of is not None:
        notes.append(f"`{f.local_of}` in the business's time zone, without an offset.")
    if f.names is not None:
        notes.append(f"One of {', '.join(f.names.values())}; a number without a name as digits.")
    if f.kind is Kind.DECIMAL:
        notes.append("An exact decimal.")
    return notes


def record_property(f: Field) -> Schema:
    # No enum: an unnamed number goes out as its digits, and a stored value may predate a rule.
    schema = value_schema(f)
    schema.pop("enum", None)
    if f.nullable or f.kind is Kind.OBJECT:
        schema = or_null(schema)
    if not f.writable:
        schema["readOnly"] = True
    notes = field_notes(f) + ([f"Valid values: {list(f.choices)}."] if f.choices else [])
    if notes:
        schema["description"] = " ".join(notes)
    return schema


def _write_property(f: Field, need: Req) -> Schema:
    schema = value_schema(f)
    if f.kind in (Kind.INT, Kind.ENUM) and "enum" not in schema:
        schema.update(minimum=-(2**31), maximum=MAX_ID)
    if f.kind is Kind.DECIMAL:
        limit = int(MAX_DECIMAL)
        schema.update(exclusiveMinimum=-limit, exclusiveMaximum=limit)
    notes = field_notes(f)
    if f.kind is Kind.DECIMAL:
        notes.append(f"At most {f.scale} decimal places.")
    if f.kind is Kind.DATETIME:
        notes.append("Any ISO 8601 form; without an offset it is read as UTC.")
    if need is Req.REQ:
        if f.kind is Kind.STR and not f.allow_empty:
            schema["minLength"] = 1
        if f.ref is not None:
            schema["minimum"] = 1
        notes.append("Required.")
    else:
        schema = or_null(schema)
    if notes:
        schema["description"] = " ".join(notes)
    return schema


def write_schema(res: Resource, op: str) -> Schema:
    """The body of a POST (``op="create"``) or of a full-replacement PUT (``op="update"``)."""
    props: dict[str, Schema] = {}
    required: list[str] = []
    if op == "update":
        props["Id"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        required.append("Id")
    for f in res.writable:
        need = f.post if op == "create" else f.put
        if need is Req.NO:
            continue
        props[f.name] = _write_property(f, need)
        if need is Req.REQ:
            required.append(f.name)
    text = (
        "Properties to create the record with; unknown and read-only properties are ignored."
        if op == "create"
        else "The whole record, replaced: an optional property left out is cleared."
    )
    return {"type": "object", "description": text, "properties": props, "required": required}


def list_record_schema(res: Resource) -> Schema | None:
    """List records carry extra keys (``field.list_aliases``); None when the resource has none."""
    extra = {
        alias: record_property(f) | {"description": f"The same value as `{f.name}`."}
        for f in res.fields
        for alias in f.list_aliases
        if alias not in res.by_name
    }
    if not extra:
        return None
    tail = {"type": "object", "properties": extra, "required": list(extra)}
    return {"allOf": [ref(res.name), tail], "description": f"A {res.name} record in a list."}


def resource_schemas(res: Resource) -> dict[str, Schema]:
    """``{Entity}``, ``{Entity}Create``, ``{Entity}Update``, ``{Entity}ListRecord`` (only when
    list records carry extra keys) and ``{Entity}Page``."""
    text = res.description or f"A {res.name} record."
    record = {
        "type": "object",
        "description": f"{text} Every property is always present.",
        "properties": {f.name: record_property(f) for f in res.fields},
        "required": [f.name for f in res.fields],
    }
    out = {res.name: record}
    if res.can_create:
        out[f"{res.name}Create"] = write_schema(res, "create")
    if res.can_update:
        out[f"{res.name}Update"] = write_schema(res, "update")
    listed = list_record_schema(res)
    if listed is not None:
        out[f"{res.name}ListRecord"] = listed
    item = ref(f"{res.name}ListRecord" if listed else res.name)
    sample = envelopes.page([], page=1, size=1, total=0, order_field="Id", direction=1)
    page = {"Records": {"type": "array", "items": item, "description": "This page's records."}}
    out[f"{res.name}Page"] = obj(sample, page, f"One page of {res.name} records.")
    return out


# ----------------------------------------------------------------------------------- shared
async def _never(run: Any) -> Outcome:
    raise NotImplementedError


def shared_schemas() -> dict[str, Schema]:
    """The envelopes every resource shares, each built from a sample of the real thing."""
    invalid = ValidationError.one("Name", "is a required field", None).body()
    null: Schema = {"type": "null"}
    failed: Schema = {"type": "boolean", "enum": [False]}
    command = Command("KEY", "Name", _never, params=(CommandParam("Name", "Type"),)).descriptor()
    problems: Schema = {"type": "array", "items": ref("ValidationError")}
    grants = {
        "type": "string",
        "enum": ["invalid_grant", "invalid_request", "unsupported_grant_type"],
    }
    params = {
        "Icon": STR_OR_NULL,
        "RequiresParameters": {"type": "array", "items": ref("CommandParameter")},
    }
    value: Schema = {
        "description": '`{"Id": n}` after a write; per-record results for several Ids.'
    }
    outcome = {"Value": value, "Errors": problems | {"type": ["array", "null"]}}
    joined: Schema = {"type": "string", "description": "`Property: message`, joined by `; `."}
    bad = {"Status": {"type": "integer", "enum": [400]}, "Message": joined, "Value": null}
    return {
        "ActionResult": obj(
            envelopes.action("", None, None, None), outcome, "What a write or command did."
        ),
        "ValidationError": obj(invalid["Errors"][0], {"AttemptedValue": ANY}),
        "ValidationErrorResult": obj(
            invalid, bad | {"Errors": problems, "WasSuccessful": failed}, "Every problem at once."
        ),
        "ErrorResult": obj(
            NotFound("Entity", 1).body(),
            {"Value": null, "Errors": null, "WasSuccessful": failed},
            "A missing record (404), an unsupported method (405) or a server error (500).",
        ),
        "Unauthorized": obj(Unauthorized().body(), {}),
        "CommandParameter": obj(command["RequiresParameters"][0], {}),
        "Command": obj(command, params, "A command that can run on records of the entity."),
        "TokenError": obj(TokenError("invalid_grant", "text").body(), {"error": grants}),
    }
