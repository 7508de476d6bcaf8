"""A search statement is built once per filter shape and reused with other values (over HTTP).

Requests of one shape (same filters, order and direction) in a row, with other values, pages and
sizes, each get exactly their own page and total: a reused statement never answers with the
values of the request that built it.
"""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.support import Api, World, unique

INV = "/api/billing/coworkerinvoices"
HIS = "/api/billing/coworkerinvoicehistories"


def _ids(api: Api, path: str, params: dict[str, str]) -> tuple[list[int], int]:
    r = api.get(path, params)
    assert r.status_code == 200, r.text
    body = r.json()
    return [int(rec["Id"]) for rec in body["Records"]], int(body["TotalItems"])


def test_same_shape_other_values_pages_and_sizes(client: TestClient, world: World) -> None:
    api = Api(client, world.admin_auth, world)
    tag = unique("reuse")
    made: dict[int, list[int]] = {}  # business -> its invoice ids, ascending
    for n in (3, 5, 7):
        biz = api.business()
        cw = api.coworker(biz, FullName=f"{tag} customer{n}")
        made[biz] = [api.invoice(biz, cw, BillToName=f"{tag} bill{n}") for _ in range(n)]
    for biz, ids in list(made.items()) * 2:  # twice: the second round reuses every statement
        for page, size in ((1, 2), (2, 2), (1, 100), (3, 3)):
            params = {"CoworkerInvoice_Business": str(biz), "orderBy": "Id"}
            got, total = _ids(api, INV, {**params, "page": str(page), "size": str(size)})
            assert total == len(ids)
            assert got == ids[(page - 1) * size : page * size]
            desc, _ = _ids(api, INV, {**params, "dir": "descending", "size": str(size)})
            assert desc == sorted(ids, reverse=True)[:size]
    # A filter through related records, by text: each name finds its own customer's invoices.
    for ids in made.values():
        name = f"{tag} customer{len(ids)}"
        got, total = _ids(api, INV, {"CoworkerInvoice_Coworker_FullName": name, "orderBy": "Id"})
        assert (got, total) == (ids, len(ids))
        for inv in ids[:2]:
            api.history(inv, Name=f"{tag} note")
        key = "CoworkerInvoiceHistory_CoworkerInvoice_Coworker_FullName"
        got, total = _ids(api, HIS, {key: name})
        assert total >= 2 and len(got) == total  # any entries the invoices logged, the notes
        owners = {api.get(f"{HIS}/{e}").json()["CoworkerInvoiceId"] for e in got}
        assert owners <= set(ids) and set(ids[:2]) <= owners
