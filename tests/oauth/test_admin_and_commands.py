"""Client registration (Django admin, createapplication + set_application_scopes), hashed storage
of secrets and tokens, and the deploy checks."""
from __future__ import annotations

import io
import re
import time

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from oauth2_provider.models import AccessToken, Application, RefreshToken

from oauth.models import ApplicationPolicy
from tests.oauth.conftest import TOKEN_URL, post_form

pytestmark = pytest.mark.django_db


def test_admin_offers_registry_scopes_and_only_the_grants_we_support(admin_client):
    page = admin_client.get("/admin/oauth2_provider/application/add/").content.decode()
    for scope in ("read:purchase-requests", "write:contracts", "admin"):
        assert f'name="policy-0-allowed_scopes" value="{scope}"' in page
    assert 'value="authorization-code"' in page and 'value="client-credentials"' in page
    assert 'value="password"' not in page and 'value="implicit"' not in page
    assert 'name="hash_client_secret"' not in page


def test_admin_registers_a_client_whose_secret_works_and_is_stored_hashed(admin_client, oauth_owner):
    page = admin_client.get("/admin/oauth2_provider/application/add/")
    form = page.context["adminform"].form
    secret = form.initial["client_secret"] if "client_secret" in form.initial else form.fields["client_secret"].initial()
    client_id = form.fields["client_id"].initial()
    response = admin_client.post("/admin/oauth2_provider/application/add/", {
        "client_id": client_id, "client_secret": secret, "user": oauth_owner.pk, "name": "Supplier sync",
        "client_type": "confidential", "authorization_grant_type": "client-credentials", "redirect_uris": "",
        "policy-TOTAL_FORMS": "1", "policy-INITIAL_FORMS": "0", "policy-MIN_NUM_FORMS": "1", "policy-MAX_NUM_FORMS": "1",
        "policy-0-allowed_scopes": ["read:suppliers", "write:contracts"],
    })
    assert response.status_code == 302, response.content[:3000]
    application = Application.objects.get(name="Supplier sync")
    assert identify_hasher(application.client_secret).algorithm == "oauth_client_secret"
    assert ApplicationPolicy.objects.get(application=application).allowed_scopes == ["read:suppliers", "write:contracts"]
    token = post_form(TOKEN_URL, {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret,
                                  "scope": "read:suppliers write:contracts"})
    assert token.status_code == 200


def test_createapplication_then_set_application_scopes(oauth_owner):
    out = io.StringIO()
    call_command("createapplication", "confidential", "client-credentials", "--name", "Reporting", "--user", str(oauth_owner.pk),
                 stdout=out)
    secret = re.search(r"client_secret: (\S+)", out.getvalue()).group(1)
    application = Application.objects.get(name="Reporting")
    assert application.client_secret != secret and check_password(secret, application.client_secret)

    call_command("set_application_scopes", application.client_id, "read:reports read:orders", stdout=io.StringIO())
    response = post_form(TOKEN_URL, {"grant_type": "client_credentials", "client_id": application.client_id, "client_secret": secret})
    assert response.status_code == 200 and response.json()["scope"] == "read:orders read:reports"

    with pytest.raises(CommandError):
        call_command("set_application_scopes", application.client_id, "read:everything", stdout=io.StringIO())


def test_secrets_are_always_hashed_and_never_short(oauth_owner):
    application = Application(name="x", user=oauth_owner, client_type="confidential",
                              authorization_grant_type="client-credentials", hash_client_secret=False)
    application.save()
    assert identify_hasher(application.client_secret).algorithm == "oauth_client_secret"
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Application(name="y", user=oauth_owner, client_type="confidential", client_secret="hunter2",
                    authorization_grant_type="client-credentials").save()


def test_client_secret_hasher_is_fast_and_user_passwords_stay_argon2(user):
    encoded = make_password("s" * 128, hasher="oauth_client_secret")
    started = time.perf_counter()
    for _ in range(100):
        assert check_password("s" * 128, encoded)
    assert (time.perf_counter() - started) / 100 < 0.001
    assert not check_password("t" * 128, encoded)
    assert identify_hasher(user.password).algorithm == "argon2"


def test_tokens_are_stored_hashed(user, code_app, token_pair):
    tokens = token_pair(user, code_app)
    access, refresh = AccessToken.objects.get(), RefreshToken.objects.get()
    assert access.token == "" and refresh.token == ""
    assert tokens["access_token"] not in (access.token_checksum, refresh.token_checksum)
    assert len(access.token_checksum) == 64


def test_deploy_checks_have_no_oauth_findings():
    found = run_checks(include_deployment_checks=True, tags=["security"])
    assert not [message.id for message in found if message.id.startswith("oauth2_provider") or message.id == "procure.E007"]
