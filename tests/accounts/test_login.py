"""POST /auth/login (CONTRACT §1, §3)."""
import jwt
import pytest

from accounts.jwt import key_ring

pytestmark = pytest.mark.django_db


def jwks_key(token: str):
    """Verify like an outside service would: pick the JWKS entry by the token's kid."""
    kid = jwt.get_unverified_header(token)["kid"]
    documents = {k["kid"]: k for k in key_ring().jwks["keys"]}
    return jwt.PyJWK(documents[kid]).key


def test_login_returns_token_pair_verifiable_against_jwks(api_client, user, settings):
    response = api_client.post("/auth/login", {"username": user.email, "password": "correct horse battery staple"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "refresh", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert response["Cache-Control"] == "no-store"

    jwks = api_client.get("/.well-known/jwks.json").json()
    kid = jwt.get_unverified_header(body["token"])["kid"]
    assert kid in {k["kid"] for k in jwks["keys"]}
    assert all("d" not in k for k in jwks["keys"]), "private key material must never be published"
    claims = jwt.decode(
        body["token"], jwks_key(body["token"]), algorithms=["RS256"],
        audience=settings.PROCURE_JWT_AUDIENCE, issuer=settings.PROCURE_JWT_ISSUER,
    )
    assert claims["sub"] == str(user.pk)
    assert claims["token_type"] == "access"
    assert claims["exp"] - claims["iat"] == 3600
    refresh = jwt.decode(
        body["refresh"], jwks_key(body["refresh"]), algorithms=["RS256"],
        audience=settings.PROCURE_JWT_AUDIENCE, issuer=settings.PROCURE_JWT_ISSUER,
    )
    assert refresh["token_type"] == "refresh"
    assert refresh["exp"] - refresh["iat"] == 30 * 24 * 3600


def test_login_is_case_insensitive_on_email(api_client, user):
    response = api_client.post("/auth/login", {"username": user.email.upper(), "password": "correct horse battery staple"}, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/auth/login", "/auth/login/"])
def test_trailing_slash_works_without_redirect(api_client, user, path):
    response = api_client.post(path, {"username": user.email, "password": "correct horse battery staple"}, format="json")
    assert response.status_code == 200
    assert "token" in response.json()


def test_wrong_password_and_unknown_user_get_the_same_answer(api_client, user):
    wrong = api_client.post("/auth/login", {"username": user.email, "password": "not it"}, format="json")
    unknown = api_client.post("/auth/login", {"username": "nobody@example.com", "password": "not it"}, format="json")

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"error": {"code": "unauthorized", "message": "Invalid email or password."}}
    assert wrong["WWW-Authenticate"] == 'Bearer realm="procure-core", error="invalid_token"'


def test_inactive_user_cannot_log_in(api_client, make_user):
    inactive = make_user(email="gone@example.com", is_active=False)
    response = api_client.post("/auth/login", {"username": inactive.email, "password": "correct horse battery staple"}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_missing_fields_are_an_invalid_request_with_field_errors(api_client):
    response = api_client.post("/auth/login", {"username": "a@example.com"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert "password" in error["fields"]


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"{not json", "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b'"just a string"', "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b"username=a&password=b", "application/x-www-form-urlencoded"),
    ],
)
def test_malformed_bodies_get_400_or_415_never_500(api_client, body, content_type):
    response = api_client.generic("POST", "/auth/login", body, content_type=content_type)
    assert response.status_code in (400, 415)
    assert response.json()["error"]["code"] == "invalid_request"


def test_oversized_body_is_refused_with_400(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = api_client.generic("POST", "/auth/login", b'{"username": "' + b"a" * 4096 + b'"}', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    assert "too large" in response.json()["error"]["message"]


def test_get_on_login_is_method_not_allowed(api_client):
    response = api_client.get("/auth/login")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
