"""Organization and mode isolation (CONTRACT §4, §6): another tenant's objects are 404 for reads
and writes alike, lists never show them, and foreign keys in a body cannot point at them."""
from __future__ import annotations

import json

import pytest

from procure_core import scopes
from procurement.models import Contract, Order, PurchaseRequest, Supplier

ALL_SCOPES = sorted(scopes.ALL - {scopes.ADMIN})
KINDS = ("jwt", "session", "api_key", "hmac", "oauth")


@pytest.fixture
def other_organization(make_organization):
    return make_organization("Globex")


@pytest.fixture
def foreign(other_organization, make_supplier, make_purchase_request, make_order, make_contract):
    """One object of each kind in another organization (live mode)."""
    order = make_order(organization=other_organization)
    return {
        "suppliers": make_supplier(organization=other_organization),
        "purchase-requests": make_purchase_request(organization=other_organization),
        "orders": order,
        "contracts": make_contract(organization=other_organization),
    }


@pytest.fixture
def test_mode_objects(make_supplier, make_purchase_request, make_order, make_contract):
    """One object of each kind in the caller's own organization, but test mode."""
    return {
        "suppliers": make_supplier(livemode=False),
        "purchase-requests": make_purchase_request(livemode=False),
        "orders": make_order(livemode=False),
        "contracts": make_contract(livemode=False),
    }


WRITES = [
    ("PATCH", "", {"notes": "x", "title": "x", "name": "x"}),
    ("PUT", "", {"title": "x"}),
    ("DELETE", "", None),
]
ACTIONS = {
    "purchase-requests": ["submit", "approve", "reject"],
    "orders": ["send", "receive", "cancel"],
    "contracts": ["activate", "terminate", "expire"],
}


def _snapshot(objects: dict) -> dict:
    return {name: type(obj).objects.filter(pk=obj.pk).values().first() for name, obj in objects.items()}


def _assert_not_found(response):
    assert response.status_code == 404, response.content
    assert response.json() == {"error": {"code": "not_found", "message": "The requested resource was not found."}}


@pytest.mark.parametrize("kind", KINDS)
def test_objects_of_another_organization_are_not_found_for_reads(credential_client, foreign, kind):
    client = credential_client(kind, ALL_SCOPES)
    for collection, obj in foreign.items():
        _assert_not_found(client.get(f"/v1/{collection}/{obj.pk}"))
        listed = client.get(f"/v1/{collection}")
        assert listed.status_code == 200
        assert listed.json()["count"] == 0


@pytest.mark.parametrize("kind", KINDS)
def test_objects_of_another_organization_are_not_found_for_writes(credential_client, foreign, kind):
    client = credential_client(kind, ALL_SCOPES)
    before = _snapshot(foreign)
    for collection, obj in foreign.items():
        for method, suffix, body in WRITES:
            _assert_not_found(client.generic(method, f"/v1/{collection}/{obj.pk}{suffix}", *_json(body)))
        for action in ACTIONS.get(collection, []):
            _assert_not_found(client.post(f"/v1/{collection}/{obj.pk}/{action}", {}, format="json"))
    assert _snapshot(foreign) == before


def test_admin_scope_does_not_cross_organizations(credential_client, foreign):
    client = credential_client("jwt", [scopes.ADMIN])
    for collection, obj in foreign.items():
        _assert_not_found(client.get(f"/v1/{collection}/{obj.pk}"))
        _assert_not_found(client.delete(f"/v1/{collection}/{obj.pk}"))
    assert all(type(obj).objects.filter(pk=obj.pk).exists() for obj in foreign.values())


@pytest.mark.parametrize("kind", ["jwt", "api_key", "oauth"])
def test_foreign_keys_to_another_organization_are_rejected(
    credential_client, kind, other_organization, make_supplier, make_purchase_request
):
    client = credential_client(kind, ALL_SCOPES)
    own_supplier = make_supplier()
    own_request = make_purchase_request(status="approved")
    their_supplier = make_supplier(organization=other_organization)
    their_request = make_purchase_request(organization=other_organization, status="approved")

    cases = [
        ("/v1/orders", {"purchase_request": own_request.pk, "supplier": their_supplier.pk}, "supplier"),
        ("/v1/orders", {"purchase_request": their_request.pk, "supplier": own_supplier.pk}, "purchase_request"),
        ("/v1/contracts", {"supplier": their_supplier.pk, "title": "x", "value": "1.00", "currency": "EUR",
                           "start_date": "2030-01-01", "end_date": "2030-12-31"}, "supplier"),
    ]
    for path, body, field in cases:
        response = client.post(path, body, format="json")
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert error["code"] == "invalid_request"
        assert list(error["fields"]) == [field]
        # The same answer as an id that does not exist: no existence oracle.
        missing = client.post(path, {**body, field: 999999}, format="json").json()["error"]["fields"][field]
        assert error["fields"][field] == [m.replace("999999", str(body[field])) for m in missing]
    assert not Order.objects.exists() and not Contract.objects.exists()


def test_changing_an_orders_supplier_to_another_organizations_is_rejected(
    credential_client, make_order, make_supplier, other_organization
):
    client = credential_client("jwt", ALL_SCOPES)
    order = make_order()
    their_supplier = make_supplier(organization=other_organization)

    response = client.patch(f"/v1/orders/{order.pk}", {"supplier": their_supplier.pk}, format="json")

    assert response.status_code == 400
    assert "supplier" in response.json()["error"]["fields"]
    order.refresh_from_db()
    assert order.supplier_id != their_supplier.pk


