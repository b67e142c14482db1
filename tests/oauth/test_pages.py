"""The consent page and "Applications you authorized": small accessible HTML, no JavaScript or
external assets, CSRF and clickjacking protected; revoking an application ends its tokens."""
from __future__ import annotations

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from oauth.models import Consent
from tests.oauth.conftest import authorize_params, forms_of, pkce_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_consent_page_lists_the_scopes_in_plain_words(browser, code_app):
    response = browser.get("/oauth/authorize", authorize_params(code_app[0], pkce_pair()[1], scope="read:orders write:orders"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Read orders" in html and "Create and modify orders" in html
    assert code_app[0].name in html and "client.example.com" in html and "Acme" in html
    assert '<html lang="en">' in html and "<h1>" in html
    assert "<script" not in html and "http://" not in html.split("<main>")[1] and "cdn" not in html.lower()
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    form = forms_of(html)[0]
    assert form["method"] == "post" and form["action"] == "/oauth/authorize"
    assert "csrfmiddlewaretoken" in form["fields"] and ("allow", "on") in form["buttons"]
    assert "code_challenge" in form["fields"] and "nonce" not in form["fields"]


def test_consent_post_needs_the_csrf_token(browser, code_app):
    page = browser.get("/oauth/authorize", authorize_params(code_app[0], pkce_pair()[1]))
    fields = forms_of(page.content.decode())[0]["fields"]
    without = {k: v for k, v in fields.items() if k != "csrfmiddlewaretoken"}
    assert browser.post("/oauth/authorize", {**without, "allow": "on"}).status_code == 403
    assert browser.post("/oauth/authorize", {**fields, "allow": "on"}).status_code == 302


def test_authorized_applications_page_lists_and_revokes(user, code_app, token_pair):
    application, _secret = code_app
    tokens = token_pair(user, code_app, scope="read:orders write:orders")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert api.get("/v1/profile").status_code == 200

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    page = browser.get("/accounts/applications")
    html = page.content.decode()
    assert page.status_code == 200 and page["X-Frame-Options"] == "DENY"
    assert application.name in html and "Create and modify orders" in html and "<script" not in html
    form = forms_of(html)[0]

    assert browser.post("/accounts/applications", {"consent": form["fields"]["consent"]}).status_code == 403  # no CSRF
    response = browser.post("/accounts/applications", form["fields"])

    assert response.status_code == 302
    assert not Consent.objects.filter(user=user).exists()
    assert api.get("/v1/profile").status_code == 401
    from tests.oauth.conftest import TOKEN_URL, post_form
    refreshed = post_form(TOKEN_URL, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
                                      "client_id": application.client_id, "client_secret": code_app[1]})
    assert refreshed.json()["error"] == "invalid_grant"
    assert "You have not authorized any applications" in browser.get("/accounts/applications").content.decode()
    assert AuditEvent.objects.filter(event="oauth.consent_revoked", client_id=application.client_id).exists()


def test_a_user_cannot_revoke_someone_elses_consent(user, make_user, code_app, token_pair):
    token_pair(user, code_app)
    other = make_user()
    browser = Client()
    browser.force_login(other)
    consent = Consent.objects.get(user=user)
    assert browser.post("/accounts/applications", {"consent": consent.pk}).status_code == 404
    assert browser.post("/accounts/applications", {"consent": "x'; --"}).status_code == 404
    assert Consent.objects.filter(user=user).exists()


def test_authorized_applications_needs_a_sign_in():
    response = Client().get("/accounts/applications")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login")


def test_account_home_links_to_authorized_applications(user):
    browser = Client()
    browser.force_login(user)
    assert re.search(r'href="/accounts/applications"', browser.get("/accounts/").content.decode())
