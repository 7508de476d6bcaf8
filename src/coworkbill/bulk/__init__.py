"""The scale data set: ``coworkbill demo --invoices N`` tops the database up to N invoices in
several locations (currencies, zones, tax rates), with lines, history and payments, written in
bulk (COPY on PostgreSQL) instead of through the API.

``data`` holds the fixed ingredients, ``generate`` and ``flows`` make rows (pure), ``loader``
(``load``) and ``writers`` (with ``pgschema``) put them into the database.
"""

from coworkbill.bulk.loader import load

__all__ = ["load"]
