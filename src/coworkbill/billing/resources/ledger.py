"""CoworkerLedgerEntry: the payments and charges an invoice's paid state is computed from."""

from __future__ import annotations

from coworkbill.billing import ledger_rules
from coworkbill.billing.tables import (
    coworker_invoices,
    coworker_ledger_entries,
)
from coworkbill.directory.tables import businesses, coworkers
from coworkbill.engine.declare import den, own
from coworkbill.engine.fields import Kind, Match
from coworkbill.engine.fields import Req as R
from coworkbill.engine.resource import Hooks, Join, Resource

X = Match.EXACT

le = coworker_ledger_entries.c
e_biz = businesses.alias("e_biz")
e_cw = coworkers.alias("e_cw")
e_inv = coworker_invoices.alias("e_inv")
ledger = Resource(
    name="CoworkerLedgerEntry",
    group="billing",
    plural="coworkerledgerentries",
    table=coworker_ledger_entries,
    joins=[
        Join(e_biz, le.business_id == e_biz.c.id),
        Join(e_cw, le.coworker_id == e_cw.c.id),
        Join(e_inv, le.coworker_invoice_id == e_inv.c.id),
    ],
    fields=[
        own(le.business_id, "BusinessId", post=R.REQ, put=R.REQ, ref="Business"),
        den(e_biz.c.name, "BusinessName", "Business_Name"),
        own(le.coworker_id, "CoworkerId", post=R.REQ, put=R.REQ, ref="Coworker"),
        den(e_cw.c.full_name, "CoworkerFullName", "Coworker_FullName"),
        own(le.coworker_invoice_id, "CoworkerInvoiceId", ref="CoworkerInvoice", indexed=True),
        den(
            e_inv.c.invoice_number,
            "CoworkerInvoiceInvoiceNumber",
            "CoworkerInvoice_InvoiceNumber",
            match=X,
        ),
        own(le.credit, "Credit", description="A credit linked to an invoice is a payment."),
        own(le.debit, "Debit"),
        own(le.transaction_date, "TransactionDate", description="Defaults to now."),
        own(le.description, "Description"),
        own(le.code, "Code", match=X),
        own(le.payment_provider, "PaymentProvider", kind=Kind.ENUM, ranged=False),
    ],
    default_order="TransactionDate",
    business=le.business_id,
    timezone=e_biz.c.simple_time_zone_id,
    label="Description",
    hooks=Hooks(
        prepare=ledger_rules.prepare_ledger,
        after_write=ledger_rules.after_ledger_write,
        before_delete=ledger_rules.before_ledger_delete,
        after_delete=ledger_rules.after_ledger_delete,
    ),
    description="A customer ledger entry; credits linked to an invoice are its payments.",
)
