"""Commands: ``GET …/commands[?id=]`` and ``POST …/runcommand`` for any resource.

Guarantees: each Id runs in its own transaction (one refusal never undoes another record's
success); a refused or failing command answers 200 with ``WasSuccessful: false`` and the reason;
``?id=`` lists only the commands that can run on that record now.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from coworkbill.engine import envelopes
from coworkbill.engine.context import Ctx
from coworkbill.engine.errors import FieldProblem, NotFound, Refused, ValidationError
from coworkbill.engine.resource import Resource
from coworkbill.engine.write import load_current


@dataclass(frozen=True)
class CommandParam:
    name: str
    type: str


@dataclass
class CommandRun:
    ctx: Ctx
    conn: Any
    resource: Resource
    id: int
    record: dict[str, Any]  # the stored row, column key -> value
    params: dict[str, Any]  # parameter name -> value, as sent
    ids: list[int] = field(default_factory=list)  # every Id, for commands that run once


@dataclass
class Outcome:
    message: str
    value: Any = None
    redirect_url: str | None = None


@dataclass(frozen=True)
class Command:
    key: str
    name: str
    run: Callable[[CommandRun], Awaitable[Outcome]]
    # Why it cannot run on this stored record now (None: it can); may read in the transaction.
    check: Callable[[Any, dict[str, Any]], Awaitable[str | None]] | None = None
    params: tuple[CommandParam, ...] = ()
    order: int = 0
    applies_only_to_one: bool = False
    applies_only_to_multiple: bool = False
    needs_entities: bool = True
    display_in_grid: bool = False
    icon: str | None = None
    listed: bool = True
    once: bool = False  # run a single time over all Ids (e.g. one zip of several PDFs)

    def descriptor(self) -> dict[str, Any]:
        return {
            "Key": self.key,
            "Name": self.name,
            "AppliesOnlyToMultipleEntities": self.applies_only_to_multiple,
            "DisplayInDropdown": True,
            "DisplayInDropdownV2": True,
            "AppliesOnlyToOneEntity": self.applies_only_to_one,
            "AppliesOnlyToTwoEntities": False,
            "DisplayInGrid": self.display_in_grid,
            "NeedsEntitiesToRun": self.needs_entities,
            "Order": self.order,
            "RequiresParameters": [{"Name": p.name, "Type": p.type} for p in self.params],
            "Icon": self.icon,
        }


async def list_commands(ctx: Ctx, res: Resource, ident: int | None) -> list[dict[str, Any]]:
    cmds = [c for c in res.commands if c.listed]
    if ident is not None:
        record = await load_current(ctx, ctx.db, res, ident)
        cmds = [c for c in cmds if c.check is None or await c.check(ctx.db, record) is None]
    return [c.descriptor() for c in sorted(cmds, key=lambda c: c.order)]


def _parse_body(res: Resource, body: Any) -> tuple[Command, list[int], dict[str, Any]]:
    if not isinstance(body, dict):
        raise ValidationError.one("Body", "must be a JSON object")
    lowered = {k.lower(): v for k, v in body.items()}
    problems: list[FieldProblem] = []
    key = lowered.get("key")
    command = next((c for c in res.commands if isinstance(key, str) and c.key == key), None)
    if key is None or key == "":
        problems.append(FieldProblem("Key", key, "is a required field"))
    elif command is None:
        problems.append(FieldProblem("Key", key, "is not a valid value"))
    ids = lowered.get("ids")
    if ids is None:
        ids = []
    if not isinstance(ids, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in ids
    ):
        problems.append(FieldProblem("Ids", ids, "is not a valid list of ids"))
        ids = []
    elif command is not None:
        if command.needs_entities and not ids:
            problems.append(FieldProblem("Ids", ids, "is a required field"))
        elif command.applies_only_to_one and len(ids) > 1:
            problems.append(FieldProblem("Ids", ids, "this command runs on one record at a time"))
    params: dict[str, Any] = {}
    raw_params = lowered.get("parameters") or []
    if not isinstance(raw_params, list):
        problems.append(FieldProblem("Parameters", raw_params, "is not a valid list"))
    else:
        for p in raw_params:
            if isinstance(p, dict):
                low = {k.lower(): v for k, v in p.items()}
                name = low.get("name") if low.get("name") is not None else low.get("type")
                params[str(name)] = low.get("value")
    if problems:
        raise ValidationError(problems)
    assert command is not None
    return command, list(dict.fromkeys(ids)), params


async def _run_one(
    ctx: Ctx, res: Resource, cmd: Command, ident: int, params: dict[str, Any]
) -> Outcome:
    async with ctx.db.transaction() as conn:
        # Locked before the check: two concurrent runs (two voids, two refunds) must not both
        # pass it on the same unchanged row.
        record = await load_current(ctx, conn, res, ident, lock=True)
        reason = await cmd.check(conn, record) if cmd.check is not None else None
        if reason is not None:
            raise Refused(reason)
        return await cmd.run(CommandRun(ctx, conn, res, ident, record, params))


async def _run_once(
    ctx: Ctx, res: Resource, cmd: Command, ids: list[int], params: dict[str, Any]
) -> dict[str, Any]:
    try:
        async with ctx.db.transaction() as conn:
            first: dict[str, Any] = {}
            for ident in ids:
                record = await load_current(ctx, conn, res, ident)
                first = first or record
            out = await cmd.run(CommandRun(ctx, conn, res, ids[0], first, params, ids))
    except (Refused, NotFound) as err:
        return envelopes.action(err.message, None, ctx.now, ctx.principal.email, successful=False)
    return envelopes.action(
        out.message, out.value, ctx.now, ctx.principal.email, redirect_url=out.redirect_url
    )


async def run_command(ctx: Ctx, res: Resource, body: Any) -> dict[str, Any]:
    cmd, ids, params = _parse_body(res, body)
    if cmd.once:
        return await _run_once(ctx, res, cmd, ids, params)
    results: list[dict[str, Any]] = []
    last: Outcome | None = None
    for ident in ids:
        try:
            last = await _run_one(ctx, res, cmd, ident, params)
            results.append(
                {"Id": ident, "WasSuccessful": True, "Message": last.message, "Value": last.value}
            )
        except Refused as r:
            results.append(
                {"Id": ident, "WasSuccessful": False, "Message": r.message, "Value": None}
            )
        except NotFound as nf:
            results.append(
                {"Id": ident, "WasSuccessful": False, "Message": nf.message, "Value": None}
            )
        except ValidationError as ve:
            results.append({"Id": ident, "WasSuccessful": False, "Message": str(ve), "Value": None})
    ok = all(r["WasSuccessful"] for r in results)
    by = ctx.principal.email
    if len(results) == 1:
        only = results[0]
        value = only["Value"] if only["Value"] is not None else ({"Id": only["Id"]} if ok else None)
        return envelopes.action(
            only["Message"],
            value,
            ctx.now,
            by,
            successful=ok,
            redirect_url=last.redirect_url if ok and last is not None else None,
        )
    done = sum(1 for r in results if r["WasSuccessful"])
    message = f"The command ran on {done} of {len(results)} records."
    redirect = last.redirect_url if last is not None and len(results) == 1 else None
    return envelopes.action(message, results, ctx.now, by, successful=ok, redirect_url=redirect)
