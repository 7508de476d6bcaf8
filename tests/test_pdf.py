"""Printed invoices: real PDFs (read back with pypdf) and zips, from wire records."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal as D
from typing import Any

import pypdf
from hypothesis import given, settings
from hypothesis import strategies as st

from coworkbill.billing.pdf import file_name, render_invoice, render_many
from coworkbill.billing.pdf_text import safe_text

_ALPHABET = st.characters() | st.sampled_from("€—“”ŁëÑ日\n\t W")
_FULLWIDTH = "".join(chr(ord(c) + 0xFEE0) for c in "Fullwidth")


def _invoice(**over: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "Id": 4101,
        "InvoiceNumber": "INV-2024-0042",
        "BusinessName": "Harbour Cowork Ltd",
        "CoworkerFullName": "Ada Lovelace",
        "BillToName": "Analytical Engines plc",
        "BillToAddress": "12 Babbage Street\nSuite 3",
        "BillToCity": "London",
        "BillToPostCode": "EC1A 1BB",
        "BillToState": None,
        "BillToCountryName": "United Kingdom",
        "BillToTaxIDNumber": "GB123456789",
        "PurchaseOrder": "PO-77",
        "CurrencyCode": "EUR",
        "CreatedOn": "2024-03-01T09:00:00",
        "CreatedOnLocal": "2024-03-01T10:00:00",
        "DueDateLocal": "2024-03-15T00:00:00",
        "InvoiceFromDateLocal": "2024-03-01T00:00:00",
        "InvoiceToDateLocal": "2024-03-31T00:00:00",
        "TaxAmount": D("240.00"),
        "TotalAmount": D("1440.00"),
        "PaidAmount": D("100.00"),
        "Paid": False,
        "Void": False,
        "Draft": False,
        "CreditNote": False,
        "Refunded": False,
        "PaymentReference": "PAY-REF-991",
    }
    record.update(over)
    return record


def _line(ident: int, description: str, **over: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "Id": ident,
        "Description": description,
        "DisplayAs": None,
        "Quantity": 1,
        "SubTotal": D("100.00"),
        "TaxRate": D("20"),
        "TaxAmount": D("20.00"),
        "Position": ident,
        "IsHidden": False,
    }
    record.update(over)
    return record


def _lines() -> list[dict[str, Any]]:
    return [
        _line(1, "Dedicated desk March", Quantity=2, SubTotal=D("900.00"), TaxAmount=D("180.00")),
        _line(2, "Internal plan code 77", DisplayAs="Meeting room hours", SubTotal=D("300.00")),
        _line(3, "Grouped system line", IsHidden=True, SubTotal=D("0.00"), TaxAmount=D("0")),
    ]


def _read(data: bytes) -> tuple[int, str]:
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_invoice_pdf_contains_the_invoice() -> None:
    pages, text = _read(render_invoice(_invoice(), _lines()))
    assert pages == 1
    for expected in (
        "INVOICE",
        "Harbour Cowork Ltd",
        "INV-2024-0042",
        "Ada Lovelace",
        "Analytical Engines plc",
        "12 Babbage Street",
        "EC1A 1BB London",
        "GB123456789",
        "PO-77",
        "2024-03-01",
        "2024-03-15",
        "2024-03-01 to 2024-03-31",
        "Dedicated desk March",
        "Meeting room hours",
        "450.00",  # unit price = 900.00 / 2
        "20%",
        "EUR 1,200.00",  # net
        "EUR 240.00",
        "EUR 1,440.00",
        "EUR 100.00",
        "EUR 1,340.00",  # balance due
        "PAY-REF-991",
    ):
        assert expected in text, expected
    assert "Internal plan code 77" not in text  # DisplayAs wins over Description
    assert "Grouped system line" not in text
    for banner in ("DRAFT", "VOID", "PAID", "CREDIT NOTE"):
        assert banner not in text


def test_lines_are_ordered_by_position_then_id() -> None:
    lines = [
        _line(9, "Third by position", Position=3),
        _line(5, "Second same position higher id", Position=1),
        _line(4, "First same position lower id", Position=1),
    ]
    _, text = _read(render_invoice(_invoice(), lines))
    first = text.index("First same position lower id")
    second = text.index("Second same position higher id")
    assert first < second < text.index("Third by position")


def test_two_hundred_lines_span_several_pages_and_all_are_printed() -> None:
    lines = [_line(i, f"Booking item {i:03d}", Position=i) for i in range(1, 201)]
    total = _invoice(TotalAmount=D("24000.00"), TaxAmount=D("4000.00"), PaidAmount=None)
    pages, text = _read(render_invoice(total, lines))
    assert pages >= 3
    for i in range(1, 201):
        assert f"Booking item {i:03d}" in text
    assert text.count("Unit price") >= pages  # headings repeat on every page of the table
    assert f"page {pages}/{pages}" in text
    assert "EUR 20,000.00" in text
    assert "EUR 24,000.00" in text


def test_non_latin1_text_never_raises() -> None:
    invoice = _invoice(
        BusinessName="日本 Coworking €",
        CoworkerFullName="Zoë Ñúñez",
        BillToName="Łódź Spółka — “Quoted” 🚀",
        BillToAddress=_FULLWIDTH + " 1\x00\tStraße\u200b",
        BillToCity="Москва",
        CurrencyCode="JPY",
        TotalAmount=D("12000"),
        TaxAmount=D("0"),
        PaidAmount=D("0"),
    )
    lines = [_line(1, "Café e\u0301 naïve ﬁx — 日本", SubTotal=D("12000"), TaxAmount=D("0"))]
    _, text = _read(render_invoice(invoice, lines))
    assert "Zoë Ñúñez" in text
    assert "Lódz Spólka — “Quoted” ?" in text  # cp1252 letters and punctuation kept
    assert "€" in text
    assert "Fullwidth 1" in text
    assert "Straße" in text
    assert "Café é naïve fix" in text
    assert "JPY 12,000" in text
    assert "12,000.00" not in text  # yen has no minor unit


def test_safe_text_transliterates_to_the_core_font_encoding() -> None:
    assert safe_text("Zoë Ñúñez") == "Zoë Ñúñez"
    assert safe_text("日本") == "??"
    assert safe_text("Łukasz\u2212Ørsted") == "Lukasz-Ørsted"
    assert safe_text(" a\x07b\nc ") == "a b c"
    assert safe_text("line 1\n\n  line 2 ", multiline=True) == "line 1\nline 2"
    assert safe_text(None) == ""


@settings(max_examples=30, deadline=None)
@given(name=st.text(_ALPHABET, max_size=40), description=st.text(_ALPHABET, max_size=300))
def test_any_text_renders(name: str, description: str) -> None:
    invoice = _invoice(CoworkerFullName=name, BillToName=name, InvoiceNumber=name)
    pages, _ = _read(render_invoice(invoice, [_line(1, description, DisplayAs=name or None)]))
    assert pages >= 1


def test_banners() -> None:
    _, credit = _read(render_invoice(_invoice(CreditNote=True, TotalAmount=D("-50.00")), []))
    assert "CREDIT NOTE" in credit
    assert "EUR -50.00" in credit
    assert "No items." in credit
    _, void = _read(render_invoice(_invoice(Void=True, Paid=True), _lines()))
    assert "VOID" in void
    assert "PAID" not in void
    _, draft = _read(render_invoice(_invoice(Draft=True, InvoiceNumber=None), _lines()))
    assert "DRAFT" in draft
    assert "(draft)" in draft
    _, paid = _read(render_invoice(_invoice(Paid=True, PaidAmount=D("1440.00")), _lines()))
    assert "PAID" in paid
    assert "EUR 0.00" in paid  # nothing left to pay


def test_money_keeps_its_places_and_never_uses_float() -> None:
    invoice = _invoice(TotalAmount=D("1234567.125"), TaxAmount=5, PaidAmount="0.5")
    lines = [
        _line(1, "Three-place line", Quantity=3, SubTotal=D("10.005"), TaxRate=D("7.50")),
        _line(2, "Free line", Quantity=0, SubTotal=D("0"), TaxRate=None, TaxAmount=None),
    ]
    _, text = _read(render_invoice(invoice, lines))
    assert "EUR 1,234,567.125" in text
    assert "EUR 5.00" in text
    assert "EUR 0.50" in text
    assert "EUR 1,234,566.625" in text
    assert "3.335" in text  # unit price at the line's own precision
    assert "7.5%" in text


def test_oversized_and_malformed_input_still_renders() -> None:
    many = "\n".join(f"detail row {i:03d}" for i in range(1, 121))
    invoice = _invoice(
        InvoiceNumber="N" * 300,
        BusinessName="B" * 900,
        BillToAddress="street\n" * 400,
        PurchaseOrder="P" * 500,
        PaymentReference="R" * 3000,
        TotalAmount=D("1E+60"),
        TaxAmount=D("NaN"),
        PaidAmount="not money",
        CreatedOn="not a date",
        CurrencyCode="ZZZ",
    )
    lines = [
        _line(1, "W" * 2000),
        _line(2, many, SubTotal=D("123456789.123456789012345"), Quantity=D("0.0001")),
        _line(3, "Odd types", Position="x", Id=None, Quantity="abc", SubTotal=float("nan")),
    ]
    pages, text = _read(render_invoice(invoice, lines))
    assert pages >= 3
    for i in (1, 60, 120):
        assert f"detail row {i:03d}" in text  # a description taller than a page continues
    assert "Odd types" in text
    assert "ZZZ 123,456,889.123456789012" in text  # net; places capped at 12
    assert render_invoice(invoice, lines) == render_invoice(invoice, lines)


def test_sparse_record_renders() -> None:
    pages, text = _read(render_invoice({"Id": 7}, [{"Description": "Only a description"}]))
    assert pages == 1
    assert "(draft)" in text
    assert "Only a description" in text


def test_same_input_gives_identical_bytes() -> None:
    first = render_invoice(_invoice(), _lines())
    assert first == render_invoice(_invoice(), _lines())
    assert first != render_invoice(_invoice(TotalAmount=D("1440.01")), _lines())
    items = [(_invoice(), _lines()), (_invoice(Id=4102, InvoiceNumber="INV-2"), [])]
    assert render_many(items) == render_many(items)


def test_render_many_zips_one_pdf_per_invoice_with_unique_names() -> None:
    items = [
        (_invoice(), _lines()),
        (_invoice(Id=4102), [_line(1, "Duplicate number one")]),
        (_invoice(Id=4103, InvoiceNumber="inv-2024-0042"), []),
        (_invoice(Id=4104, InvoiceNumber=None, Draft=True), []),
        (_invoice(Id=4105, InvoiceNumber="A/B 日本"), []),
    ]
    with zipfile.ZipFile(io.BytesIO(render_many(items))) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names == [
            "INV-2024-0042.pdf",
            "INV-2024-0042-2.pdf",
            "inv-2024-0042-3.pdf",
            "4104.pdf",
            "A_B.pdf",
        ]
        texts = [_read(archive.read(name))[1] for name in names]
    assert "Dedicated desk March" in texts[0]
    assert "Duplicate number one" in texts[1]
    assert "DRAFT" in texts[3]


def test_render_many_of_nothing_is_an_empty_zip() -> None:
    with zipfile.ZipFile(io.BytesIO(render_many([]))) as archive:
        assert archive.namelist() == []


def test_file_name_is_ascii_and_safe() -> None:
    assert file_name(_invoice()) == "INV-2024-0042.pdf"
    assert file_name(_invoice(InvoiceNumber='../"x" 日本\r\n')) == "x.pdf"
    assert file_name(_invoice(InvoiceNumber=None)) == "4101.pdf"
    assert file_name({}) == "invoice.pdf"
