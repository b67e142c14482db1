"""One table: every procurement endpoint × method × credential kind × scope present or absent.

The decision must be the same whichever credential carried the scopes (CONTRACT §2): with the
scope the request succeeds, without it the answer is 403 `insufficient_scope` naming the scope,
and nothing changes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import pytest
from django.utils import timezone

from procure_core import scopes
from procurement.models import Contract, LineItem, Order, PurchaseRequest, Supplier
from tests.conftest import CREDENTIAL_KINDS


class World:
    """Objects of the caller's organization (live mode), each in the state an endpoint needs."""

    def __init__(self, make_supplier, make_purchase_request, make_order, make_contract):
        self.make_supplier = make_supplier
        self.make_purchase_request = make_purchase_request
        self.make_order = make_order
        self.make_contract = make_contract

    def supplier(self):
        return self.make_supplier(name="Northwind")

    def request(self, status="draft"):
        return self.make_purchase_request(status=status)

    def order(self, status="open"):
        return self.make_order(status=status)

    def contract(self, status="draft", **fields):
        return self.make_contract(status=status, **fields)


SUPPLIER_BODY = {"name": "Contoso", "contact_email": "sales@contoso.example", "country": "US", "status": "active"}
REQUEST_BODY = {
    "title": "Laptops",
    "currency": "EUR",
    "line_items": [{"description": "Laptop", "quantity": "2", "unit_price": "999.99"}],
}


def contract_body(world: World) -> dict:
    today = timezone.localdate()
    return {
        "supplier": world.supplier().pk, "title": "Support", "value": "5000.00", "currency": "EUR",
        "start_date": today.isoformat(), "end_date": (today + timedelta(days=365)).isoformat(),
    }


def order_body(world: World) -> dict:
    return {"purchase_request": world.request("approved").pk, "supplier": world.supplier().pk}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    scope: str
    prepare: Callable[[World], tuple[str, dict | None]]
    success: int


def _item(collection: str, make: Callable[[World], object], suffix: str = "") -> Callable:
    return lambda world: f"/v1/{collection}/{make(world).pk}{suffix}"


def endpoint(name, method, scope, path, body=None, success=200) -> Endpoint:
    def prepare(world):
        resolved = path(world) if callable(path) else path
        return resolved, body(world) if callable(body) else body

    return Endpoint(name, method, scope, prepare, success)


def order_put(world: World) -> tuple[str, dict]:
    # A PUT body names the order's own purchase request, so path and body are prepared together.
    order = world.order()
    body = {"purchase_request": order.purchase_request_id, "supplier": order.supplier_id, "notes": "Replaced"}
    return f"/v1/orders/{order.pk}", body


def expired_contract(world: World):
    today = timezone.localdate()
    return world.contract("active", start_date=today - timedelta(days=400), end_date=today - timedelta(days=1))


ENDPOINTS = [
    # Suppliers
    endpoint("suppliers-list", "GET", "read:suppliers", "/v1/suppliers"),
    endpoint("suppliers-create", "POST", "write:suppliers", "/v1/suppliers", SUPPLIER_BODY, 201),
    endpoint("suppliers-retrieve", "GET", "read:suppliers", _item("suppliers", World.supplier)),
    endpoint("suppliers-patch", "PATCH", "write:suppliers", _item("suppliers", World.supplier), {"status": "blocked"}),
    endpoint("suppliers-put", "PUT", "write:suppliers", _item("suppliers", World.supplier), SUPPLIER_BODY),
    endpoint("suppliers-delete", "DELETE", "write:suppliers", _item("suppliers", World.supplier), None, 204),
    # Purchase requests
    endpoint("requests-list", "GET", "read:purchase-requests", "/v1/purchase-requests"),
    endpoint("requests-create", "POST", "write:purchase-requests", "/v1/purchase-requests", REQUEST_BODY, 201),
    endpoint("requests-retrieve", "GET", "read:purchase-requests", _item("purchase-requests", World.request)),
    endpoint("requests-patch", "PATCH", "write:purchase-requests", _item("purchase-requests", World.request),
             {"title": "Renamed"}),
    endpoint("requests-put", "PUT", "write:purchase-requests", _item("purchase-requests", World.request),
             REQUEST_BODY),
    endpoint("requests-delete", "DELETE", "write:purchase-requests", _item("purchase-requests", World.request),
             None, 204),
    endpoint("requests-submit", "POST", "write:purchase-requests",
             _item("purchase-requests", World.request, "/submit")),
    endpoint("requests-approve", "POST", "write:purchase-requests",
             _item("purchase-requests", lambda w: w.request("submitted"), "/approve")),
    endpoint("requests-reject", "POST", "write:purchase-requests",
             _item("purchase-requests", lambda w: w.request("submitted"), "/reject"), {"reason": "Too expensive"}),
    # Orders
    endpoint("orders-list", "GET", "read:orders", "/v1/orders"),
    endpoint("orders-create", "POST", "write:orders", "/v1/orders", order_body, 201),
    endpoint("orders-retrieve", "GET", "read:orders", _item("orders", World.order)),
    endpoint("orders-patch", "PATCH", "write:orders", _item("orders", World.order), {"notes": "Deliver to dock 4"}),
    Endpoint("orders-put", "PUT", "write:orders", lambda w: order_put(w), 200),
    endpoint("orders-delete", "DELETE", "write:orders", _item("orders", World.order), None, 204),
    endpoint("orders-send", "POST", "write:orders", _item("orders", World.order, "/send")),
    endpoint("orders-receive", "POST", "write:orders", _item("orders", lambda w: w.order("sent"), "/receive")),
    endpoint("orders-cancel", "POST", "write:orders", _item("orders", World.order, "/cancel")),
    # Contracts
    endpoint("contracts-list", "GET", "read:contracts", "/v1/contracts"),
    endpoint("contracts-create", "POST", "write:contracts", "/v1/contracts", contract_body, 201),
    endpoint("contracts-retrieve", "GET", "read:contracts", _item("contracts", World.contract)),
    endpoint("contracts-patch", "PATCH", "write:contracts", _item("contracts", World.contract), {"value": "7500.00"}),
    endpoint("contracts-put", "PUT", "write:contracts", _item("contracts", World.contract), contract_body),
    endpoint("contracts-delete", "DELETE", "write:contracts", _item("contracts", World.contract), None, 204),
    endpoint("contracts-activate", "POST", "write:contracts", _item("contracts", World.contract, "/activate")),
    endpoint("contracts-terminate", "POST", "write:contracts",
             _item("contracts", lambda w: w.contract("active"), "/terminate")),
    endpoint("contracts-expire", "POST", "write:contracts", _item("contracts", expired_contract, "/expire")),
    # Reports
    endpoint("reports-spend-by-supplier", "GET", "read:reports", "/v1/reports/spend-by-supplier"),
    endpoint("reports-spend-by-month", "GET", "read:reports", "/v1/reports/spend-by-month"),
    endpoint("reports-order-counts", "GET", "read:reports", "/v1/reports/order-counts"),
    endpoint("reports-contracts-expiring", "GET", "read:reports", "/v1/reports/contracts-expiring"),
]


