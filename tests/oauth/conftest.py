"""Helpers for the OAuth tests: PKCE pairs, HTML form parsing, and the authorization-code flow
driven through the real endpoints with Django's test client (the live-server tests use requests)."""
from __future__ import annotations

import base64
import hashlib
import secrets
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from tests.fixtures_oauth import REDIRECT_URI

TOKEN_URL = "/oauth/token"
FORM = "application/x-www-form-urlencoded"


def post_form(path: str, data, client: Client | None = None, **extra):
    """POST an application/x-www-form-urlencoded body, as OAuth clients do."""
    return (client or Client()).post(path, urlencode(data, doseq=True), content_type=FORM, **extra)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def query_of(location: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


class FormParser(HTMLParser):
    """Collects each <form>'s action and its named inputs/buttons (enough for our pages)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "method": attrs.get("method"), "fields": {}, "buttons": []})
        elif tag in ("input", "button") and self.forms and attrs.get("name"):
            if tag == "button" or attrs.get("type") == "submit":
                self.forms[-1]["buttons"].append((attrs["name"], attrs.get("value", "")))
            else:
                self.forms[-1]["fields"][attrs["name"]] = attrs.get("value", "")


def forms_of(html: str) -> list[dict]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def authorize_params(application, challenge, scope="read:orders", state="s-123", **extra) -> dict:
    params = {
        "response_type": "code",
        "client_id": application.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(extra)
    return {k: v for k, v in params.items() if v is not None}


@pytest.fixture
def oauth_owner(make_user):
    """The developer who registered the applications (their organization is the client's)."""
    return make_user(email="developer@example.com", scopes=["admin"])


@pytest.fixture
def code_app(make_application, oauth_owner):
    return make_application(oauth_owner, allowed_scopes=["read:orders", "write:orders", "read:suppliers"])


@pytest.fixture
def service_app(make_application, oauth_owner):
    return make_application(oauth_owner, allowed_scopes=["read:suppliers", "write:contracts", "read:orders"],
                            grant_type="client-credentials")


@pytest.fixture
def get_code():
    """Log `user` in (test client), approve the consent page, return (code, verifier, location)."""

    def run(user, application, scope="read:orders", **extra) -> tuple[str, str, str]:
        browser = Client()
        browser.force_login(user)
        verifier, challenge = pkce_pair()
        page = browser.get("/oauth/authorize", authorize_params(application, challenge, scope=scope, **extra))
        if page.status_code == 200:
            form = forms_of(page.content.decode())[0]
            page = browser.post(form["action"], {**form["fields"], "allow": "on"})
        assert page.status_code == 302, page.content[:500]
        location = page["Location"]
        return query_of(location).get("code"), verifier, location

    return run


@pytest.fixture
def token_pair(get_code):
    """Run the whole authorization-code flow; return the token response JSON."""

    def run(user, app_and_secret, scope="read:orders") -> dict:
        application, secret = app_and_secret
        code, verifier, _ = get_code(user, application, scope=scope)
        response = post_form(TOKEN_URL, {
            "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
            "client_id": application.client_id, "client_secret": secret, "code_verifier": verifier,
        })
        assert response.status_code == 200, response.content
        return response.json()

    return run


@pytest.fixture
def closing():
    """`closing(session)`: close HTTP sessions at teardown, so no keep-alive connection outlives
    the live server."""
    opened = []

    def register(session):
        opened.append(session)
        return session

    yield register
    for session in opened:
        session.close()
