"""OAuth access tokens (`Authorization: Bearer pco_at_…`) on the API, producing the shared Principal.

Recognises its own credential by prefix and returns None for every other one (DRF's contract).
"""
from __future__ import annotations

import time

from rest_framework import authentication

from accounts import state as user_states
from oauth import generators, state
from oauth.scopes import narrow
from procure_core import principal as principals
from procure_core.credentials import bearer_token
from procure_core.errors import TokenExpired, Unauthorized, www_authenticate


class OAuthAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        raw = bearer_token(request)
        if raw is None or not generators.is_access_token(raw):
            return None
        token, owner = state.access_token_and_user(raw) if generators.is_well_formed_access_token(raw) else (None, None)
        if token is None:
            raise Unauthorized("The access token is invalid or has been revoked.")
        if token.expires_at <= time.time():
            raise TokenExpired()
        if owner is None or not owner.is_active or owner.organization_id is None:
            raise Unauthorized("The user behind this access token is inactive or does not exist.")
        # Never more than the application is allowed now, nor (for a user's token) than the
        # user holds now: an admin's change applies to live tokens on the next request.
        scopes = narrow(token.scopes, token.allowed_scopes)
        if token.user_id is not None:
            scopes = narrow(scopes, owner.scopes)
        principal = principals.Principal(
            method=principals.OAUTH,
            organization_id=owner.organization_id,
            scopes=scopes,
            # A client-credentials token acts for the owner's organization, not as the owner.
            user_id=token.user_id,
            livemode=True,
            credential_id=str(token.id),
            client_id=token.client_id,
            extra={"grant": "user" if token.user_id is not None else "client_credentials",
                   "application_owner_id": token.owner_id},
        )
        return user_states.lazy_user(owner.id), principal

    def authenticate_header(self, request) -> str:
        return www_authenticate("invalid_token")
