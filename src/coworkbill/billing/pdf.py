"""Printable invoices (`COWORKER_INVOICE_PRINT`): pure functions from wire records to bytes.

- `render_invoice`: one CoworkerInvoice record and its CoworkerInvoiceLine records -> a PDF;
  `render_many`: a zip of those, named "<InvoiceNumber or Id>.pdf" (filesystem-safe, unique
  ignoring case). No I/O, no network; same input -> same bytes (creation date from CreatedOn).
- Only the core Helvetica font: cp1252 (its WinAnsi encoding) is kept, anything else is
  transliterated or "?", and over-long text is wrapped/clipped, so no input makes it raise.
- Money never goes through float: amounts keep their own places (at most 12), at least the
  currency's minor unit (EUR 2, JPY 0), with thousands separators; non-numbers print blank.
- Hidden lines are skipped, DisplayAs beats Description, order is Position then Id. Net is the
  sum of SubTotal over all lines given (hidden included, as the invoice totals include them).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from decimal import Decimal
from typing import Any, cast

from fpdf import FPDF
from fpdf.fonts import FontFace

from coworkbill.billing.pdf_text import (
    ENCODING,
    creation_date,
    date_text,
    decimal_or_none,
    line_order,
    minor_unit,
    number_text,
    places_of,
    safe_text,
)

_DESC_WIDTH, _ROW_LINES = 72.0, 25  # fpdf2 refuses a table row taller than a page
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_HEADINGS = ("Description", "Qty", "Unit price", "Tax rate", "Tax", "Amount")
_COL_WIDTHS = (78, 14, 25, 17, 21, 25)
_ALIGN = ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")
_GREY = (110, 110, 110)
_RED = (190, 30, 30)


class _InvoicePdf(FPDF):
    footer_label = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(*_GREY)
        self.cell(0, 5, f"{self.footer_label}  -  page {self.page_no()}/{{nb}}", align="C")


class _Renderer:
    def __init__(self, invoice: dict[str, Any], lines: list[dict[str, Any]]) -> None:
        self.inv, self.all_lines = invoice, lines
        self.currency = self.text("CurrencyCode").upper()[:10]
        self.minor = minor_unit(self.currency)
        self.number = self.text("InvoiceNumber")[:60] or "(draft)"
        self.title = "CREDIT NOTE" if invoice.get("CreditNote") else "INVOICE"
        self.pdf = _InvoicePdf(orientation="P", unit="mm", format="A4")
        self.pdf.core_fonts_encoding = ENCODING

    def text(self, key: str, *, multiline: bool = False) -> str:
        return safe_text(self.inv.get(key), multiline=multiline)

    def wrap(self, width: float, text: str, limit: int | None = None) -> str:
        """Text cut to what `width` shows in `limit` lines of the current font."""
        lines = self.pdf.multi_cell(width, 5, text, dry_run=True, output="LINES")
        # fpdf2 hands the lines back already encoded (cp1252 bytes read as latin-1): undo that.
        kept = "\n".join(cast(list[str], lines)[:limit])
        return kept.encode("latin-1").decode(ENCODING)

    def amount(self, value: Any, *, code: bool = True) -> str:
        number = decimal_or_none(value)
        text = "" if number is None else number_text(number, places_of(number, self.minor))
        return f"{self.currency} {text}".strip() if code and text else text

    def render(self) -> bytes:
        pdf, label = self.pdf, f"{self.title.title()} {self.number}"
        pdf.set_creation_date(creation_date(self.inv))
        pdf.set_producer("coworkbill")
        pdf.set_creator("coworkbill")
        pdf.set_title(label)
        pdf.set_author(self.text("BusinessName")[:200])
        pdf.footer_label = label
        pdf.set_margins(15, 15, 15)
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.add_page()
        self.header()
        self.parties()
        self.table()
        self.totals()
        return bytes(pdf.output())

    def header(self) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", "B", 22)
        pdf.cell(110, 11, self.title)
        if banner := self.banner():
            pdf.set_font("Helvetica", "B", 15)
            pdf.set_text_color(*_RED)
            pdf.set_draw_color(*_RED)
            pdf.cell(0, 11, banner, border=1, align="C")
            pdf.set_text_color(0, 0, 0)
            pdf.set_draw_color(0, 0, 0)
        pdf.ln(13)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(0, 6, self.wrap(180, self.text("BusinessName"), 3))
        pdf.ln(4)

    def banner(self) -> str:
        inv = self.inv
        states = [label for key, label in (("Void", "VOID"), ("Draft", "DRAFT")) if inv.get(key)]
        if inv.get("Refunded"):
            states.append("REFUNDED")
        elif inv.get("Paid") and not inv.get("Void"):
            states.append("PAID")
        return " / ".join(states)

    def parties(self) -> None:
        pdf, top = self.pdf, self.pdf.get_y()
        tax_id = self.text("BillToTaxIDNumber")
        bill_to = [
            self.text("BillToName") or self.text("CoworkerFullName"),
            self.text("BillToAddress", multiline=True),
            f"{self.text('BillToPostCode')} {self.text('BillToCity')}".strip(),
            self.text("BillToState"),
            self.text("BillToCountryName"),
            f"Tax ID: {tax_id}" if tax_id else "",
        ]
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(95, 5, "Bill to", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(95, 5, self.wrap(95, "\n".join(part for part in bill_to if part), 14))
        bottom = pdf.get_y()
        ends = (
            date_text(self.inv.get("InvoiceFromDateLocal")),
            date_text(self.inv.get("InvoiceToDateLocal")),
        )
        details = [
            ("Number", self.number),
            ("Issued", date_text(self.inv.get("CreatedOnLocal"))),
            ("Due", date_text(self.inv.get("DueDateLocal"))),
            ("Period", " to ".join(d for d in ends if d)),
            ("Customer", self.text("CoworkerFullName")),
            ("Purchase order", self.text("PurchaseOrder")),
            ("Currency", self.currency),
        ]
        pdf.set_y(top)
        for label, value in details:
            if value:
                pdf.set_x(115)
                pdf.set_font("Helvetica", "B", 10)
                pdf.cell(30, 5, label)
                pdf.set_font("Helvetica", size=10)
                pdf.multi_cell(50, 5, self.wrap(50, value, 2), align="R", new_x="LMARGIN")
        pdf.set_y(max(bottom, pdf.get_y()) + 8)

    def rows(self, line: dict[str, Any]) -> list[tuple[str, ...]]:
        text = safe_text(line.get("DisplayAs"), multiline=True)
        lines = self.wrap(_DESC_WIDTH, text or safe_text(line.get("Description"), multiline=True))
        wrapped = lines.split("\n")
        chunks = [
            "\n".join(wrapped[i : i + _ROW_LINES]) for i in range(0, len(wrapped), _ROW_LINES)
        ]
        quantity, subtotal = (
            decimal_or_none(line.get("Quantity")),
            decimal_or_none(line.get("SubTotal")),
        )
        unit = ""
        if quantity and subtotal is not None:
            unit = number_text(subtotal / quantity, places_of(subtotal, self.minor))
        rate = decimal_or_none(line.get("TaxRate"))
        first = (
            chunks[0],
            "" if quantity is None else f"{quantity.normalize():f}",
            unit,
            "" if rate is None else f"{rate.normalize():f}%",
            self.amount(line.get("TaxAmount"), code=False),
            self.amount(line.get("SubTotal"), code=False),
        )
        return [first, *((chunk, "", "", "", "", "") for chunk in chunks[1:])]

    def table(self) -> None:
        pdf = self.pdf
        visible = sorted((ln for ln in self.all_lines if not ln.get("IsHidden")), key=line_order)
        pdf.set_font("Helvetica", size=9)
        if not visible:
            pdf.cell(0, 6, "No items.", new_x="LMARGIN", new_y="NEXT")
            return
        with pdf.table(
            col_widths=_COL_WIDTHS,
            text_align=_ALIGN,
            headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
            borders_layout="HORIZONTAL_LINES",
            line_height=5,
            padding=(1, 1),
            repeat_headings=1,
        ) as table:
            table.row(_HEADINGS)
            for line in visible:
                for row in self.rows(line):
                    table.row(row)

    def totals(self) -> None:
        pdf = self.pdf
        subtotals = (decimal_or_none(ln.get("SubTotal")) for ln in self.all_lines)
        net = sum((s for s in subtotals if s is not None), Decimal(0))
        total = decimal_or_none(self.inv.get("TotalAmount")) or Decimal(0)
        paid = decimal_or_none(self.inv.get("PaidAmount")) or Decimal(0)
        tax = decimal_or_none(self.inv.get("TaxAmount")) or Decimal(0)
        rows = [("Net", net, ""), ("Tax", tax, ""), ("Total", total, "B")]
        rows += [("Paid", paid, ""), ("Balance due", total - paid, "B")]
        pdf.ln(5)
        for label, value, style in rows:
            pdf.set_x(115)
            pdf.set_font("Helvetica", style, 10)
            pdf.cell(35, 6, label)
            pdf.cell(45, 6, self.amount(value), align="R", new_x="LMARGIN", new_y="NEXT")
        if reference := self.text("PaymentReference"):
            pdf.ln(6)
            pdf.set_font("Helvetica", size=10)
            pdf.multi_cell(0, 5, self.wrap(180, f"Payment reference: {reference}", 10))


def render_invoice(invoice: dict[str, Any], lines: list[dict[str, Any]]) -> bytes:
    """One invoice (with its line records) as PDF bytes."""
    return _Renderer(invoice, lines).render()


def _file_stem(invoice: dict[str, Any]) -> str:
    raw = safe_text(invoice.get("InvoiceNumber")) or safe_text(invoice.get("Id")) or "invoice"
    ascii_name = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("._")
    return stem[:100] or "invoice"


def file_name(invoice: dict[str, Any]) -> str:
    """The ASCII, filesystem- and header-safe "<InvoiceNumber or Id>.pdf" for one invoice."""
    return f"{_file_stem(invoice)}.pdf"


def render_many(items: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> bytes:
    """Several invoices as a zip of PDFs named "<InvoiceNumber or Id>.pdf", names made unique."""
    buffer = io.BytesIO()
    taken: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for invoice, lines in items:
            stem = _file_stem(invoice)
            name, n = f"{stem}.pdf", 1
            while name.lower() in taken:
                n += 1
                name = f"{stem}-{n}.pdf"
            taken.add(name.lower())
            entry = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, render_invoice(invoice, lines))
    return buffer.getvalue()
