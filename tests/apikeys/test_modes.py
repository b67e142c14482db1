"""Test mode: an ak_test_ key sees and creates only test-mode data; live keys and JWTs only live
data (CONTRACT §4). The key sets the principal's livemode; TenantModel querysets filter on it."""
import pytest

from procure_core.principal import Principal
from tests.apikeys.conftest import error_of

SUPPLIER_SCOPES = ["read:suppliers", "write:suppliers"]


@pytest.fixture
def supplier_owner(make_user):
    return make_user(scopes=SUPPLIER_SCOPES)


def test_objects_never_cross_modes(supplier_owner, make_api_key, bearer, jwt_client, hmac_client):
    _, test_raw = make_api_key(supplier_owner, scopes=SUPPLIER_SCOPES, mode="test")
    _, live_raw = make_api_key(supplier_owner, scopes=SUPPLIER_SCOPES, mode="live")
    test_client, live_client = bearer(test_raw), bearer(live_raw)
    jwt = jwt_client(supplier_owner)

    created = test_client.post("/v1/suppliers", {"name": "Test GmbH", "country": "DE", "contact_email": "t@test.example"}, format="json")
    assert created.status_code == 201, created.content
    test_supplier = created.json()
    assert test_supplier["livemode"] is False
    live_supplier = live_client.post("/v1/suppliers", {"name": "Live AG", "country": "CH", "contact_email": "l@live.example"}, format="json").json()
    assert live_supplier["livemode"] is True

    signed_test = hmac_client(supplier_owner, SUPPLIER_SCOPES, "test")
    for client, mine, other in ((test_client, test_supplier, live_supplier), (signed_test, test_supplier, live_supplier),
                                (live_client, live_supplier, test_supplier), (jwt, live_supplier, test_supplier)):
        listed = [s["id"] for s in client.get("/v1/suppliers").json()["results"]]
        assert listed == [mine["id"]]
        assert client.get(f"/v1/suppliers/{mine['id']}").status_code == 200
        error_of(client.get(f"/v1/suppliers/{other['id']}"), 404, "not_found")
        error_of(client.patch(f"/v1/suppliers/{other['id']}", {"name": "x"}, format="json"), 404, "not_found")


def test_tenant_querysets_filter_on_the_principals_mode(supplier_owner, make_api_key, rf):
    from rest_framework.request import Request

    from apikeys.authentication import ApiKeyAuthentication
    from procurement.models import Supplier

    _, raw = make_api_key(supplier_owner, mode="test")
    principal = Request(rf.get("/v1/profile", HTTP_AUTHORIZATION=f"Bearer {raw}"),
                        authenticators=[ApiKeyAuthentication()]).auth
    assert isinstance(principal, Principal) and principal.livemode is False
    Supplier.objects.create(organization_id=supplier_owner.organization_id, livemode=False, name="T", country="DE")
    Supplier.objects.create(organization_id=supplier_owner.organization_id, livemode=True, name="L", country="DE")
    assert [s.name for s in Supplier.objects.for_principal(principal)] == ["T"]