@pytest.fixture
def world(make_supplier, make_purchase_request, make_order, make_contract):
    return World(make_supplier, make_purchase_request, make_order, make_contract)


def fingerprint() -> list:
    """Every procurement row and its state: a refused request must leave it exactly as it was."""
    rows = []
    for model in (Supplier, PurchaseRequest, LineItem, Order, Contract):
        fields = ["pk", "updated_at"] if hasattr(model, "updated_at") else ["pk", "amount"]
        rows.append((model.__name__, list(model.objects.order_by("pk").values_list(*fields))))
    return rows


CASES = [
    pytest.param(kind, ep, present, id=f"{kind}-{ep.name}-{'with' if present else 'without'}-scope")
    for ep in ENDPOINTS
    for kind in CREDENTIAL_KINDS
    for present in (True, False)
]


@pytest.mark.parametrize(("kind", "ep", "present"), CASES)
def test_scope_decides_access_the_same_for_every_credential_kind(credential_client, world, kind, ep, present):
    granted = [ep.scope] if present else sorted(scopes.ALL - {ep.scope, scopes.ADMIN})
    client = credential_client(kind, granted)
    path, body = ep.prepare(world)
    before = fingerprint()

    response = client.generic(ep.method, path, *_json(body))

    if present:
        assert response.status_code == ep.success, (response.status_code, response.content)
        if ep.success != 204:
            assert "error" not in response.json()
    else:
        assert response.status_code == 403, (response.status_code, response.content)
        assert response.json()["error"]["code"] == "insufficient_scope"
        assert response.json()["error"]["required_scope"] == ep.scope
        assert f'scope="{ep.scope}"' in response["WWW-Authenticate"]
        assert fingerprint() == before


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda ep: ep.name)
def test_no_credential_is_unauthorized_everywhere(api_client, world, ep):
    path, body = ep.prepare(world)
    before = fingerprint()

    response = api_client.generic(ep.method, path, *_json(body))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response["WWW-Authenticate"].startswith('Bearer realm="procure-core"')
    assert fingerprint() == before


@pytest.mark.parametrize("ep", [e for e in ENDPOINTS if e.method == "GET"], ids=lambda ep: ep.name)
def test_write_scope_does_not_imply_read(credential_client, world, ep):
    client = credential_client("jwt", [ep.scope.replace("read:", "write:")] if ep.scope != "read:reports" else [])
    path, _ = ep.prepare(world)

    response = client.get(path)

    assert response.status_code == 403
    assert response.json()["error"]["required_scope"] == ep.scope


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda ep: ep.name)
def test_admin_scope_allows_every_endpoint(credential_client, world, ep):
    client = credential_client("jwt", [scopes.ADMIN])
    path, body = ep.prepare(world)

    response = client.generic(ep.method, path, *_json(body))

    assert response.status_code == ep.success, response.content


def _json(body) -> tuple:
    if body is None:
        return ()
    return (json.dumps(body), "application/json")
