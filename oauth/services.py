"""OAuth writes that touch several rows: start or end a token family, revoke what a replayed code
issued, remember or withdraw a user's consent, issue a token outside the HTTP flow.
Each is one transaction.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import (
    get_access_token_model,
    get_grant_model,
    get_refresh_token_model,
    refresh_token_expire_timedelta,
    set_token_value,
)
from oauth2_provider.settings import oauth2_settings

from oauth import generators
from oauth.models import Consent, TokenFamily
from procure_core import scopes as scope_registry

AccessToken = get_access_token_model()
RefreshToken = get_refresh_token_model()
Grant = get_grant_model()


def code_checksum(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def family_lifetime() -> timedelta:
    return refresh_token_expire_timedelta() or timedelta(days=30)


def start_family(family_id, application, user, code: str | None) -> TokenFamily:
    """A code exchange starts a family; its refresh tokens die 30 days later, rotated or not."""
    now = timezone.now()
    return TokenFamily.objects.create(
        id=family_id,
        application=application,
        user=user,
        code_checksum=code_checksum(code) if code else None,
        created_at=now,
        expires_at=now + family_lifetime(),
    )


def revoke_family(family_id, reason: str) -> None:
    """Every refresh token of the family, and the access tokens they issued, stop working."""
    with transaction.atomic():
        RefreshToken.revoke_family(family_id)
        TokenFamily.objects.filter(pk=family_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason=reason
        )


def revoke_tokens_from_code(code: str, application) -> TokenFamily | None:
    """RFC 6749 §4.1.2: a code presented twice must fail, and the tokens it issued be revoked."""
    family = TokenFamily.objects.filter(code_checksum=code_checksum(code), application=application).first()
    if family is not None:
        revoke_family(family.pk, "code_reuse")
    return family


def remember_consent(user, application, scopes) -> Consent:
    """The user allowed `scopes`: remember them together with what was allowed before."""
    now = timezone.now()
    with transaction.atomic():
        consent, created = Consent.objects.select_for_update().get_or_create(
            user=user, application=application,
            defaults={"scopes": scope_registry.ordered(scopes), "created_at": now, "updated_at": now},
        )
        if not created:
            consent.scopes = scope_registry.ordered(consent.scope_set | frozenset(scopes))
            consent.updated_at = now
            consent.save(update_fields=["scopes", "updated_at"])
    return consent


def withdraw_consent(user, application) -> int:
    """The user revokes an application: the consent goes and so does every token and pending
    code the application holds for the user. Returns how many access tokens stopped working."""
    with transaction.atomic():
        live = AccessToken.objects.filter(user=user, application=application).count()
        Consent.objects.filter(user=user, application=application).delete()
        Grant.objects.filter(user=user, application=application).delete()
        families = (
            RefreshToken.objects.filter(user=user, application=application, revoked__isnull=True)
            .exclude(token_family=None).values_list("token_family", flat=True).distinct()
        )
        for family_id in list(families):
            revoke_family(family_id, "user_revoked")
        for refresh_token in RefreshToken.objects.filter(user=user, application=application, revoked__isnull=True):
            refresh_token.revoke()
        # With receivers connected Django deletes row by row, so the token cache is invalidated.
        AccessToken.objects.filter(user=user, application=application).delete()
    return live


def issue_access_token(application, user, scopes, expires_in: int | None = None) -> str:
    """An access token stored exactly as the token endpoint stores one (hashed at rest).
    For tests and operational scripts; third parties get tokens through /oauth/token."""
    raw = generators.access_token()
    token = AccessToken(
        user=user,
        application=application,
        scope=scope_registry.to_string(scopes),
        expires=timezone.now() + timedelta(seconds=expires_in or oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS),
    )
    set_token_value(token, raw)
    token.save()
    return raw
