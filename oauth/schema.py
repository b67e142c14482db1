"""The OAuth 2.0 security scheme in the OpenAPI document (drf-spectacular)."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from procure_core import scopes as scope_registry


class OAuthScheme(OpenApiAuthenticationExtension):
    target_class = "oauth.authentication.OAuthAuthentication"
    name = "oauth2"

    def get_security_definition(self, auto_schema):
        scopes = dict(scope_registry.SCOPES)
        return {
            "type": "oauth2",
            "description": "Access tokens (`pco_at_…`) from /oauth/token. Authorization code requires PKCE S256.",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "/oauth/authorize",
                    "tokenUrl": "/oauth/token",
                    "refreshUrl": "/oauth/token",
                    "scopes": scopes,
                },
                "clientCredentials": {"tokenUrl": "/oauth/token", "refreshUrl": "/oauth/token", "scopes": scopes},
            },
        }
