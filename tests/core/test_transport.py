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


@pytest.mark.slow
def test_production_server_refuses_plain_http_and_believes_only_trusted_proxies(tmp_path):
    """A real gunicorn with DEBUG off: the whole production settings path, not an override."""
    import requests
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from tests import processes

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp_path / "jwt.pem"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    env = processes.app_env(
        f"sqlite:///{tmp_path / 'prod.sqlite3'}", None,
        DEBUG="0", SECRET_KEY="s" * 64, JWT_PRIVATE_KEY_FILE=str(key_file), TRUSTED_PROXIES="127.0.0.1",
        ALLOWED_HOSTS="127.0.0.1", WEB_CONCURRENCY="1", API_KEY_ENCRYPTION_KEY="k" * 64,
    )
    processes.manage(env, "migrate", "--noinput")
    with processes.app_instances(env, count=1) as (app,):
        plain = requests.post(f"{app.url}/auth/login", json={"username": "a@example.com", "password": "x"}, timeout=10)
        assert plain.status_code == 403
        assert plain.json()["error"]["code"] == "https_required"
        assert "Location" not in plain.headers

        # Behind the trusted proxy (127.0.0.1 here) that terminated TLS.
        proxied = requests.post(f"{app.url}/auth/login", json={"username": "a@example.com", "password": "x"},
                                headers={"X-Forwarded-Proto": "https"}, timeout=10)
        assert proxied.status_code == 401
        assert proxied.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert proxied.headers["X-Content-Type-Options"] == "nosniff"
        assert "Traceback" not in proxied.text
