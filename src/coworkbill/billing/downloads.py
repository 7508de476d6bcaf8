"""Short-lived download links for printed invoices (``COWORKER_INVOICE_PRINT``'s RedirectURL).

Guarantees: a link is ``/downloads/<id>.<secret>`` on the bare host (not under /api), valid for
ten minutes, stored only as a digest; the PDF (one invoice) or zip (several) is rendered from
the invoices' state at download time; an unknown, tampered or expired link is a 404.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from starlette.requests import Request
from starlette.responses import Response

from coworkbill import timeutil
from coworkbill.auth.tokens import digest, split_token
from coworkbill.billing import pdf
from coworkbill.billing.tables import coworker_invoice_lines, downloads
from coworkbill.db.database import Executor
from coworkbill.engine.context import SYSTEM, Ctx
from coworkbill.engine.records import records_where
from coworkbill.engine.routes import json_response

LIFETIME = timedelta(minutes=10)


async def create(conn: Executor, invoice_ids: list[int], by: str, now: datetime) -> str:
    secret = secrets.token_urlsafe(24)
    ident = await conn.fetchval(
        sa.insert(downloads)
        .values(
            secret_hash=digest(secret),
            invoice_ids=json.dumps(invoice_ids),
            created_by=by,
            created_on=now,
            expires_on=now + LIFETIME,
        )
        .returning(downloads.c.id)
    )
    return f"/downloads/{ident}.{secret}"


async def download(request: Request) -> Response:
    state = request.app.state
    parts = split_token(request.path_params["token"].removesuffix(".pdf").removesuffix(".zip"))
    now = timeutil.now_utc()
    row = None
    if parts is not None:
        row = await state.db.fetchrow(
            sa.select(
                downloads.c.secret_hash, downloads.c.invoice_ids, downloads.c.expires_on
            ).where(downloads.c.id == parts[0])
        )
    if row is None or parts is None or row[0] != digest(parts[1]) or row[2] <= now:
        return json_response({"Status": 404, "Message": "This download link has expired."}, 404)
    ids = json.loads(row[1])
    ctx = Ctx(state.db, state.registry, SYSTEM, now)
    inv_res, line_res = state.registry["CoworkerInvoice"], state.registry["CoworkerInvoiceLine"]
    items = []
    for invoice in await records_where(state.db, inv_res, inv_res.id_col.in_(ids)):
        lines = await records_where(
            ctx.db,
            line_res,
            coworker_invoice_lines.c.coworker_invoice_id == invoice["Id"],
            (coworker_invoice_lines.c.position,),
        )
        items.append((invoice, lines))
    if not items:
        return json_response({"Status": 404, "Message": "The invoices no longer exist."}, 404)
    if len(items) == 1:
        name = pdf.file_name(items[0][0])
        body, media = pdf.render_invoice(*items[0]), "application/pdf"
    else:
        name, body, media = "invoices.zip", pdf.render_many(items), "application/zip"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(body, 200, headers, media_type=media)
