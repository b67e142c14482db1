"""GET /v1/profile and JWT/session authentication: shapes, expiry, tampering, dispatch."""
import time
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import jwt as accounts_jwt

pytestmark = pytest.mark.django_db

CHALLENGE = 'Bearer realm="procure-core", error="invalid_token"'


def get_profile(token: str | None = None, **extra):
    client = APIClient()
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get("/v1/profile", **extra)


def assert_unauthorized(response, code="unauthorized"):
    assert response.status_code == 401, response.content
    assert response.json()["error"]["code"] == code
    assert response["WWW-Authenticate"] == CHALLENGE


def test_profile_describes_the_caller_and_the_credential(user, login):
    response = get_profile(login(user)["token"])

    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "organization": {"id": user.organization.pk, "name": user.organization.name},
        "scopes": ["read:suppliers", "read:orders", "write:orders"],
        "auth": {"method": "jwt", "scopes": ["read:suppliers", "read:orders", "write:orders"], "livemode": True},
    }


@pytest.mark.parametrize("path", ["/v1/profile", "/v1/profile/"])
def test_profile_with_and_without_trailing_slash(user, login, path):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {login(user)['token']}")
    assert client.get(path).status_code == 200


def test_session_authentication_says_session(user):
    client = APIClient()
    client.force_login(user)
    response = client.get("/v1/profile")
    assert response.status_code == 200
    assert response.json()["auth"]["method"] == "session"


def test_missing_credentials_are_unauthorized():
    assert_unauthorized(get_profile())


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Bearer a b",
        "Basic dXNlcjpwYXNz",
        "Token abc",
        "Bearer eyJhbGciOiJub25lIn0.e30.",
        "Bearer " + "x" * 70000,
        "Bearer eyJ" + "a" * 9000 + ".b.c",
    ],
)
def test_malformed_or_unknown_authorization_headers_are_401(header):
    client = APIClient()
    response = client.get("/v1/profile", HTTP_AUTHORIZATION=header)
    assert_unauthorized(response)


def test_non_ascii_authorization_header_is_401():
    client = APIClient()
    response = client.get("/v1/profile", HTTP_AUTHORIZATION="Bearer caf\u00e9")
    assert_unauthorized(response)


def test_expired_access_token_says_token_expired(user, login, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    token = login(user)["token"]
    time_machine.shift(timedelta(seconds=3599))
    assert get_profile(token).status_code == 200
    time_machine.shift(timedelta(seconds=1))
    assert_unauthorized(get_profile(token), code="token_expired")


def test_tampered_token_is_unauthorized(user, login):
    header, payload, signature = login(user)["token"].split(".")
    forged_payload = jwt.utils.base64url_encode(b'{"sub":"1","token_type":"access"}').decode()
    assert_unauthorized(get_profile(f"{header}.{forged_payload}.{signature}"))


def _claims(user, **overrides):
    now = int(time.time())
    claims = {
        "token_type": "access", "sub": str(user.pk), "jti": "x" * 32, "iat": now, "exp": now + 600,
        "iss": "https://api.procure-core.com", "aud": "procure-core-api",
    }
    claims.update(overrides)
    return claims


def _sign(claims, key=None, kid=None, algorithm="RS256"):
    ring = accounts_jwt.key_ring()
    return jwt.encode(claims, key or ring.signing_key, algorithm=algorithm, headers={"kid": kid or ring.kid})


@pytest.mark.parametrize(
    "overrides",
    [{"aud": "someone-else"}, {"iss": "https://evil.example"}, {"token_type": "refresh"}, {"jti": None}],
)
def test_wrong_claims_are_unauthorized(user, overrides):
    claims = {k: v for k, v in _claims(user, **overrides).items() if v is not None}
    assert_unauthorized(get_profile(_sign(claims)))


def test_token_signed_by_another_key_is_unauthorized(user):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert_unauthorized(get_profile(_sign(_claims(user), key=stranger)))


def test_hs256_key_confusion_is_refused(user):
    # The public key as an HMAC secret: the classic algorithm-confusion attack.
    public_pem = accounts_jwt.key_ring().signing_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    import hashlib, hmac, json, base64

    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "kid": accounts_jwt.key_ring().kid}).encode())
    payload = b64(json.dumps(_claims(user)).encode())
    signature = b64(hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    assert_unauthorized(get_profile(f"{header}.{payload}.{signature}"))


def test_retired_signing_key_keeps_verifying_after_rotation(user, settings, tmp_path):
    old = accounts_jwt.key_ring()
    old_token = _sign(_claims(user))
    new_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    retired = tmp_path / "retired.pem"
    retired.write_bytes(old.signing_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    settings.PROCURE_JWT_PRIVATE_KEY = new_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    settings.PROCURE_JWT_RETIRED_PUBLIC_KEY_FILES = [str(retired)]
    accounts_jwt.reset_key_ring()
    try:
        ring = accounts_jwt.key_ring()
        assert ring.kid != old.kid and old.kid in ring.verifying_keys
        assert get_profile(old_token).status_code == 200
        assert jwt.get_unverified_header(_sign(_claims(user)))["kid"] == ring.kid
        jwks = APIClient().get("/.well-known/jwks.json").json()
        assert {k["kid"] for k in jwks["keys"]} == {old.kid, ring.kid}
    finally:
        accounts_jwt.reset_key_ring()


def test_deactivating_a_user_stops_their_jwt_on_the_next_request(user, login):
    token = login(user)["token"]
    assert get_profile(token).status_code == 200
    user.is_active = False
    user.save()
    assert_unauthorized(get_profile(token))


def test_scope_changes_apply_on_the_next_request(user, login):
    token = login(user)["token"]
    user.scopes = ["read:reports"]
    user.save()
    assert get_profile(token).json()["auth"]["scopes"] == ["read:reports"]


def test_credentials_in_the_query_string_are_refused(user, login):
    token = login(user)["token"]
    response = APIClient().get(f"/v1/profile?access_token={token}")
    assert_unauthorized(response)
    assert "query string" in response.json()["error"]["message"]
    # A credential-shaped value under any name is refused too, even with a valid header.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_unauthorized(client.get(f"/v1/profile?q={token}"))


def test_profile_query_count_is_constant(user, login, django_assert_max_num_queries):
    token = login(user)["token"]
    get_profile(token)  # warms the user-state cache
    with django_assert_max_num_queries(1):  # the lazy user row for the body, nothing for auth
        assert get_profile(token).status_code == 200
