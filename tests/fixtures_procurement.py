"""Fixtures for the procurement tests, shared with the other suites (see tests/conftest.py).

- `make_supplier(organization=None, livemode=True, **fields) -> Supplier`
- `make_purchase_request(organization=None, livemode=True, status="draft", lines=..., **fields)`
  walks the real workflow (services) up to `status`
- `make_order(organization=None, livemode=True, status="open", supplier=None, purchase_request=None)`
- `make_contract(organization=None, livemode=True, status="draft", **fields)`
"""
from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from procurement import services
from procurement.models import Contract, Supplier

_sequence = itertools.count(1)

DEFAULT_LINES = (("Laptop", "2", "1000.00"), ("Dock", "2", "150.50"))


def _tenant(organization, livemode: bool) -> dict:
    return {"organization_id": organization.pk, "livemode": livemode}


@pytest.fixture
def make_supplier(db, organization):
    default = organization

    def make(organization=None, livemode: bool = True, **fields) -> Supplier:
        owner = organization or default
        fields.setdefault("name", f"Supplier {next(_sequence)}")
        fields.setdefault("contact_email", "sales@supplier.example")
        fields.setdefault("country", "DE")
        return Supplier.objects.create(**_tenant(owner, livemode), **fields)

    return make


@pytest.fixture
def make_purchase_request(db, organization, make_user):
    default = organization

    def make(organization=None, livemode: bool = True, *, status: str = "draft",
             lines=DEFAULT_LINES, currency: str = "EUR", requester=None, approver=None, title=None):
        owner = organization or default
        requester = requester or make_user(organization=owner, scopes=["read:purchase-requests"])
        request = services.create_purchase_request(
            tenant=_tenant(owner, livemode), requester_id=requester.pk, title=title or f"Request {next(_sequence)}",
            currency=currency,
            line_items=[{"description": d, "quantity": Decimal(q), "unit_price": Decimal(p)} for d, q, p in lines],
        )
        if status == "draft":
            return request
        request = services.submit_purchase_request(request)
        if status == "submitted":
            return request
        approver_id = (approver or requester).pk
        if status == "approved":
            return services.approve_purchase_request(request, approver_id=approver_id)
        if status == "rejected":
            return services.reject_purchase_request(request, approver_id=approver_id, reason="No budget")
        raise ValueError(status)

    return make


@pytest.fixture
def make_order(db, organization, make_supplier, make_purchase_request):
    default = organization

    def make(organization=None, livemode: bool = True, *, status: str = "open",
             supplier=None, purchase_request=None, **request_fields):
        owner = organization or default
        supplier = supplier or make_supplier(organization=owner, livemode=livemode)
        purchase_request = purchase_request or make_purchase_request(
            organization=owner, livemode=livemode, status="approved", **request_fields
        )
        order = services.place_order(
            tenant=_tenant(owner, livemode), purchase_request=purchase_request, supplier=supplier
        )
        if status in ("sent", "received"):
            order = services.send_order(order)
        if status == "received":
            order = services.receive_order(order)
        if status == "cancelled":
            order = services.cancel_order(order)
        return order

    return make


@pytest.fixture
def make_contract(db, organization, make_supplier):
    default = organization

    def make(organization=None, livemode: bool = True, *, status: str = "draft",
             supplier=None, **fields) -> Contract:
        owner = organization or default
        today = timezone.localdate()
        fields.setdefault("title", f"Contract {next(_sequence)}")
        fields.setdefault("value", Decimal("12000.00"))
        fields.setdefault("currency", "EUR")
        fields.setdefault("start_date", today - timedelta(days=30))
        fields.setdefault("end_date", today + timedelta(days=335))
        return Contract.objects.create(
            **_tenant(owner, livemode), supplier=supplier or make_supplier(organization=owner, livemode=livemode),
            status=status, **fields,
        )

    return make
