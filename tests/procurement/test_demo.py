"""`manage.py seed_demo` loads procurement data for the demo organization, idempotently."""
from __future__ import annotations

import io

from django.core.management import call_command

from accounts.models import User
from procurement.models import Contract, LineItem, Order, PurchaseRequest, Supplier
from tests.conftest import DEFAULT_PASSWORD

MODELS = (Supplier, PurchaseRequest, LineItem, Order, Contract)


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_data_fills_every_list_once(db, jwt_client, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", DEFAULT_PASSWORD)
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())

    assert _counts() == first
    assert all(first.values()), first
    assert set(PurchaseRequest.objects.values_list("status", flat=True)) == {"draft", "submitted", "approved", "rejected"}
    assert set(Order.objects.values_list("status", flat=True)) == {"open", "sent", "received"}
    assert not Supplier.objects.filter(livemode=False).exists()

    buyer = User.objects.get(email="user@company.com")
    client = jwt_client(buyer)
    for path in ("/v1/suppliers", "/v1/purchase-requests", "/v1/orders", "/v1/contracts",
                 "/v1/reports/spend-by-supplier", "/v1/reports/spend-by-month"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.content)
        assert response.json()["count"] > 0, path
