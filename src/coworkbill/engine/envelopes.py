"""The Nexudus response envelopes, key for key as the seed pages show them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from coworkbill import timeutil


def action(
    message: str,
    value: Any,
    updated_on: datetime | None,
    updated_by: str | None,
    *,
    successful: bool = True,
    redirect_url: str | None = None,
    status: int = 200,
    errors: Any = None,
) -> dict[str, Any]:
    return {
        "Status": status,
        "Message": message,
        "Value": value,
        "OpenInDialog": False,
        "OpenInWindow": False,
        "RedirectURL": redirect_url,
        "JavaScript": None,
        "UpdatedOn": timeutil.fmt_utc(updated_on),
        "UpdatedBy": updated_by,
        "Errors": errors,
        "WasSuccessful": successful,
    }


def page(
    records: list[dict[str, Any]],
    *,
    page: int,
    size: int,
    total: int,
    order_field: str,
    direction: int,
) -> dict[str, Any]:
    offset = (page - 1) * size
    pages = (total + size - 1) // size
    return {
        "Records": records,
        "CurrentPageSize": size,
        "CurrentPage": page,
        "CurrentOrderField": order_field,
        "CurrentSortDirection": direction,
        "FirstItem": offset + 1 if records else 0,
        "HasNextPage": page < pages,
        "HasPreviousPage": page > 1,
        "LastItem": offset + len(records) if records else 0,
        "PageNumber": page,
        "PageSize": size,
        "TotalItems": total,
        "TotalPages": pages,
    }
