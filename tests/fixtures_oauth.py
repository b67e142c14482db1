"""Fixtures for the oauth tests, shared with the other suites (see tests/conftest.py)."""
from __future__ import annotations

import itertools

import pytest
from oauth2_provider.models import get_application_model
from rest_framework.test import APIClient

from oauth import services
from oauth.models import ApplicationPolicy
from procure_core import scopes as scope_registry

Application = get_application_model()
REDIRECT_URI = "https://client.example.com/callback"
_sequence = itertools.count(1)


@pytest.fixture
def make_application(db):
    """`make_application(owner, allowed_scopes, grant_type="authorization-code", ...)` ->
    (Application, client_secret_plain). The secret is stored hashed, as in production."""

    def make(owner, allowed_scopes=(), grant_type=Application.GRANT_AUTHORIZATION_CODE,
             client_type=Application.CLIENT_CONFIDENTIAL, redirect_uris=REDIRECT_URI, name=None,
             can_introspect=False, skip_authorization=False):
        application = Application(
            name=name or f"App {next(_sequence)}",
            user=owner,
            client_type=client_type,
            authorization_grant_type=grant_type,
            redirect_uris=redirect_uris if grant_type == Application.GRANT_AUTHORIZATION_CODE else "",
            skip_authorization=skip_authorization,
        )
        secret = application.client_secret  # generated; hashed on save
        application.full_clean()
        application.save()
        ApplicationPolicy.objects.create(
            application=application, allowed_scopes=scope_registry.ordered(allowed_scopes), can_introspect=can_introspect
        )
        return application, secret

    return make


@pytest.fixture
def make_oauth_token(make_application):
    """`make_oauth_token(user, scopes, application=None)` -> a raw `pco_at_` access token issued
    through the service code, stored exactly as the token endpoint stores one."""

    def make(user, scopes, application=None, expires_in=None) -> str:
        if application is None:
            application, _secret = make_application(user, allowed_scopes=scopes)
        return services.issue_access_token(application, user, scopes, expires_in=expires_in)

    return make


@pytest.fixture
def oauth_client(make_oauth_token):
    """`oauth_client(user, scopes, mode="live")` -> an APIClient sending `Bearer <token>`."""

    def make(user, scopes, mode: str = "live") -> APIClient:
        assert mode == "live", "OAuth tokens are always live"
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_oauth_token(user, list(scopes))}")
        return client

    return make
