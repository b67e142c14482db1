"""An access token's authorization state, looked up by its SHA-256 with one indexed query and
cached in the shared cache; deleting or changing a token, its application or the application's
policy drops the entries (signals below), on every app instance when REDIS_URL is set.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from oauth2_provider.models import get_access_token_model, get_application_model

from accounts.state import StateHints, UserState
from oauth.models import ApplicationPolicy
from procure_core import cache

TTL_SECONDS = 300

AccessToken = get_access_token_model()
Application = get_application_model()


@dataclass(frozen=True, slots=True)
class TokenState:
    id: int
    user_id: int | None  # None for a client-credentials token
    application_id: int
    client_id: str
    owner_id: int | None  # the application's owner (the Application's `user`)
    scopes: frozenset[str]
    allowed_scopes: frozenset[str]  # the application's policy, now
    expires_at: float  # unix seconds

    @property
    def acting_user_id(self) -> int | None:
        """Whose state decides: the user for user tokens, the owner for client credentials."""
        return self.user_id if self.user_id is not None else self.owner_id


def checksum(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _key(token_checksum: str) -> str:
    return f"oauth-token:v1:{token_checksum}"


def access_token(raw: str, token_checksum: str | None = None, cached=cache.NOT_READ) -> TokenState | None:
    """The state of the access token `raw`, or None when no such token exists (or it was revoked).
    `cached`: its cache entry, already read by access_token_and_user()."""
    token_checksum = token_checksum or checksum(raw)
    key = _key(token_checksum)
    if cached is cache.NOT_READ:
        cached = cache.get(key)
    if cached is not None:
        return TokenState(*cached[:5], frozenset(cached[5]), frozenset(cached[6]), cached[7])
    row = (
        AccessToken.objects.filter(token_checksum=token_checksum, application__isnull=False)
        .values_list(
            "id", "user_id", "application_id", "application__client_id", "application__user_id",
            "scope", "application__policy__allowed_scopes", "expires",
        )
        .first()
    )
    if row is None:
        return None
    identifier, user_id, application_id, client_id, owner_id, scope, allowed, expires = row
    entry = (identifier, user_id, application_id, client_id, owner_id, scope.split(), list(allowed or ()), expires.timestamp())
    remaining = int(entry[7] - time.time())
    if remaining > 0:
        cache.set(key, entry, min(TTL_SECONDS, remaining))
    return TokenState(*entry[:5], frozenset(entry[5]), frozenset(entry[6]), entry[7])


_acting_users = StateHints()


def access_token_and_user(raw: str) -> tuple[TokenState | None, UserState | None]:
    """access_token(raw) and the current state of its acting user, in one cache round trip once
    this process has seen the token."""
    token_checksum = checksum(raw)
    return _acting_users.load(token_checksum, _key(token_checksum),
                              lambda cached: access_token(raw, token_checksum, cached),
                              lambda token: token.acting_user_id)


def forget_application(application_id) -> None:
    for token_checksum in AccessToken.objects.filter(application_id=application_id).values_list("token_checksum", flat=True):
        cache.delete(_key(token_checksum))


@receiver(post_save, sender=AccessToken)
@receiver(post_delete, sender=AccessToken)
def _token_changed(sender, instance, created: bool = False, **kwargs) -> None:
    # A token just created has no entry to drop (a miss is never cached): no cache trip per issue.
    if instance.token_checksum and not created:
        cache.delete(_key(instance.token_checksum))


@receiver(post_save, sender=Application)
@receiver(post_delete, sender=Application)
def _application_changed(sender, instance, **kwargs) -> None:
    forget_application(instance.pk)


@receiver(post_save, sender=ApplicationPolicy)
@receiver(post_delete, sender=ApplicationPolicy)
def _policy_changed(sender, instance, **kwargs) -> None:
    forget_application(instance.application_id)
