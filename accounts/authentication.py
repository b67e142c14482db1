"""JWT and session authentication, both producing the shared Principal.

Each class recognises its own credential by shape and returns None for the others (DRF's
contract), so an API key or an OAuth token is never rejected by the JWT class.
"""
from __future__ import annotations

from rest_framework import authentication
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError

from accounts import state
from accounts.jwt import access_token_claims, looks_like_jwt
from procure_core import principal as principals
from procure_core.credentials import authorization, bearer_token
from procure_core.errors import REALM, TokenExpired, Unauthorized, www_authenticate


def principal_for_user(user_id, method: str, credential_id: str | None = None):
    """(lazy user, Principal) for a user acting with their own current scopes."""
    current = state.user_state(user_id)
    if current is None or not current.is_active:
        raise Unauthorized("The user is inactive or does not exist.")
    principal = principals.Principal(
        method=method,
        organization_id=current.organization_id,
        scopes=current.scopes,
        user_id=current.id,
        livemode=True,
        credential_id=credential_id,
    )
    return state.lazy_user(current.id), principal


class JWTAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        raw = bearer_token(request)
        if raw is None or not looks_like_jwt(raw):
            return None
        try:
            token = access_token_claims(raw)
        except ExpiredTokenError:
            raise TokenExpired()
        except TokenError:
            raise Unauthorized("The access token is invalid.")
        return principal_for_user(token["sub"], principals.JWT, credential_id=token["jti"])

    def authenticate_header(self, request) -> str:
        return www_authenticate("invalid_token")


class UnrecognizedCredentialAuthentication(authentication.BaseAuthentication):
    """Last of the header classes: an Authorization header nobody recognised is a 401,
    never a silent fall-through to the session cookie."""

    def authenticate(self, request):
        if authorization(request) is not None:
            raise Unauthorized("The credentials in the Authorization header are not recognised.")
        return None

    def authenticate_header(self, request) -> str:
        return f'Bearer realm="{REALM}"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The web session (admin, consent pages, self-service from the browser); CSRF enforced."""

    def authenticate(self, request):
        user = getattr(request._request, "user", None)
        if not user or not user.is_active or not user.is_authenticated:
            return None
        self.enforce_csrf(request)
        return principal_for_user(user.pk, principals.SESSION, credential_id=None)
