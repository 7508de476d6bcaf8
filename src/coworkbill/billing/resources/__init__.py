"""Declarations of the billing entities (spec sections 2-4), one module each. The engine
derives every route, filter and envelope from these."""

from __future__ import annotations

from coworkbill.billing.resources.history import history
from coworkbill.billing.resources.invoice import invoice
from coworkbill.billing.resources.ledger import ledger
from coworkbill.billing.resources.line import line

RESOURCES = [invoice, line, history, ledger]
