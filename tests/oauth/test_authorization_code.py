"""Authorization code + PKCE S256 through the real login and consent pages, driven over HTTP by
authlib's OAuth2Session against the live server (CONTRACT §5)."""
from __future__ import annotations

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from audit.models import AuditEvent
from oauth.models import Consent
from tests.conftest import DEFAULT_PASSWORD
from tests.fixtures_oauth import REDIRECT_URI
from tests.oauth.conftest import authorize_params, forms_of, pkce_pair, query_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _plain_http_to_the_live_server(monkeypatch):
    # The live server speaks HTTP on 127.0.0.1; authlib refuses that unless told it is a test.
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture
def metadata(live_server) -> dict:
    return requests.get(f"{live_server.url}/.well-known/oauth-authorization-server", timeout=10).json()


def sign_in_and_consent(browser: requests.Session, authorization_url: str, user, allow: bool = True) -> requests.Response:
    """What a person does in the browser: follow to the login page, sign in, answer the consent page."""
    page = browser.get(authorization_url, timeout=10)  # follows the redirect to /accounts/login
    assert "/accounts/login" in page.url
    login_form = forms_of(page.text)[0]
    page = browser.post(page.url.split("?")[0], data={**login_form["fields"], "username": user.email, "password": DEFAULT_PASSWORD},
                        headers={"Referer": page.url}, timeout=10)
    assert page.status_code == 200 and "/oauth/authorize" in page.url, page.text[:300]
    assert page.headers["X-Frame-Options"] == "DENY"
    consent_form = forms_of(page.text)[0]
    fields = dict(consent_form["fields"])
    if allow:
        fields["allow"] = "on"
    action = page.url.split("/oauth/")[0] + consent_form["action"]
    return browser.post(action, data=fields, headers={"Referer": page.url}, allow_redirects=False, timeout=10)


def test_authorization_code_with_pkce_through_login_and_consent(live_server, metadata, user, code_app, closing):
    application, secret = code_app
    client = closing(OAuth2Session(application.client_id, secret, scope="read:orders read:suppliers", redirect_uri=REDIRECT_URI,
                           code_challenge_method="S256", token_endpoint_auth_method="client_secret_post"))
    verifier = generate_token(64)
    authorization_url, state = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier)

    answer = sign_in_and_consent(closing(requests.Session()), authorization_url, user)

    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT_URI + "?")
    returned = query_of(location)
    assert returned["state"] == state
    assert returned["iss"] == metadata["issuer"]  # RFC 9207
    token = client.fetch_token(metadata["token_endpoint"], authorization_response=location, code_verifier=verifier)
    assert token["access_token"].startswith("pco_at_") and token["refresh_token"].startswith("pco_rt_")
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    assert token["scope"] == "read:orders read:suppliers"

    profile = client.get(f"{live_server.url}/v1/profile", timeout=10).json()
    assert profile["email"] == user.email
    assert profile["auth"] == {"method": "oauth", "scopes": ["read:suppliers", "read:orders"], "livemode": True,
                               "client_id": application.client_id}
    assert Consent.objects.get(user=user, application=application).scopes == ["read:suppliers", "read:orders"]
    assert AuditEvent.objects.filter(event="oauth.token_issued", client_id=application.client_id).exists()


def test_consent_is_remembered_for_the_same_or_fewer_scopes(live_server, user, code_app, closing):
    application, _secret = code_app
    browser = closing(requests.Session())
    verifier, challenge = pkce_pair()
    first = sign_in_and_consent(browser, f"{live_server.url}/oauth/authorize?" + _query(authorize_params(
        application, challenge, scope="read:orders write:orders")), user)
    assert "code" in query_of(first.headers["Location"])

    fewer = browser.get(f"{live_server.url}/oauth/authorize", params=authorize_params(application, challenge, scope="read:orders"),
                        allow_redirects=False, timeout=10)
    assert fewer.status_code == 302 and "code" in query_of(fewer.headers["Location"])  # no page this time

    more = browser.get(f"{live_server.url}/oauth/authorize", params=authorize_params(
        application, challenge, scope="read:orders read:suppliers"), allow_redirects=False, timeout=10)
    assert more.status_code == 200 and "Read supplier information" in more.text  # asks again

    forced = browser.get(f"{live_server.url}/oauth/authorize", params=authorize_params(
        application, challenge, scope="read:orders", prompt="consent"), allow_redirects=False, timeout=10)
    assert forced.status_code == 200


def test_deny_returns_access_denied_with_state_and_no_code(live_server, user, code_app, closing):
    application, _secret = code_app
    _verifier, challenge = pkce_pair()
    answer = sign_in_and_consent(closing(requests.Session()), f"{live_server.url}/oauth/authorize?" + _query(
        authorize_params(application, challenge, state="xyz")), user, allow=False)
    returned = query_of(answer.headers["Location"])
    assert returned["error"] == "access_denied" and returned["state"] == "xyz" and "code" not in returned
    assert not Consent.objects.filter(user=user).exists()


def test_consent_post_without_csrf_token_is_refused(live_server, user, code_app, closing):
    application, _secret = code_app
    _verifier, challenge = pkce_pair()
    browser = closing(requests.Session())
    url = f"{live_server.url}/oauth/authorize?" + _query(authorize_params(application, challenge))
    page = browser.get(url, timeout=10)
    login_form = forms_of(page.text)[0]
    page = browser.post(page.url.split("?")[0], data={**login_form["fields"], "username": user.email, "password": DEFAULT_PASSWORD},
                        headers={"Referer": page.url}, timeout=10)
    fields = {k: v for k, v in forms_of(page.text)[0]["fields"].items() if k != "csrfmiddlewaretoken"}
    forged = requests.post(f"{live_server.url}/oauth/authorize", data={**fields, "allow": "on"},
                           cookies=browser.cookies, allow_redirects=False, timeout=10)
    assert forged.status_code == 403
    assert "Location" not in forged.headers


def _query(params: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def test_token_exchange_over_http_with_code_from_pages(live_server, user, code_app, get_code):
    """The same exchange without authlib, as the product page's curl does (plus the verifier)."""
    application, secret = code_app
    code, verifier, _ = get_code(user, application)
    response = requests.post(f"{live_server.url}/oauth/token", data={
        "grant_type": "authorization_code", "code": code, "client_id": application.client_id,
        "client_secret": secret, "redirect_uri": REDIRECT_URI, "code_verifier": verifier}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
