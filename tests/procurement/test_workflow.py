"""Workflows: purchase request draft → submitted → approved/rejected with the approver recorded,
orders open → sent → received/cancelled, contracts draft → active → expired/terminated. A refused
transition is a 400 `invalid_request` that says what is allowed, and changes nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from procurement import workflow
from procurement.models import Order, PurchaseRequest

REQUEST_SCOPES = ["read:purchase-requests", "write:purchase-requests"]
ORDER_SCOPES = ["read:orders", "write:orders"]
CONTRACT_SCOPES = ["read:contracts", "write:contracts"]

LAPTOPS = {
    "title": "Laptops",
    "currency": "EUR",
    "line_items": [{"description": "Laptop", "quantity": "2", "unit_price": "999.99"}],
}


@pytest.fixture
def buyer(make_user):
    return make_user(email="buyer@acme.example", scopes=REQUEST_SCOPES + ORDER_SCOPES + ["read:suppliers"], name="Bea")


@pytest.fixture
def buyer_client(jwt_client, buyer):
    return jwt_client(buyer)


@pytest.fixture
def approver(make_user):
    return make_user(email="approver@acme.example", scopes=REQUEST_SCOPES, name="Ann")


def test_purchase_request_goes_from_draft_to_approved_with_the_approver_recorded(
    buyer_client, jwt_client, approver, buyer
):
    created = buyer_client.post("/v1/purchase-requests", LAPTOPS, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "draft"
    assert body["requester"] == {"id": buyer.pk, "email": buyer.email, "name": "Bea"}
    assert body["allowed_actions"] == ["submit"]
    assert body["approver"] is None

    submitted = buyer_client.post(f"/v1/purchase-requests/{body['id']}/submit")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_at"] is not None
    assert submitted.json()["allowed_actions"] == ["approve", "reject"]

    approved = jwt_client(approver).post(f"/v1/purchase-requests/{body['id']}/approve")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["approver"]["email"] == approver.email
    assert approved.json()["decided_at"] is not None
    stored = PurchaseRequest.objects.get(pk=body["id"])
    assert (stored.status, stored.approver_id) == ("approved", approver.pk)


def test_rejection_records_the_reason_and_approver(buyer_client, make_purchase_request, buyer):
    request = make_purchase_request(status="submitted")

    response = buyer_client.post(f"/v1/purchase-requests/{request.pk}/reject", {"reason": "Over budget"},
                                 format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["rejection_reason"] == "Over budget"
    assert response.json()["approver"]["id"] == buyer.pk
    assert response.json()["allowed_actions"] == []


@pytest.mark.parametrize(
    ("status", "action", "allowed"),
    [
        ("draft", "approve", "submit"),
        ("draft", "reject", "submit"),
        ("submitted", "submit", "approve, reject"),
        ("approved", "reject", "nothing (final status)"),
        ("approved", "submit", "nothing (final status)"),
        ("rejected", "approve", "nothing (final status)"),
    ],
)
def test_invalid_request_transitions_say_what_is_allowed(buyer_client, make_purchase_request, status, action, allowed):
    request = make_purchase_request(status=status)
    before = PurchaseRequest.objects.filter(pk=request.pk).values().get()

    response = buyer_client.post(f"/v1/purchase-requests/{request.pk}/{action}")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert f"Cannot {action} a purchase request whose status is '{status}'" in error["message"]
    assert f"Allowed from '{status}': {allowed}." in error["message"]
    assert "status" in error["fields"]
    assert PurchaseRequest.objects.filter(pk=request.pk).values().get() == before


@pytest.mark.parametrize("status", ["submitted", "approved", "rejected"])
def test_only_drafts_can_be_edited_or_deleted(buyer_client, make_purchase_request, status):
    request = make_purchase_request(status=status)

    edited = buyer_client.patch(f"/v1/purchase-requests/{request.pk}", {"title": "Changed"}, format="json")
    deleted = buyer_client.delete(f"/v1/purchase-requests/{request.pk}")

    for response in (edited, deleted):
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_request"
        assert "draft" in response.json()["error"]["message"]
    request.refresh_from_db()
    assert request.title != "Changed"


def test_status_and_total_in_a_body_are_ignored(buyer_client, make_purchase_request):
    request = make_purchase_request()

    response = buyer_client.patch(f"/v1/purchase-requests/{request.pk}",
                                  {"status": "approved", "total": "1.00", "title": "New"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "draft"
    assert response.json()["total"] == "2301.00"
    assert response.json()["title"] == "New"


def test_order_lifecycle_open_sent_received(buyer_client, make_purchase_request, make_supplier):
    request = make_purchase_request(status="approved", lines=[("Chair", "3", "120.00")], currency="USD")
    supplier = make_supplier(name="Contoso")

    created = buyer_client.post("/v1/orders", {"purchase_request": request.pk, "supplier": supplier.pk,
                                               "expected_on": "2030-05-01"}, format="json")
    assert created.status_code == 201, created.content
    order = created.json()
    assert (order["status"], order["currency"], order["total"]) == ("open", "USD", "360.00")
    assert order["supplier_name"] == "Contoso"
    assert order["allowed_actions"] == ["send", "cancel"]

    sent = buyer_client.post(f"/v1/orders/{order['id']}/send").json()
    assert sent["status"] == "sent" and sent["sent_at"] is not None
    received = buyer_client.post(f"/v1/orders/{order['id']}/receive").json()
    assert received["status"] == "received" and received["received_at"] is not None
    assert received["allowed_actions"] == []


@pytest.mark.parametrize(
    ("status", "action", "allowed"),
    [
        ("open", "receive", "send, cancel"),
        ("sent", "send", "receive, cancel"),
        ("received", "cancel", "nothing (final status)"),
        ("cancelled", "send", "nothing (final status)"),
    ],
)
def test_invalid_order_transitions_say_what_is_allowed(buyer_client, make_order, status, action, allowed):
    order = make_order(status=status)

    response = buyer_client.post(f"/v1/orders/{order.pk}/{action}")

    assert response.status_code == 400
    assert f"Allowed from '{status}': {allowed}." in response.json()["error"]["message"]
    order.refresh_from_db()
    assert order.status == status


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_orders_need_an_approved_purchase_request(buyer_client, make_purchase_request, make_supplier, status):
    request = make_purchase_request(status=status)

    response = buyer_client.post("/v1/orders", {"purchase_request": request.pk, "supplier": make_supplier().pk},
                                 format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"purchase_request": [f"Is '{status}'; it must be 'approved'."]}
    assert not Order.objects.exists()


def test_orders_need_an_active_supplier(buyer_client, make_purchase_request, make_supplier):
    request = make_purchase_request(status="approved")
    blocked = make_supplier(status="blocked")

    response = buyer_client.post("/v1/orders", {"purchase_request": request.pk, "supplier": blocked.pk}, format="json")

    assert response.status_code == 400
    assert "supplier" in response.json()["error"]["fields"]
    assert not Order.objects.exists()


def test_a_purchase_request_is_ordered_once_until_the_order_is_cancelled(buyer_client, make_order, make_supplier):
    first = make_order()
    body = {"purchase_request": first.purchase_request_id, "supplier": make_supplier().pk}

    duplicate = buyer_client.post("/v1/orders", body, format="json")
    assert duplicate.status_code == 400
    assert "purchase_request" in duplicate.json()["error"]["fields"]

    assert buyer_client.post(f"/v1/orders/{first.pk}/cancel").status_code == 200
    again = buyer_client.post("/v1/orders", body, format="json")
    assert again.status_code == 201
    assert Order.objects.filter(purchase_request_id=first.purchase_request_id).count() == 2


def test_only_open_orders_can_be_edited_or_deleted(buyer_client, make_order):
    order = make_order(status="sent")

    assert buyer_client.patch(f"/v1/orders/{order.pk}", {"notes": "x"}, format="json").status_code == 400
    assert buyer_client.delete(f"/v1/orders/{order.pk}").status_code == 400
    assert Order.objects.filter(pk=order.pk, notes="").exists()


def test_an_orders_purchase_request_cannot_be_changed(buyer_client, make_order, make_purchase_request):
    order = make_order()
    other = make_purchase_request(status="approved")

    response = buyer_client.patch(f"/v1/orders/{order.pk}", {"purchase_request": other.pk}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"purchase_request": ["Cannot be changed."]}


def test_contract_lifecycle_and_refusals(jwt_client, make_user, make_contract):
    client = jwt_client(make_user(scopes=CONTRACT_SCOPES))
    contract = make_contract()

    assert client.post(f"/v1/contracts/{contract.pk}/terminate").status_code == 400
    activated = client.post(f"/v1/contracts/{contract.pk}/activate")
    assert activated.json()["status"] == "active"
    assert activated.json()["allowed_actions"] == ["terminate", "expire"]
    edit = client.patch(f"/v1/contracts/{contract.pk}", {"value": "1.00"}, format="json")
    assert edit.status_code == 400 and "draft" in edit.json()["error"]["message"]
    early = client.post(f"/v1/contracts/{contract.pk}/expire")
    assert early.status_code == 400
    assert early.json()["error"]["fields"] == {"end_date": ["Not yet passed."]}

    with time_machine.travel(timezone.now() + timedelta(days=400)):
        later = jwt_client(make_user(scopes=CONTRACT_SCOPES))  # a fresh session, a year on
        expired = later.post(f"/v1/contracts/{contract.pk}/expire")
    assert expired.status_code == 200
    assert expired.json()["status"] == "expired"


def test_contract_dates_must_be_ordered(jwt_client, make_user, make_supplier, make_contract):
    client = jwt_client(make_user(scopes=CONTRACT_SCOPES))
    body = {"supplier": make_supplier().pk, "title": "Support", "value": "10.00", "currency": "EUR",
            "start_date": "2030-02-01", "end_date": "2030-01-01"}

    created = client.post("/v1/contracts", body, format="json")
    contract = make_contract()
    patched = client.patch(f"/v1/contracts/{contract.pk}", {"end_date": "2000-01-01"}, format="json")

    for response in (created, patched):
        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {"end_date": ["Must not be before start_date."]}


def test_suppliers_with_orders_cannot_be_deleted(jwt_client, make_user, make_order):
    client = jwt_client(make_user(scopes=["write:suppliers"]))
    order = make_order()

    response = client.delete(f"/v1/suppliers/{order.supplier_id}")

    assert response.status_code == 400
    assert "blocked" in response.json()["error"]["message"]


def test_client_credentials_principal_cannot_approve(make_purchase_request, rf):
    from procure_core.errors import Forbidden
    from procurement import services

    request = make_purchase_request(status="submitted")
    with pytest.raises(Forbidden):
        services.approve_purchase_request(request, approver_id=None)
    request.refresh_from_db()
    assert request.status == "submitted"


def test_state_machine_lists_allowed_actions():
    assert workflow.PURCHASE_REQUEST.allowed_actions("submitted") == ["approve", "reject"]
    assert workflow.ORDER.allowed_actions("open") == ["send", "cancel"]
    assert workflow.CONTRACT.allowed_actions("expired") == []
    with pytest.raises(workflow.InvalidTransition):
        workflow.ORDER.target("receive", "open")
