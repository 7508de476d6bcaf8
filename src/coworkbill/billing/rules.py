"""Billing rules the write hooks call; plain functions over a ``WriteCtx``."""

from __future__ import annotations

import logging

from coworkbill.engine.context import WriteCtx

log = logging.getLogger("coworkbill.notifications")


async def prepare_invoice(w: WriteCtx) -> None:
    # An empty number is "none yet": stored as NULL so drafts never collide on uniqueness.
    if w.values.get("invoice_number") == "":
        w.values["invoice_number"] = None


async def notify_history(w: WriteCtx) -> None:
    """Notify=true on create raises a notification event (decisions: a log line, no email)."""
    if w.op == "create" and w.values.get("notify"):
        log.info(
            "notification: invoice %s history entry %s: %s",
            w.values.get("coworker_invoice_id"),
            w.id,
            w.values.get("name"),
        )
