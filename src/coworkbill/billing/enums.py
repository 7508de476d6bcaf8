"""Nexudus enumerations the billing entities use (values and names exactly as documented)."""

from __future__ import annotations

CREDIT_NOTE_PROVIDER = 94  # the payment provider of the entries a credit note settles with

PAYMENT_PROVIDER_NAMES = {
    0: "None",
    1: "MultiGateway",
    2: "Stripe",
    3: "Forte",
    4: "AuthorizeNetSubscription",
    5: "PaypalStandardSubscription",
    6: "PayPalAdaptive",
    7: "EPay",
    8: "Braintree",
    9: "EziDebit",
    10: "LiqPay",
    11: "StripeACH",
    12: "GoCardless",
    13: "StripeBACS",
    94: "CreditNote",
    95: "GiftCard",
    96: "BankTransfer",
    97: "Cash",
    98: "Check",
    99: "Other",
}

STORECOVE_STATUS = {
    1: "None",
    2: "TransferFailed",
    3: "Processing",
    4: "ProcessingFailed",
    5: "Processed",
}
