"""The oauthlib server we offer: authorization code (PKCE S256 only), client credentials and
refresh token. The implicit, password and device grants are not registered at all, so asking for
them is `unsupported_response_type` / `unsupported_grant_type` whatever the toolkit's gates say.
"""
from __future__ import annotations

import re

from oauthlib.oauth2 import (
    AuthorizationEndpoint,
    BearerToken,
    ClientCredentialsGrant,
    IntrospectEndpoint,
    RefreshTokenGrant,
    ResourceEndpoint,
    RevocationEndpoint,
    TokenEndpoint,
)
from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc6749.grant_types import authorization_code

# RFC 7636 §4.2: BASE64URL(SHA256(verifier)) without padding is exactly 43 characters.
S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")


class AuthorizationCodeGrant(authorization_code.AuthorizationCodeGrant):
    # RFC 9700 §2.1.1: `plain` is refused (and so is a challenge without a method, which
    # RFC 7636 defaults to `plain`).
    _code_challenge_methods = {"S256": authorization_code.code_challenge_method_s256}

    def validate_authorization_request(self, request):
        scopes, info = super().validate_authorization_request(request)
        if not S256_CHALLENGE.fullmatch(request.code_challenge or ""):
            raise errors.InvalidRequestError(
                description="code_challenge must be the unpadded base64url SHA-256 of the code_verifier (43 characters).",
                request=request,
            )
        return scopes, info


class Server(AuthorizationEndpoint, IntrospectEndpoint, TokenEndpoint, ResourceEndpoint, RevocationEndpoint):
    def __init__(self, request_validator, token_expires_in=None, token_generator=None,
                 refresh_token_generator=None, *args, **kwargs):
        # kwargs carries the toolkit's device-flow settings; there is no device grant here.
        code_grant = AuthorizationCodeGrant(request_validator)
        credentials_grant = ClientCredentialsGrant(request_validator)
        refresh_grant = RefreshTokenGrant(request_validator)
        bearer = BearerToken(request_validator, token_generator, token_expires_in, refresh_token_generator)
        AuthorizationEndpoint.__init__(
            self, default_response_type="code", response_types={"code": code_grant}, default_token_type=bearer
        )
        TokenEndpoint.__init__(
            self,
            default_grant_type="authorization_code",
            grant_types={
                "authorization_code": code_grant,
                "client_credentials": credentials_grant,
                "refresh_token": refresh_grant,
            },
            default_token_type=bearer,
        )
        ResourceEndpoint.__init__(self, default_token="Bearer", token_types={"Bearer": bearer})
        RevocationEndpoint.__init__(self, request_validator)
        IntrospectEndpoint.__init__(self, request_validator)
