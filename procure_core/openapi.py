"""The OpenAPI document (CONTRACT §1 `/v1/schema`, `/docs`): security schemes for every way to
authenticate, the scope each operation needs, and the error envelope on every 4xx.

Authentication extensions name their target class by import path, so a scheme appears exactly
when its authentication class is installed. `AutoSchema` is drf-spectacular's, plus the scope
line in each description and the error responses.
"""
from __future__ import annotations

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from procure_core import errors, permissions, scopes
from procure_core.principal import API_KEY, JWT, OAUTH, SESSION

ERROR_CODES = (
    "invalid_request", "unauthorized", "token_expired", "invalid_signature", "insufficient_scope", "forbidden",
    "https_required", "not_found", "method_not_allowed", "rate_limited", "server_error", "service_unavailable",
)

ERROR_DESCRIPTIONS = {
    "400": "Invalid request (`invalid_request`); field errors under `fields`.",
    "401": "Missing, malformed, unknown, revoked or expired credential "
    "(`unauthorized`, `token_expired`, `invalid_signature`).",
    "403": "Credential lacks the scope (`insufficient_scope`, with `required_scope`) or may not be used here "
    "(`forbidden`).",
    "404": "No such object in your organization and mode (`not_found`).",
    "429": "Rate limited (`rate_limited`); see `Retry-After`.",
}


class ErrorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[(code, code) for code in ERROR_CODES])
    message = serializers.CharField()
    required_scope = serializers.CharField(required=False, help_text="Present with `insufficient_scope`.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Per-field messages, with `invalid_request`.",
    )


class ErrorEnvelopeSerializer(serializers.Serializer):
    """Every non-2xx response of /v1/* and /auth/* (CONTRACT §3)."""

    error = ErrorSerializer()


def _required_scope(auto_schema) -> str | None:
    view = auto_schema.view
    if not any(isinstance(p, permissions.HasScope) for p in view.get_permissions()):
        return None
    return permissions.required_scope(view, auto_schema.method)


def _is_public(auto_schema) -> bool:
    view = auto_schema.view
    return not view.get_authenticators() or any(isinstance(p, AllowAny) for p in view.get_permissions())


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        scope = _required_scope(self) if operation is not None else None
        if scope:
            # After any @extend_schema(description=...) override, so every operation says it.
            line = f"Required scope: `{scope}` (or `admin`), whichever way the request is authenticated."
            operation["description"] = (operation.get("description", "") + "\n\n" + line).strip()
            operation["x-required-scope"] = scope
        return operation

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if not errors.is_api_path(self.path) or direction != "response":
            return responses
        # Public endpoints (/auth/login, /auth/refresh...) still answer 401 to a bad credential.
        codes = ["400", "401", "429"] if _is_public(self) else ["400", "401", "403", "404", "429"]
        for code in codes:
            if code not in responses or "content" not in responses[code]:
                response = self._get_response_for_code(ErrorEnvelopeSerializer, code, direction=direction)
                response["description"] = responses.get(code, {}).get("description") or ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return dict(sorted(responses.items()))


def strip_trailing_slashes(result, generator, request, public):
    """POSTPROCESSING_HOOKS: document `/v1/orders/{id}`, not `/v1/orders/{id}/` (both work; the
    routes end in `/?`)."""
    result["paths"] = {path.rstrip("/") or "/": item for path, item in result["paths"].items()}
    return result


# Security schemes ------------------------------------------------------------------------------


class _Scheme(OpenApiAuthenticationExtension):
    """A security scheme for one authentication class; listed only where the view accepts it."""

    optional = True  # the target may not be installed (yet): then the scheme is simply absent
    match_subclasses = True
    # Ahead of drf-spectacular's built-ins and any app-level extension for the same class: this
    # module is where per-operation scopes are attached.
    priority = 1
    principal_method: str = ""

    def get_security_requirement(self, auto_schema):
        allowed = getattr(auto_schema.view, "allowed_auth_methods", None)
        if allowed is not None and self.principal_method not in allowed:
            return None
        return {self.name: self.requirement_scopes(auto_schema)}

    def requirement_scopes(self, auto_schema) -> list[str]:
        # OpenAPI 3.0 §4.8.30: scopes are listed only for oauth2/openIdConnect schemes; the
        # other schemes name the scope in the operation description.
        return []


