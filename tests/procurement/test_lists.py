"""Lists: paginated, filtered and ordered, a constant number of queries whatever the page size,
and the same answer with or without a trailing slash (never a redirect)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from procure_core import scopes
from procurement.models import Order, PurchaseRequest

ALL_SCOPES = sorted(scopes.ALL - {scopes.ADMIN})


@pytest.fixture
def client(credential_client):
    return credential_client("jwt", ALL_SCOPES)


@pytest.fixture
def many(make_supplier, make_purchase_request, make_order, make_contract):
    """25 of everything, with relations, so a page of 20 and a page of 1 differ in rows."""
    suppliers = [make_supplier(name=f"Supplier {i:02}") for i in range(5)]
    for i in range(25):
        order = make_order(supplier=suppliers[i % 5], lines=[("A", "1", "10.00"), ("B", "2", "5.00")],
                           status=("open", "sent", "received")[i % 3])
        make_contract(supplier=suppliers[i % 5], status="active", end_date=timezone.localdate() + timedelta(days=i))
        if i % 2:
            make_purchase_request(lines=[("C", "1", "1.00")] * 3)
        assert order.pk
    return suppliers


# Order and Contract lists read the supplier name: one JOIN. Purchase requests prefetch their
# lines: one more query. Plus the COUNT of the paginator.
EXPECTED_QUERIES = {"suppliers": 2, "purchase-requests": 3, "orders": 2, "contracts": 2}


@pytest.mark.parametrize("collection", list(EXPECTED_QUERIES))
def test_list_queries_do_not_grow_with_the_page_size(client, many, collection, django_assert_num_queries):
    client.get(f"/v1/{collection}")  # warm the per-user state cache, as any live process has
    for page_size in (1, 5, 20, 100):
        with django_assert_num_queries(EXPECTED_QUERIES[collection]):
            response = client.get(f"/v1/{collection}", {"page_size": page_size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == min(page_size, response.json()["count"])


@pytest.mark.parametrize("report", ["spend-by-supplier", "spend-by-month", "contracts-expiring"])
def test_report_queries_do_not_grow_with_the_page_size(client, many, report, django_assert_num_queries):
    client.get(f"/v1/reports/{report}")
    for page_size in (1, 50):
        with django_assert_num_queries(2):
            assert client.get(f"/v1/reports/{report}", {"page_size": page_size}).status_code == 200


def test_lists_are_paginated(client, many):
    first = client.get("/v1/orders").json()
    assert first["count"] == 25
    assert len(first["results"]) == 20
    assert first["previous"] is None
    second = client.get(first["next"].replace("http://testserver", "")).json()
    assert len(second["results"]) == 5
    assert {o["id"] for o in first["results"]}.isdisjoint({o["id"] for o in second["results"]})
    assert client.get("/v1/orders", {"page_size": 1000}).json()["results"].__len__() == 25  # capped at 100


def test_a_page_past_the_end_is_not_found(client, many):
    response = client.get("/v1/orders", {"page": 99})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("path", ["/v1/suppliers", "/v1/suppliers/", "/v1/reports/order-counts/"])
def test_trailing_slash_is_optional_and_never_redirects(client, path):
    assert client.get(path).status_code == 200


def test_post_with_trailing_slash_creates_without_redirect(client):
    response = client.post("/v1/suppliers/", {"name": "Slash Ltd", "contact_email": "a@b.example", "country": "GB"},
                           format="json")
    assert response.status_code == 201


def test_item_with_trailing_slash(client, make_supplier):
    supplier = make_supplier()
    assert client.get(f"/v1/suppliers/{supplier.pk}/").json()["id"] == supplier.pk
    assert client.post(f"/v1/suppliers/{supplier.pk}/nonsense").status_code == 404


def test_filter_orders_by_status_and_supplier(client, make_order, make_supplier):
    contoso = make_supplier(name="Contoso")
    sent = make_order(status="sent", supplier=contoso)
    make_order(status="sent")
    make_order(status="open", supplier=contoso)

    response = client.get("/v1/orders", {"status": "sent", "supplier": contoso.pk})

    assert [o["id"] for o in response.json()["results"]] == [sent.pk]


def test_filter_purchase_requests_by_status_and_creation_date(client, make_purchase_request):
    old = make_purchase_request(status="submitted")
    PurchaseRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    recent = make_purchase_request(status="submitted")
    make_purchase_request(status="draft")
    since = (timezone.localdate() - timedelta(days=7)).isoformat()

    response = client.get("/v1/purchase-requests", {"status": "submitted", "created_after": since})

    assert [r["id"] for r in response.json()["results"]] == [recent.pk]


def test_filter_contracts_by_end_date_range(client, make_contract):
    today = timezone.localdate()
    soon = make_contract(end_date=today + timedelta(days=10))
    make_contract(end_date=today + timedelta(days=100))

    response = client.get("/v1/contracts", {"end_date_before": (today + timedelta(days=30)).isoformat()})

    assert [c["id"] for c in response.json()["results"]] == [soon.pk]


def test_filter_suppliers_by_name_and_status(client, make_supplier):
    make_supplier(name="Northwind Traders")
    blocked = make_supplier(name="Northwind Logistics", status="blocked")
    make_supplier(name="Contoso")

    response = client.get("/v1/suppliers", {"name": "northwind", "status": "blocked"})

    assert [s["id"] for s in response.json()["results"]] == [blocked.pk]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/orders", {"status": "shipped"}),
        ("/v1/orders", {"supplier": "abc"}),
        ("/v1/purchase-requests", {"created_after": "yesterday"}),
        ("/v1/contracts", {"currency": "XXX"}),
        ("/v1/reports/contracts-expiring", {"days": "0"}),
        ("/v1/reports/contracts-expiring", {"days": "many"}),
    ],
)
def test_invalid_filters_are_a_400_naming_the_parameter(client, path, params):
    response = client.get(path, params)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    # Named by the parameter (a date range `created_after` reports as its filter, `created`).
    fields = response.json()["error"]["fields"]
    assert len(fields) == 1 and list(params)[0].startswith(next(iter(fields)))


def test_ordering(client, make_purchase_request):
    cheap = make_purchase_request(lines=[("A", "1", "1.00")])
    dear = make_purchase_request(lines=[("A", "1", "100.00")])

    ascending = client.get("/v1/purchase-requests", {"ordering": "total"}).json()["results"]
    descending = client.get("/v1/purchase-requests", {"ordering": "-total"}).json()["results"]
    default = client.get("/v1/purchase-requests").json()["results"]

    assert [r["id"] for r in ascending] == [cheap.pk, dear.pk]
    assert [r["id"] for r in descending] == [dear.pk, cheap.pk]
    assert [r["id"] for r in default] == [dear.pk, cheap.pk]  # newest first


def test_unknown_ordering_field_is_ignored(client, make_order):
    make_order()
    assert client.get("/v1/orders", {"ordering": "organization__name"}).status_code == 200
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/suppliers", {"name": "", "contact_email": "not-an-email", "country": "Germany"}),
        ("/v1/suppliers", {"name": "X" * 201, "contact_email": "a@b.example", "country": "de"}),
        ("/v1/suppliers", {"name": "Nul\x00Byte", "contact_email": "a@b.example", "country": "DE"}),
        ("/v1/suppliers", {"name": "Lone \ud800 surrogate", "contact_email": "a@b.example", "country": "DE"}),
        ("/v1/purchase-requests", {"title": "x", "currency": "EUR", "line_items": "lots"}),
        ("/v1/purchase-requests", {"title": "x", "currency": "EUR", "line_items": [{"quantity": {}}]}),
        ("/v1/orders", {"purchase_request": "1; DROP TABLE", "supplier": None}),
        ("/v1/orders", {"purchase_request": 10**30, "supplier": -1}),
        ("/v1/contracts", {"title": "x", "value": "1e400", "currency": "EUR", "supplier": 1,
                           "start_date": "2030-13-01", "end_date": "0000-01-01"}),
        ("/v1/suppliers", ["not", "an", "object"]),
    ],
)
def test_bad_bodies_are_a_400_envelope(client, path, body):
    response = client.generic("POST", path, json.dumps(body), "application/json")  # ASCII-escaped JSON

    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid_request"


def test_unparsable_json_is_a_400_envelope(client):
    response = client.generic("POST", "/v1/suppliers", b"{not json", "application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("path", ["/v1/suppliers/99999999999999999999999", "/v1/orders/abc", "/v1/orders/-1"])
def test_malformed_or_huge_ids_are_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_huge_id_that_matches_the_route_is_not_found(client):
    response = client.get("/v1/orders/999999999999999999")
    assert response.status_code == 404


def test_unknown_api_path_with_a_session_cookie_is_a_404_envelope_not_a_csrf_page(credential_client):
    # Found by the schema fuzz run: the catch-all 404 view was subject to the CSRF middleware.
    client = credential_client("session", ["read:orders"])
    client.credentials()  # no X-CSRFToken header

    response = client.post("/v1/orders/not-an-id/send")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("value", ["-281541834438358401024", "0", str(2**63)])
def test_out_of_range_id_filters_are_a_400(client, value):
    # Found by the schema fuzz run: a huge id overflowed SQLite's integer (a 500).
    response = client.get("/v1/reports/contracts-expiring", {"supplier": value})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["supplier"]
