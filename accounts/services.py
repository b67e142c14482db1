"""JWT session writes: log in, rotate a refresh token, log out. Each is one transaction."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError

from accounts import state
from accounts.jwt import AccessToken, RefreshToken
from accounts.models import RefreshSession, User
from procure_core import scopes as scope_registry
from procure_core.errors import TokenExpired, Unauthorized


class RefreshTokenReused(Unauthorized):
    """A rotated refresh token came back: its family has been revoked."""

    def __init__(self, user_id):
        super().__init__("The refresh token has already been used; the session is revoked.")
        self.user_id = user_id


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    expires_in: int
    user_id: int

    def as_response(self) -> dict:
        return {"token": self.access, "refresh": self.refresh, "token_type": "Bearer", "expires_in": self.expires_in}


def _issue(user: User, session: RefreshSession, now: datetime) -> TokenPair:
    refresh = RefreshToken()
    refresh.set_iat(at_time=now)
    refresh["exp"] = int(session.expires_at.timestamp())
    refresh["jti"] = session.current_jti
    refresh["sub"] = str(user.pk)
    refresh["fam"] = str(session.id)

    access = AccessToken()
    access.set_iat(at_time=now)
    access.set_exp(from_time=now)
    access["sub"] = str(user.pk)
    access["fam"] = str(session.id)
    access["org"] = user.organization_id
    # For resource servers that verify offline; this server re-reads the user's scopes per request.
    access["scope"] = scope_registry.to_string(user.scope_set)
    return TokenPair(str(access), str(refresh), int(AccessToken.lifetime.total_seconds()), user.pk)


def log_in(user: User, ip: str | None = None) -> TokenPair:
    now = timezone.now()
    session = RefreshSession.objects.create(
        user=user,
        current_jti=uuid4().hex,
        created_at=now,
        expires_at=now + RefreshToken.lifetime,
        created_ip=ip or None,
    )
    return _issue(user, session, now)


def _decode_refresh(raw: str) -> RefreshToken:
    if not isinstance(raw, str) or not raw:
        raise Unauthorized("A refresh token is required.")
    try:
        return RefreshToken(raw)
    except ExpiredTokenError:
        raise TokenExpired("The refresh token has expired.")
    except TokenError:
        raise Unauthorized("The refresh token is invalid.")


def refresh(raw: str) -> TokenPair:
    """Rotate: the presented token must be its family's newest; an older one revokes the family."""
    token = _decode_refresh(raw)
    now = timezone.now()
    reused = False
    with transaction.atomic():
        session = (
            RefreshSession.objects.select_for_update()
            .select_related("user")
            .filter(pk=token.get("fam"))
            .first()
        )
        if session is None or session.revoked_at is not None:
            raise Unauthorized("The refresh token has been revoked.")
        if session.expires_at <= now:
            raise TokenExpired("The refresh token has expired.")
        if session.current_jti != token["jti"]:
            # Reuse of a rotated token: somebody else may hold the family. End it (and commit
            # that, so the 401 below does not roll it back).
            session.revoked_at = now
            session.revoked_reason = "reuse"
            session.save(update_fields=["revoked_at", "revoked_reason"])
            reused = True
        else:
            user = session.user
            if not user.is_active:
                raise Unauthorized("The user is inactive.")
            session.current_jti = uuid4().hex
            session.last_refreshed_at = now
            session.save(update_fields=["current_jti", "last_refreshed_at"])
            pair = _issue(user, session, now)
    if reused:
        raise RefreshTokenReused(session.user_id)
    return pair


def log_out(raw: str) -> None:
    token = _decode_refresh(raw)
    updated = RefreshSession.objects.filter(pk=token.get("fam"), revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason="logout"
    )
    if not updated and not RefreshSession.objects.filter(pk=token.get("fam")).exists():
        raise Unauthorized("The refresh token is invalid.")


def revoke_user_sessions(user: User) -> int:
    state.forget(user.pk)
    return RefreshSession.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason="admin"
    )