class JWTScheme(_Scheme):
    target_class = "accounts.authentication.JWTAuthentication"
    name = "jwt"
    principal_method = JWT

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A user session: `POST /auth/login` returns `token` (1 hour) and `refresh`. "
            "Send `Authorization: Bearer <token>`. The token carries the user's own scopes.",
        }


class SessionScheme(_Scheme):
    target_class = "accounts.authentication.SessionAuthentication"
    name = "session"
    principal_method = SESSION

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "The web session of `/accounts/login` (browser only); unsafe methods also need "
            "the `X-CSRFToken` header.",
        }


class ApiKeyScheme(_Scheme):
    target_class = "apikeys.authentication.ApiKeyAuthentication"
    name = "apiKey"
    principal_method = API_KEY

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "ak_live_… / ak_test_…",
            "description": "An API key created at `/v1/api-keys`: `Authorization: Bearer ak_live_...`. "
            "`ak_test_` keys see and create only test-mode data. A key carries at most its owner's scopes.",
        }


class HmacScheme(_Scheme):
    target_class = "apikeys.authentication.HmacAuthentication"
    name = "hmac"
    principal_method = API_KEY

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "An API key signing each request instead of sending the key:\n\n"
                "`Authorization: PC-HMAC-SHA256 KeyId=<key_id>, Timestamp=<unix seconds>, "
                "Nonce=<16-64 chars>, Signature=<lowercase hex>`\n\n"
                "`string_to_sign = METHOD\\nPATH\\nCANONICAL_QUERY\\nTIMESTAMP\\nNONCE\\nhex(sha256(BODY))`, "
                "`Signature = hex(hmac_sha256(key = the full API key, msg = string_to_sign))`. "
                "The timestamp must be within 300 s of the server clock and a nonce is accepted once."
            ),
        }


class OAuthScheme(_Scheme):
    target_class = "oauth.authentication.OAuthAuthentication"
    name = "oauth2"
    principal_method = OAUTH

    def requirement_scopes(self, auto_schema) -> list[str]:
        scope = _required_scope(auto_schema)
        return [scope] if scope else []

    def get_security_definition(self, auto_schema):
        registry = dict(scopes.SCOPES)
        return {
            "type": "oauth2",
            "description": "OAuth 2.0 access tokens. The authorization code flow requires PKCE with S256 "
            "(`code_challenge_method=S256`); client credentials tokens carry at most the client's allowed scopes.",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "/oauth/authorize",
                    "tokenUrl": "/oauth/token",
                    "refreshUrl": "/oauth/token",
                    "scopes": registry,
                },
                "clientCredentials": {"tokenUrl": "/oauth/token", "refreshUrl": "/oauth/token", "scopes": registry},
            },
        }


class UnrecognizedCredentialScheme(OpenApiAuthenticationExtension):
    """The catch-all that refuses unknown Authorization headers is not a way to authenticate."""

    target_class = "accounts.authentication.UnrecognizedCredentialAuthentication"
    name: list[str] = []

    def get_security_requirement(self, auto_schema):
        return None

    def get_security_definition(self, auto_schema):
        return []


# Views -----------------------------------------------------------------------------------------

# Imported here, not at the top: drf_spectacular.views reads DEFAULT_SCHEMA_CLASS, which is the
# AutoSchema above, so this module must define it before that import runs.
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView  # noqa: E402


class SchemaView(SpectacularAPIView):
    """`GET /v1/schema`: the OpenAPI 3 document (YAML; `?format=json` for JSON). No credential needed."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class DocsView(SpectacularSwaggerView):
    """`GET /docs`: Swagger UI, served from local static files (drf-spectacular-sidecar)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    url_name = "schema"
