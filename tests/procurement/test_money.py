"""Money: Decimal amounts, rounded half up per line to the currency's minor unit, totals equal to
the sum of their lines, never a float, never two currencies added together."""
from __future__ import annotations

from decimal import Decimal

import pytest

from procurement import money
from procurement.models import LineItem, PurchaseRequest

SCOPES = ["read:purchase-requests", "write:purchase-requests", "read:reports"]


@pytest.fixture
def client(jwt_client, make_user):
    return jwt_client(make_user(scopes=SCOPES))


def create(client, currency, *lines):
    return client.post("/v1/purchase-requests", {
        "title": "Stationery", "currency": currency,
        "line_items": [{"description": f"Item {i}", "quantity": q, "unit_price": p} for i, (q, p) in enumerate(lines)],
    }, format="json")


@pytest.mark.parametrize(
    ("quantity", "unit_price", "currency", "expected"),
    [
        (Decimal("3"), Decimal("0.1"), "EUR", Decimal("0.30")),
        (Decimal("1"), Decimal("0.125"), "EUR", Decimal("0.13")),  # half up, not banker's rounding
        (Decimal("1"), Decimal("0.135"), "EUR", Decimal("0.14")),
        (Decimal("1"), Decimal("0.0049"), "USD", Decimal("0.00")),
        (Decimal("1.5"), Decimal("101"), "JPY", Decimal("152.00")),  # whole yen
        (Decimal("0.5"), Decimal("3"), "KRW", Decimal("2.00")),
        (Decimal("2.333"), Decimal("3.3333"), "EUR", Decimal("7.78")),
    ],
)
def test_line_amount_rounds_half_up_to_the_currencys_minor_unit(quantity, unit_price, currency, expected):
    assert money.line_amount(quantity, unit_price, currency) == expected


def test_total_is_the_sum_of_rounded_lines():
    lines = [money.line_amount(Decimal("1"), Decimal("0.005"), "EUR") for _ in range(3)]
    assert money.total(lines) == Decimal("0.03")  # not round(0.015) = 0.02


def test_amounts_that_do_not_fit_are_refused():
    with pytest.raises(money.AmountTooLarge):
        money.line_amount(Decimal("999999999"), Decimal("9999999999"), "EUR")


def test_total_is_computed_on_the_server_as_decimal_strings(client):
    response = create(client, "EUR", ("3", "0.1"), ("1", "0.125"), (2, 19.99))

    assert response.status_code == 201, response.content
    body = response.json()
    assert [line["amount"] for line in body["line_items"]] == ["0.30", "0.13", "39.98"]
    assert body["total"] == "40.41"
    assert body["line_items"][0]["unit_price"] == "0.1000"
    assert body["line_items"][0]["quantity"] == "3.000"
    stored = PurchaseRequest.objects.get(pk=body["id"])
    assert stored.total == Decimal("40.41")
    assert sum(LineItem.objects.filter(purchase_request=stored).values_list("amount", flat=True)) == stored.total


def test_changing_the_currency_re_rounds_the_lines(client):
    created = create(client, "EUR", ("1", "10.50")).json()

    response = client.patch(f"/v1/purchase-requests/{created['id']}", {"currency": "JPY"}, format="json")

    assert response.status_code == 200
    assert response.json()["currency"] == "JPY"
    assert response.json()["total"] == "11.00"


def test_replacing_line_items_recomputes_the_total(client):
    created = create(client, "EUR", ("1", "10.00"), ("1", "5.00")).json()

    response = client.patch(f"/v1/purchase-requests/{created['id']}",
                            {"line_items": [{"description": "One", "quantity": "4", "unit_price": "2.50"}]},
                            format="json")

    assert response.json()["total"] == "10.00"
    assert len(response.json()["line_items"]) == 1
    assert LineItem.objects.filter(purchase_request_id=created["id"]).count() == 1


@pytest.mark.parametrize(
    ("currency", "lines", "field"),
    [
        ("XXX", [("1", "1")], "currency"),
        ("eur", [("1", "1")], "currency"),
        ("EUR", [], "line_items"),
        ("EUR", [("0", "1")], "line_items"),
        ("EUR", [("-1", "1")], "line_items"),
        ("EUR", [("1", "-0.01")], "line_items"),
        ("EUR", [("1", "NaN")], "line_items"),
        ("EUR", [("1", "Infinity")], "line_items"),
        ("EUR", [("1", "1.00001")], "line_items"),
        ("EUR", [("999999999", "9999999999")], "line_items"),
    ],
)
def test_invalid_money_is_a_400_naming_the_field(client, currency, lines, field):
    response = create(client, currency, *lines)

    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid_request"
    assert field in response.json()["error"]["fields"]
    assert not PurchaseRequest.objects.exists()


def test_reports_never_add_two_currencies(credential_client, make_order, make_supplier):
    supplier = make_supplier(name="Contoso")
    make_order(status="sent", supplier=supplier, currency="EUR", lines=[("A", "1", "100.00")])
    make_order(status="received", supplier=supplier, currency="EUR", lines=[("B", "1", "0.10")])
    make_order(status="sent", supplier=supplier, currency="USD", lines=[("C", "1", "7.00")])
    client = credential_client("jwt", ["read:reports"])

    rows = client.get("/v1/reports/spend-by-supplier").json()["results"]

    assert rows == [
        {"supplier_id": supplier.pk, "supplier_name": "Contoso", "currency": "EUR", "total": "100.10", "order_count": 2},
        {"supplier_id": supplier.pk, "supplier_name": "Contoso", "currency": "USD", "total": "7.00", "order_count": 1},
    ]