def test_filters_by_another_organizations_ids_find_nothing(credential_client, make_order, other_organization):
    client = credential_client("jwt", ALL_SCOPES)
    theirs = make_order(organization=other_organization, status="sent")
    make_order(status="sent")

    response = client.get("/v1/orders", {"supplier": theirs.supplier_id})

    assert response.status_code == 200
    assert response.json()["count"] == 0
    report = client.get("/v1/reports/spend-by-supplier", {"supplier": theirs.supplier_id})
    assert report.json()["results"] == []


def test_reports_count_only_the_callers_organization(credential_client, make_order, other_organization):
    client = credential_client("jwt", ["read:reports"])
    make_order(status="sent")
    make_order(organization=other_organization, status="sent")
    make_order(organization=other_organization, status="received")

    counts = client.get("/v1/reports/order-counts").json()["results"]
    spend = client.get("/v1/reports/spend-by-supplier").json()["results"]

    assert {row["status"]: row["count"] for row in counts} == {"open": 0, "sent": 1, "received": 0, "cancelled": 0}
    assert [row["order_count"] for row in spend] == [1]


# Mode (CONTRACT §4): ak_test_ keys see and create only test-mode objects ----------------------


@pytest.mark.parametrize("kind", ["api_key", "hmac"])
def test_test_mode_key_does_not_see_live_objects(credential_client, make_supplier, make_order, make_contract, kind):
    live = {"suppliers": make_supplier(), "orders": make_order(), "contracts": make_contract()}
    live["purchase-requests"] = live["orders"].purchase_request
    client = credential_client(kind, ALL_SCOPES, mode="test")
    before = _snapshot(live)

    for collection, obj in live.items():
        _assert_not_found(client.get(f"/v1/{collection}/{obj.pk}"))
        assert client.get(f"/v1/{collection}").json()["count"] == 0
        for method, suffix, body in WRITES:
            _assert_not_found(client.generic(method, f"/v1/{collection}/{obj.pk}{suffix}", *_json(body)))
        for action in ACTIONS.get(collection, []):
            _assert_not_found(client.post(f"/v1/{collection}/{obj.pk}/{action}", {}, format="json"))
    assert _snapshot(live) == before


@pytest.mark.parametrize("kind", ["jwt", "api_key", "oauth", "session"])
def test_live_credentials_do_not_see_test_mode_objects(credential_client, test_mode_objects, kind):
    client = credential_client(kind, ALL_SCOPES)
    for collection, obj in test_mode_objects.items():
        _assert_not_found(client.get(f"/v1/{collection}/{obj.pk}"))
        _assert_not_found(client.delete(f"/v1/{collection}/{obj.pk}"))
        assert client.get(f"/v1/{collection}").json()["count"] == 0
    assert all(type(obj).objects.filter(pk=obj.pk).exists() for obj in test_mode_objects.values())


def test_test_mode_key_creates_test_mode_objects(credential_client):
    test_client = credential_client("api_key", ALL_SCOPES, mode="test")
    live_client = credential_client("jwt", ALL_SCOPES)

    created = test_client.post("/v1/suppliers", {"name": "Sandbox Supplier", "contact_email": "s@x.example",
                                                 "country": "DE"}, format="json")

    assert created.status_code == 201
    assert created.json()["livemode"] is False
    assert Supplier.objects.get(pk=created.json()["id"]).livemode is False
    _assert_not_found(live_client.get(f"/v1/suppliers/{created.json()['id']}"))
    assert test_client.get(f"/v1/suppliers/{created.json()['id']}").status_code == 200


def test_test_mode_foreign_keys_cannot_point_at_live_objects(credential_client, make_supplier, make_purchase_request):
    client = credential_client("api_key", ALL_SCOPES, mode="test")
    live_supplier = make_supplier()
    test_request = make_purchase_request(livemode=False, status="approved")

    response = client.post("/v1/orders", {"purchase_request": test_request.pk, "supplier": live_supplier.pk},
                           format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["supplier"]
    assert not Order.objects.exists()


def test_test_mode_workflow_stays_in_test_mode(credential_client, make_supplier):
    client = credential_client("api_key", ALL_SCOPES, mode="test")
    supplier = make_supplier(livemode=False)
    request = client.post("/v1/purchase-requests", {
        "title": "Sandbox laptops", "currency": "EUR",
        "line_items": [{"description": "Laptop", "quantity": 1, "unit_price": "10.00"}],
    }, format="json").json()
    for action in ("submit", "approve"):
        assert client.post(f"/v1/purchase-requests/{request['id']}/{action}").status_code == 200

    order = client.post("/v1/orders", {"purchase_request": request["id"], "supplier": supplier.pk}, format="json")

    assert order.status_code == 201, order.content
    assert order.json()["livemode"] is False
    assert PurchaseRequest.objects.get(pk=request["id"]).livemode is False
    assert Order.objects.get(pk=order.json()["id"]).livemode is False


def _json(body) -> tuple:
    return () if body is None else (json.dumps(body), "application/json")
