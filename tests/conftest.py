"""Shared fixtures: factories for organizations and users, API clients, and a controlled clock."""
from __future__ import annotations

import itertools
from functools import lru_cache

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.crypto import get_random_string
from rest_framework.test import APIClient

from accounts.models import Organization, User

pytest_plugins = ["tests.leakcheck", "tests.fixtures_apikeys", "tests.fixtures_oauth", "tests.fixtures_procurement"]

DEFAULT_PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)


@lru_cache(maxsize=16)
def _password_hash(password: str) -> str:
    # Argon2 stays the real hasher; each distinct password is hashed once per test session.
    return make_password(password)


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_organization(db):
    def make(name: str | None = None) -> Organization:
        return Organization.objects.create(name=name or f"Org {next(_sequence)}")

    return make


@pytest.fixture
def organization(make_organization) -> Organization:
    return make_organization("Acme")


@pytest.fixture
def make_user(db, organization):
    def make(
        email: str | None = None,
        scopes=("read:orders",),
        organization: Organization | None = None,
        password: str = DEFAULT_PASSWORD,
        **extra,
    ) -> User:
        user = User(
            email=email or f"user{next(_sequence)}@example.com",
            organization=organization or _default_org(),
            scopes=list(scopes),
            **extra,
        )
        user.password = _password_hash(password)
        user.save()
        return user

    def _default_org():
        return organization

    return make


@pytest.fixture
def user(make_user) -> User:
    return make_user(email="buyer@example.com", scopes=["read:orders", "write:orders", "read:suppliers"])


@pytest.fixture
def admin_user(make_user) -> User:
    """A platform admin (superuser) who can sign in to /admin/ with DEFAULT_PASSWORD."""
    return make_user(email="root@example.com", scopes=["admin"], is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    """Django's test client signed in to the admin as `admin_user`."""
    client.force_login(admin_user)
    return client


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def login(api_client):
    """Log a user in through /auth/login and return the JSON body."""

    def do(user: User, password: str = DEFAULT_PASSWORD) -> dict:
        response = api_client.post("/auth/login", {"username": user.email, "password": password}, format="json")
        assert response.status_code == 200, response.content
        return response.json()

    return do


@pytest.fixture
def jwt_client(login):
    """An APIClient carrying a fresh JWT access token for the user."""

    def make(user: User) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {login(user)['token']}")
        return client

    return make


CREDENTIAL_KINDS = ("jwt", "session", "api_key", "hmac", "oauth")


@pytest.fixture
def credential_client(request, make_user):
    """`credential_client(kind, scopes, mode="live", organization=None)`: a client whose every
    request is authenticated by a credential of that kind carrying exactly `scopes`, for a
    fresh user of the organization holding those scopes. Kinds: CREDENTIAL_KINDS.

    The per-kind factories live in tests/fixtures_<app>.py:
      api_key -> `api_key_client`, hmac -> `hmac_client` (fixtures_apikeys),
      oauth -> `oauth_client` (fixtures_oauth); each takes (user, scopes, mode).
    """

    def make(kind: str, scopes, mode: str = "live", organization=None):
        user = make_user(scopes=list(scopes), organization=organization)
        if kind == "jwt":
            assert mode == "live", "JWTs are always live"
            return request.getfixturevalue("jwt_client")(user)
        if kind == "session":
            assert mode == "live", "sessions are always live"
            client = APIClient(enforce_csrf_checks=True)
            client.force_login(user)
            # What a browser does: the csrftoken cookie plus the X-CSRFToken header on every
            # request, so unsafe methods pass Django's CSRF check (it is still enforced).
            token = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
            client.cookies[settings.CSRF_COOKIE_NAME] = token
            client.credentials(HTTP_X_CSRFTOKEN=token)
            return client
        factory = {"api_key": "api_key_client", "hmac": "hmac_client", "oauth": "oauth_client"}[kind]
        return request.getfixturevalue(factory)(user, list(scopes), mode)

    return make
