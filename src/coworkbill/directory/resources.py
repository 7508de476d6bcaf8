"""Reference entities (spec section 5): Country, Currency, Business, Coworker."""

from __future__ import annotations

from coworkbill.directory import rules
from coworkbill.directory.tables import businesses, countries, coworkers, currencies
from coworkbill.engine.declare import den, own, ro
from coworkbill.engine.fields import Match
from coworkbill.engine.fields import Req as R
from coworkbill.engine.resource import Hooks, Join, Resource

PAYMENT_PROVIDERS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 94, 95, 96, 97, 98, 99)

c = countries.c
country = Resource(
    name="Country",
    group="sys",
    plural="countries",
    table=countries,
    fields=[
        ro(c.name, "Name"),
        ro(c.two_digits_code, "TwoDigitsCode", match=Match.EXACT),
        ro(c.culture, "Culture", match=Match.EXACT),
    ],
    default_order="Name",
    label="Name",
    can_create=False,
    can_update=False,
    can_delete=False,
    description="ISO 3166 countries (read-only reference data).",
)

c = currencies.c
currency = Resource(
    name="Currency",
    group="sys",
    plural="currencies",
    table=currencies,
    fields=[
        ro(c.name, "Name"),
        ro(c.code, "Code", match=Match.EXACT),
        ro(c.format, "Format", match=Match.EXACT),
        ro(c.decimal_places, "DecimalPlaces", description="ISO 4217 minor unit."),
    ],
    default_order="Name",
    label="Code",
    can_create=False,
    can_update=False,
    can_delete=False,
    description="ISO 4217 currencies (read-only reference data).",
)

c = businesses.c
b_country = countries.alias("b_country")
b_currency = currencies.alias("b_currency")
b_tx_currency = currencies.alias("b_tx_currency")
business = Resource(
    name="Business",
    group="sys",
    plural="businesses",
    table=businesses,
    joins=[
        Join(b_country, c.country_id == b_country.c.id),
        Join(b_currency, c.currency_id == b_currency.c.id),
        Join(b_tx_currency, c.transaction_currency_id == b_tx_currency.c.id),
    ],
    fields=[
        own(c.name, "Name", post=R.REQ, put=R.REQ),
        own(c.country_id, "CountryId", post=R.REQ, put=R.REQ, ref="Country"),
        den(b_country.c.name, "CountryName", "Country_Name"),
        own(c.currency_id, "CurrencyId", post=R.REQ, put=R.REQ, ref="Currency"),
        den(b_currency.c.code, "CurrencyCode", "Currency_Code"),
        own(c.simple_time_zone_id, "SimpleTimeZoneId", post=R.REQ, put=R.REQ, match=Match.EXACT),
        own(c.email, "Email"),
        own(c.address, "Address"),
        own(c.tax_id_number, "TaxIDNumber", match=Match.EXACT),
        own(c.exchange_rate, "ExchangeRate", description="Setting Payments.ExchangeRate."),
        own(c.transaction_currency_id, "TransactionCurrencyId", ref="Currency"),
        den(b_tx_currency.c.code, "TransactionCurrencyCode", "TransactionCurrency_Code"),
        own(c.invoice_number_prefix, "InvoiceNumberPrefix", match=Match.EXACT),
        own(c.invoice_number_padding, "InvoiceNumberPadding"),
        ro(c.next_invoice_number, "NextInvoiceNumber"),
    ],
    business=c.id,
    timezone=c.simple_time_zone_id,
    label="Name",
    can_delete=False,
    hooks=Hooks(prepare=rules.prepare_business),
    description="A location: owns and issues invoices; its zone drives every *Local field.",
)

c = coworkers.c
cw_business = businesses.alias("cw_business")
coworker = Resource(
    name="Coworker",
    group="spaces",
    plural="coworkers",
    table=coworkers,
    joins=[Join(cw_business, c.invoicing_business_id == cw_business.c.id)],
    fields=[
        own(c.full_name, "FullName", post=R.REQ, put=R.REQ),
        own(c.email, "Email", post=R.REQ, put=R.REQ),
        own(c.country_id, "CountryId", post=R.REQ, put=R.REQ, ref="Country"),
        own(c.simple_time_zone_id, "SimpleTimeZoneId", post=R.REQ, put=R.REQ, match=Match.EXACT),
        own(c.invoicing_business_id, "InvoicingBusinessId", ref="Business"),
        den(cw_business.c.name, "InvoicingBusinessName", "InvoicingBusiness_Name"),
        own(c.coworker_type, "CoworkerType", choices=(1, 2)),
        own(c.company_name, "CompanyName"),
        own(c.team_names, "TeamNames"),
        own(c.billing_email, "BillingEmail"),
        own(c.billing_name, "BillingName"),
        own(c.billing_address, "BillingAddress"),
        own(c.billing_city_name, "BillingCityName"),
        own(c.billing_post_code, "BillingPostCode", match=Match.EXACT),
        own(c.billing_state, "BillingState"),
        own(c.billing_country_id, "BillingCountryId", ref="Country"),
        own(c.tax_id_number, "TaxIDNumber", match=Match.EXACT),
        own(c.bank_account, "BankAccount", match=Match.EXACT),
        own(c.regular_payment_provider, "RegularPaymentProvider", choices=PAYMENT_PROVIDERS),
        own(c.regular_payment_contract_number, "RegularPaymentContractNumber", match=Match.EXACT),
        own(c.card_number, "CardNumber", match=Match.EXACT),
        own(c.go_cardless_contract_number, "GoCardlessContractNumber", match=Match.EXACT),
        own(c.enable_go_cardless_payments, "EnableGoCardlessPayments"),
        own(c.notify_on_new_invoice, "NotifyOnNewInvoice"),
        own(c.notify_on_new_payment, "NotifyOnNewPayment"),
        own(c.notify_on_failed_payment, "NotifyOnFailedPayment"),
        own(c.do_not_process_invoices_automatically, "DoNotProcessInvoicesAutomatically"),
    ],
    business=c.invoicing_business_id,
    timezone=cw_business.c.simple_time_zone_id,
    label="FullName",
    hooks=Hooks(prepare=rules.prepare_coworker, before_delete=rules.before_coworker_delete),
    description="A customer (member or company) that invoices bill.",
)

RESOURCES = [country, currency, business, coworker]
