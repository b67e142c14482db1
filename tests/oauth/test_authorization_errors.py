"""Authorization endpoint and code exchange: every bad input gets its RFC error, a bad client or
redirect URI is never redirected to, and nothing answers 500."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken
from rest_framework.test import APIClient

from oauth.models import TokenFamily
from tests.fixtures_oauth import REDIRECT_URI
from tests.oauth.conftest import TOKEN_URL, authorize_params, forms_of, pkce_pair, post_form, query_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def exchange(application, secret, code, verifier, **overrides):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
            "client_id": application.client_id, "client_secret": secret, "code_verifier": verifier}
    data.update(overrides)
    return post_form(TOKEN_URL, {k: v for k, v in data.items() if v is not None})


def profile_status(access_token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    return client.get("/v1/profile").status_code


@pytest.mark.parametrize("redirect_uri", [
    "https://evil.example.com/callback",
    "https://client.example.com/callback/extra",
    "https://client.example.com/callback?next=https://evil.example.com",
    "http://client.example.com/callback",
    "https://client.example.com:8443/callback",
    "https://attacker@client.example.com/callback",
    "https://client.example.com/callback#fragment",
])
def test_wrong_redirect_uri_is_an_error_page_never_a_redirect(browser, code_app, redirect_uri):
    _verifier, challenge = pkce_pair()
    response = browser.get("/oauth/authorize", authorize_params(code_app[0], challenge, redirect_uri=redirect_uri))
    assert response.status_code == 400
    assert "Location" not in response
    assert "evil" not in response.content.decode().split("<main>")[1]


def test_unknown_client_is_an_error_page(browser):
    _verifier, challenge = pkce_pair()
    response = browser.get("/oauth/authorize", {"response_type": "code", "client_id": "nope", "redirect_uri": REDIRECT_URI,
                                                "code_challenge": challenge, "code_challenge_method": "S256"})
    assert response.status_code in (400, 401) and "Location" not in response
    assert "Invalid client_id" in response.content.decode()


@pytest.mark.parametrize("duplicated", ["client_id", "redirect_uri", "scope", "state", "code_challenge", "response_type"])
def test_duplicated_authorization_parameters_are_refused_without_redirect(browser, code_app, duplicated):
    _verifier, challenge = pkce_pair()
    params = authorize_params(code_app[0], challenge)
    query = "&".join(f"{k}={v}" for k, v in params.items()) + f"&{duplicated}={params[duplicated]}"
    response = browser.get(f"/oauth/authorize?{query}")
    assert response.status_code == 400 and "Location" not in response
    assert "invalid_request" in response.content.decode()


@pytest.mark.parametrize("pkce, description", [
    ({"code_challenge": None, "code_challenge_method": None}, "challenge"),
    ({"code_challenge_method": "plain"}, "not supported"),
    ({"code_challenge_method": None}, "not supported"),  # RFC 7636 defaults to plain
    ({"code_challenge": "short"}, "43 characters"),
    ({"code_challenge": "A" * 129}, "43 characters"),
])
def test_pkce_s256_is_required_and_plain_is_refused(browser, code_app, pkce, description):
    _verifier, challenge = pkce_pair()
    response = browser.get("/oauth/authorize", authorize_params(code_app[0], challenge, state="st", **pkce))
    assert response.status_code == 302
    returned = query_of(response["Location"])
    assert response["Location"].startswith(REDIRECT_URI)
    assert returned["error"] == "invalid_request" and returned["state"] == "st" and "code" not in returned
    assert description in returned["error_description"]
    assert "iss" in returned


@pytest.mark.parametrize("scope", ["read:orders admin", "read:contracts", "read:orders nonsense"])
def test_asking_for_more_than_the_user_or_application_may_is_invalid_scope(browser, code_app, scope):
    # The user holds read:orders write:orders read:suppliers; the application allows the same.
    _verifier, challenge = pkce_pair()
    response = browser.get("/oauth/authorize", authorize_params(code_app[0], challenge, scope=scope))
    assert response.status_code == 302
    assert query_of(response["Location"])["error"] == "invalid_scope"


def test_a_scope_the_application_may_not_have_is_invalid_scope_even_if_the_user_holds_it(make_user, code_app):
    boss = make_user(scopes=["admin"])
    client = Client()
    client.force_login(boss)
    _verifier, challenge = pkce_pair()
    response = client.get("/oauth/authorize", authorize_params(code_app[0], challenge, scope="read:reports"))
    assert query_of(response["Location"])["error"] == "invalid_scope"


def test_without_a_scope_parameter_the_grant_is_what_both_allow(make_user, make_application, oauth_owner, get_code):
    application, secret = make_application(oauth_owner, allowed_scopes=["read:orders", "read:contracts"])
    reader = make_user(scopes=["read:orders", "read:suppliers"])
    code, verifier, _ = get_code(reader, application, scope=None)
    assert exchange(application, secret, code, verifier).json()["scope"] == "read:orders"


def test_implicit_grant_is_not_offered(browser, code_app):
    _verifier, challenge = pkce_pair()
    response = browser.get("/oauth/authorize", authorize_params(code_app[0], challenge, response_type="token"))
    assert response.status_code == 302
    location = response["Location"]
    assert query_of(location)["error"] == "unsupported_response_type"
    assert "access_token" not in location


def test_signed_out_user_is_sent_to_the_web_login(code_app):
    _verifier, challenge = pkce_pair()
    response = Client().get("/oauth/authorize", authorize_params(code_app[0], challenge))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login?next=/oauth/authorize")


def test_tampered_consent_form_cannot_widen_scope_or_redirect_elsewhere(browser, code_app):
    _verifier, challenge = pkce_pair()
    page = browser.get("/oauth/authorize", authorize_params(code_app[0], challenge))
    fields = forms_of(page.content.decode())[0]["fields"]

    widened = browser.post("/oauth/authorize", {**fields, "scope": "read:orders admin", "allow": "on"})
    assert widened.status_code == 302 and query_of(widened["Location"])["error"] == "invalid_scope"

    elsewhere = browser.post("/oauth/authorize", {**fields, "redirect_uri": "https://evil.example.com/", "allow": "on"})
    assert elsewhere.status_code == 400 and "Location" not in elsewhere

    unknown = browser.post("/oauth/authorize", {**fields, "client_id": "forged", "allow": "on"})
    assert unknown.status_code in (400, 401) and "Location" not in unknown

    incomplete = browser.post("/oauth/authorize", {"allow": "on"})
    assert incomplete.status_code == 400 and "Location" not in incomplete


def test_missing_code_verifier_is_invalid_request(user, code_app, get_code):
    application, secret = code_app
    code, _verifier, _ = get_code(user, application)
    response = exchange(application, secret, code, None)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_mismatched_code_verifier_is_invalid_grant(user, code_app, get_code):
    application, secret = code_app
    code, _verifier, _ = get_code(user, application)
    other_verifier, _ = pkce_pair()
    response = exchange(application, secret, code, other_verifier)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    assert response["Cache-Control"] == "no-store"


def test_reused_code_fails_and_revokes_the_tokens_it_issued(user, code_app, get_code):
    application, secret = code_app
    code, verifier, _ = get_code(user, application)
    first = exchange(application, secret, code, verifier).json()
    assert profile_status(first["access_token"]) == 200

    replay = exchange(application, secret, code, verifier)

    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert profile_status(first["access_token"]) == 401
    refresh = post_form(TOKEN_URL, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"],
                                    "client_id": application.client_id, "client_secret": secret})
    assert refresh.status_code == 400 and refresh.json()["error"] == "invalid_grant"
    assert TokenFamily.objects.get().revoked_reason == "code_reuse"


def test_code_is_bound_to_its_client_and_redirect_uri(user, code_app, make_application, oauth_owner, get_code):
    application, secret = code_app
    other, other_secret = make_application(oauth_owner, allowed_scopes=["read:orders"])
    code, verifier, _ = get_code(user, application)
    stolen = exchange(other, other_secret, code, verifier)
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    moved = exchange(application, secret, code, verifier, redirect_uri="https://client.example.com/other")
    assert moved.status_code == 400 and moved.json()["error"] in ("invalid_grant", "invalid_request")
    assert not AccessToken.objects.exists()


def test_expired_code_is_invalid_grant(user, code_app, get_code, time_machine):
    application, secret = code_app
    code, verifier, _ = get_code(user, application)
    time_machine.move_to(timezone.now() + timedelta(seconds=61))
    assert exchange(application, secret, code, verifier).json()["error"] == "invalid_grant"


def test_code_of_a_user_deactivated_since_consent_is_invalid_grant(user, code_app, get_code):
    application, secret = code_app
    code, verifier, _ = get_code(user, application)
    user.is_active = False
    user.save()
    assert exchange(application, secret, code, verifier).json()["error"] == "invalid_grant"
    assert not RefreshToken.objects.exists()


@pytest.mark.parametrize("client_id", ["abc%00def", "%0d%0aSet-Cookie:x=1"])
def test_control_characters_in_the_authorization_request_are_an_error_page(browser, code_app, client_id):
    _verifier, challenge = pkce_pair()
    response = browser.get(f"/oauth/authorize?response_type=code&client_id={client_id}&code_challenge={challenge}"
                           "&code_challenge_method=S256")
    assert response.status_code == 400 and "Location" not in response


def test_a_public_client_exchanges_its_code_with_pkce_alone(user, make_application, oauth_owner, get_code):
    application, _secret = make_application(oauth_owner, allowed_scopes=["read:orders"], client_type="public")
    code, verifier, _ = get_code(user, application)
    response = post_form(TOKEN_URL, {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
                                     "client_id": application.client_id, "code_verifier": verifier})
    assert response.status_code == 200 and response.json()["access_token"].startswith("pco_at_")
