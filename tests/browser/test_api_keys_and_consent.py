"""End to end in a real Chromium: the admin's API key lifecycle, and the OAuth consent page."""
import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests

from apikeys.models import ApiKey
from tests.fixtures_oauth import REDIRECT_URI

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def status_with(live_server, key: str) -> int:
    return requests.get(f"{live_server.url}/v1/profile", headers={"Authorization": f"Bearer {key}"}, timeout=10).status_code


def sign_in_to_admin(page, live_server):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "root@example.com")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def run_action(page, live_server, key_id: str, action: str):
    page.goto(f"{live_server.url}/admin/apikeys/apikey/")
    row = page.locator("tr", has=page.locator(f"text={key_id}"))
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")


def test_admin_creates_a_key_sees_it_once_rotates_and_revokes_it(page, snap, live_server, admin_user, make_user):
    owner = make_user(email="integrator@example.com", scopes=["read:orders", "read:suppliers"])
    sign_in_to_admin(page, live_server)

    page.goto(f"{live_server.url}/admin/apikeys/apikey/add/")
    page.select_option("#id_owner", str(owner.pk))
    page.fill("#id_name", "ERP sync")
    page.check("input[name=scopes][value='read:orders']")
    page.click("input[type=submit][value='Create key']")
    key = page.locator("code.api-key-plaintext").inner_text().strip()
    snap("key-shown-once")
    assert key.startswith("ak_live_")
    created = ApiKey.objects.get(name="ERP sync")
    assert status_with(live_server, key) == 200

    # Never shown again: not on the list, not on the key's own page.
    page.goto(f"{live_server.url}/admin/apikeys/apikey/")
    assert key not in page.content()
    page.goto(f"{live_server.url}/admin/apikeys/apikey/{created.pk}/change/")
    snap("key-detail")
    assert key not in page.content() and created.key_id in page.content()

    run_action(page, live_server, created.key_id, "rotate_keys")
    rotated = page.locator("code.api-key-plaintext").inner_text().strip()
    snap("key-rotated")
    assert rotated != key
    assert status_with(live_server, key) == 401
    assert status_with(live_server, rotated) == 200

    new_key_id = ApiKey.objects.exclude(pk=created.pk).get(name="ERP sync").key_id
    run_action(page, live_server, new_key_id, "revoke_keys")
    snap("key-revoked")
    assert "Revoked 1 key" in page.content()
    assert status_with(live_server, rotated) == 401


def test_user_consents_on_the_consent_page_and_the_client_gets_a_code(page, snap, live_server, make_user, make_application):
    owner = make_user(email="vendor@example.com", scopes=["read:orders"])
    user = make_user(email="buyer@example.com", scopes=["read:orders", "write:orders"])
    application, secret = make_application(owner, allowed_scopes=["read:orders", "write:orders"], name="Spend Insights")
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state = secrets.token_urlsafe(16)
    # The client's callback is not on this machine: answer it inside the browser.
    page.route(REDIRECT_URI.split("?")[0] + "*", lambda route: route.fulfill(status=200, body="client received the code"))

    query = urlencode({"response_type": "code", "client_id": application.client_id, "redirect_uri": REDIRECT_URI,
                       "scope": "read:orders write:orders", "state": state, "code_challenge": challenge,
                       "code_challenge_method": "S256"})
    page.goto(f"{live_server.url}/oauth/authorize?{query}")
    page.wait_for_selector("#id_username")  # the web login first
    page.fill("#id_username", user.email)
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Authorize Spend Insights?")
    snap("consent")
    listed = page.locator("ul.scopes").inner_text()
    assert "Read orders" in listed and "Create and modify orders" in listed
    page.click("button[name=allow]")
    page.wait_for_url(REDIRECT_URI.split("?")[0] + "*")
    snap("client-callback")

    callback = parse_qs(urlparse(page.url).query)
    assert callback["state"] == [state]
    assert "iss" in callback  # RFC 9207
    token = requests.post(f"{live_server.url}/oauth/token", data={
        "grant_type": "authorization_code", "code": callback["code"][0], "redirect_uri": REDIRECT_URI,
        "client_id": application.client_id, "client_secret": secret, "code_verifier": verifier}, timeout=10)
    assert token.status_code == 200, token.text
    profile = requests.get(f"{live_server.url}/v1/profile", headers={"Authorization": f"Bearer {token.json()['access_token']}"}, timeout=10)
    assert profile.json()["auth"] == {"method": "oauth", "scopes": ["read:orders", "write:orders"], "livemode": True,
                                      "client_id": application.client_id}
