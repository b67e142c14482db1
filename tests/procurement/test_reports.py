"""Reports under /v1/reports (read:reports): aggregates computed in the database, per currency."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
from django.utils import timezone

from procurement.models import Order


@pytest.fixture
def client(credential_client):
    return credential_client("jwt", ["read:reports"])


def _placed(order, year, month, day=15):
    Order.objects.filter(pk=order.pk).update(created_at=datetime(year, month, day, 12, tzinfo=dt_timezone.utc))
    return order


def test_spend_by_supplier_counts_sent_and_received_orders_only(client, make_order, make_supplier):
    contoso, northwind = make_supplier(name="Contoso"), make_supplier(name="Northwind")
    make_order(status="sent", supplier=contoso, lines=[("A", "1", "300.00")])
    make_order(status="received", supplier=northwind, lines=[("A", "1", "50.00")])
    make_order(status="received", supplier=northwind, lines=[("A", "2", "100.00")])
    make_order(status="open", supplier=contoso, lines=[("A", "1", "999.00")])
    make_order(status="cancelled", supplier=contoso, lines=[("A", "1", "999.00")])

    response = client.get("/v1/reports/spend-by-supplier")

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert response.json()["results"] == [
        {"supplier_id": contoso.pk, "supplier_name": "Contoso", "currency": "EUR", "total": "300.00", "order_count": 1},
        {"supplier_id": northwind.pk, "supplier_name": "Northwind", "currency": "EUR", "total": "250.00",
         "order_count": 2},
    ]


def test_spend_by_month_groups_by_calendar_month_and_currency(client, make_order):
    _placed(make_order(status="sent", lines=[("A", "1", "10.00")]), 2026, 1, 1)
    _placed(make_order(status="received", lines=[("A", "1", "5.50")]), 2026, 1, 31)
    _placed(make_order(status="sent", currency="USD", lines=[("A", "1", "7.00")]), 2026, 1, 20)
    _placed(make_order(status="sent", lines=[("A", "1", "1.00")]), 2026, 3, 2)
    _placed(make_order(status="cancelled", lines=[("A", "1", "1000.00")]), 2026, 3, 2)

    results = client.get("/v1/reports/spend-by-month").json()["results"]

    assert results == [
        {"month": "2026-01", "currency": "EUR", "total": "15.50", "order_count": 2},
        {"month": "2026-01", "currency": "USD", "total": "7.00", "order_count": 1},
        {"month": "2026-03", "currency": "EUR", "total": "1.00", "order_count": 1},
    ]
    filtered = client.get("/v1/reports/spend-by-month", {"created_after": "2026-02-01", "currency": "EUR"})
    assert filtered.json()["results"] == [{"month": "2026-03", "currency": "EUR", "total": "1.00", "order_count": 1}]


def test_order_counts_list_every_status(client, make_order):
    make_order(status="open")
    make_order(status="sent")
    make_order(status="sent")
    make_order(status="cancelled")

    results = client.get("/v1/reports/order-counts").json()["results"]

    assert results == [
        {"status": "open", "count": 1},
        {"status": "sent", "count": 2},
        {"status": "received", "count": 0},
        {"status": "cancelled", "count": 1},
    ]


def test_contracts_expiring_soon(client, make_contract, make_supplier):
    today = timezone.localdate()
    supplier = make_supplier(name="Fabrikam")
    soon = make_contract(status="active", supplier=supplier, end_date=today + timedelta(days=5), title="Freight")
    today_ends = make_contract(status="active", supplier=supplier, end_date=today, title="Cleaning")
    make_contract(status="active", end_date=today + timedelta(days=45))
    make_contract(status="draft", end_date=today + timedelta(days=3))
    make_contract(status="terminated", end_date=today + timedelta(days=3))
    make_contract(status="active", start_date=today - timedelta(days=90), end_date=today - timedelta(days=1))

    default = client.get("/v1/reports/contracts-expiring").json()["results"]
    wider = client.get("/v1/reports/contracts-expiring", {"days": 60}).json()["results"]

    assert [(c["id"], c["days_left"]) for c in default] == [(today_ends.pk, 0), (soon.pk, 5)]
    assert default[1] == {
        "id": soon.pk, "title": "Freight", "supplier_id": supplier.pk, "supplier_name": "Fabrikam",
        "value": "12000.00", "currency": "EUR", "end_date": (today + timedelta(days=5)).isoformat(), "days_left": 5,
    }
    assert len(wider) == 3


def test_reports_are_read_only(client):
    response = client.post("/v1/reports/order-counts", {}, format="json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_reports_need_read_reports_even_with_every_other_scope(credential_client):
    from procure_core import scopes

    client = credential_client("jwt", sorted(scopes.ALL - {"read:reports", "admin"}))
    response = client.get("/v1/reports/spend-by-month")
    assert response.status_code == 403
    assert response.json()["error"]["required_scope"] == "read:reports"
