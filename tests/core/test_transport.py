"""CONTRACT §7: HTTPS required in production (403, never a redirect), trusted proxies only."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def production(settings):
    settings.PROCURE_REQUIRE_HTTPS = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    return settings


@pytest.mark.parametrize("path", ["/v1/profile", "/auth/login", "/oauth/token", "/auth/refresh/"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_plain_http_is_refused_with_https_required(production, path, method):
    response = getattr(APIClient(), method)(path)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "https_required"
    assert "Location" not in response


def test_https_passes_and_carries_hsts(production, user, login):
    client = APIClient()
    tokens = client.post("/auth/login", {"username": user.email, "password": "correct horse battery staple"}, format="json", secure=True)
    assert tokens.status_code == 200
    assert tokens["Strict-Transport-Security"].startswith("max-age=31536000")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.json()['token']}")
    response = client.get("/v1/profile", secure=True)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_forwarded_proto_from_an_untrusted_peer_is_ignored(production):
    production.TRUSTED_PROXIES = ["10.0.0.1"]
    response = APIClient().get("/v1/profile", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="203.0.113.9")
    assert response.json()["error"]["code"] == "https_required"


def test_forwarded_proto_from_a_trusted_proxy_is_honoured(production):
    production.TRUSTED_PROXIES = ["10.0.0.0/8"]
    response = APIClient().get("/v1/profile", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 401  # past the transport rule, now asking for credentials
    assert response.json()["error"]["code"] == "unauthorized"


def test_healthz_and_admin_login_page_are_not_api_paths(production):
    assert APIClient().get("/healthz").status_code == 200


def _start_django(env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "JWT_PRIVATE_KEY", "JWT_PRIVATE_KEY_FILE")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','procure_core.settings'); django.setup(); print('started')"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_production_refuses_the_development_secret_key():
    result = _start_django({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_to_start_without_a_jwt_key():
    result = _start_django({"DEBUG": "0", "SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "JWT_PRIVATE_KEY" in result.stderr


def test_development_starts_with_nothing_set():
    result = _start_django({"DEBUG": ""})
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout
