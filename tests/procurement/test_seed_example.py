"""The Python example of the product's API page (shared/seed), run as written against a real
HTTP server: Bearer API key, GET /v1/suppliers, POST /v1/purchase-requests. Only the host differs."""
from __future__ import annotations

import os

import pytest
import requests

from procurement.models import PurchaseRequest

# ---- copied verbatim from the seed page's "Python 示例" ---------------------------------------


class ProcureBotAPI:
    def __init__(self, api_key):
        self.api_key = api_key
        self.base_url = 'https://api.procure-core.com/v1'
        self.session = requests.Session()
        self.session.headers.update({
            'Authorization': f'Bearer {api_key}',
            'Content-Type': 'application/json'
        })

    def get_suppliers(self):
        response = self.session.get(f'{self.base_url}/suppliers')
        response.raise_for_status()
        return response.json()

    def create_purchase_request(self, request_data):
        response = self.session.post(
            f'{self.base_url}/purchase-requests',
            json=request_data
        )
        response.raise_for_status()
        return response.json()

# ---- end of the copy ----------------------------------------------------------------------------


SCOPES = ["read:suppliers", "read:purchase-requests", "write:purchase-requests"]


@pytest.fixture
def example_api(live_server, make_user, make_api_key, monkeypatch):
    """`api = ProcureBotAPI(os.getenv('PROCUREBOT_API_KEY'))`, pointed at the live test server."""

    def make(mode: str = "live"):
        user = make_user(scopes=SCOPES)
        _key, raw = make_api_key(user, scopes=SCOPES, mode=mode)
        monkeypatch.setenv("PROCUREBOT_API_KEY", raw)
        api = ProcureBotAPI(os.getenv('PROCUREBOT_API_KEY'))
        api.base_url = live_server.url + "/v1"  # host aside, as the issue allows
        return api, user

    return make


def test_seed_python_example_runs_as_written(example_api, make_supplier):
    northwind = make_supplier(name="Northwind Office Supply")
    api, user = example_api()

    suppliers = api.get_suppliers()
    created = api.create_purchase_request({
        "title": "Laptops for the new hires",
        "description": "Two developer laptops",
        "currency": "EUR",
        "line_items": [
            {"description": "Laptop 14\"", "quantity": 2, "unit_price": "1299.00"},
            {"description": "USB-C dock", "quantity": 2, "unit_price": 189.90},
        ],
    })

    assert suppliers["count"] == 1
    assert suppliers["results"][0]["id"] == northwind.pk
    assert suppliers["results"][0]["name"] == "Northwind Office Supply"
    assert created["status"] == "draft"
    assert created["total"] == "2977.80"
    assert created["requester"]["id"] == user.pk
    assert created["livemode"] is True
    stored = PurchaseRequest.objects.get(pk=created["id"])
    assert (stored.requester_id, stored.livemode, str(stored.total)) == (user.pk, True, "2977.80")


def test_seed_python_example_with_a_test_key_stays_in_test_mode(example_api, make_supplier):
    make_supplier(name="Live supplier")
    api, _user = example_api(mode="test")

    assert api.get_suppliers()["count"] == 0
    created = api.create_purchase_request({
        "title": "Sandbox", "currency": "USD",
        "line_items": [{"description": "Widget", "quantity": 1, "unit_price": "1.00"}],
    })
    assert created["livemode"] is False


def test_seed_python_example_raises_on_errors(example_api):
    api, _user = example_api()

    with pytest.raises(requests.HTTPError) as error:
        api.create_purchase_request({"title": "No lines", "currency": "EUR", "line_items": []})

    assert error.value.response.status_code == 400
    assert error.value.response.json()["error"]["fields"]["line_items"]
