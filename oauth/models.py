"""What the toolkit's models do not hold: each application's allowed scopes, each user's
remembered consent, and each refresh-token family's absolute lifetime and originating code.

The toolkit's Application, Grant, AccessToken and RefreshToken are used as they are (not swapped);
these side tables point at them.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from oauth2_provider.settings import oauth2_settings

from accounts.models import validate_scopes


class ApplicationPolicy(models.Model):
    """What an admin allows an application: its scopes, and whether it may introspect any token."""

    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE, related_name="policy", primary_key=True,
    )
    allowed_scopes = models.JSONField(
        default=list, blank=True, validators=[validate_scopes],
        help_text="The most this application's tokens may carry. 'admin' implies every other scope.",
    )
    can_introspect = models.BooleanField(
        default=False,
        help_text="A resource server: may introspect tokens issued to any application (RFC 7662). "
        "Every confidential client may always introspect its own tokens.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "application policy"
        verbose_name_plural = "application policies"

    def __str__(self) -> str:
        return f"policy of {self.application}"

    @property
    def allowed_scope_set(self) -> frozenset[str]:
        return frozenset(self.allowed_scopes or ())


class ConsentQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user).select_related("application").order_by("application__name")


class Consent(models.Model):
    """A user's remembered "Allow" for an application: the consent page is skipped while a request
    asks for no more than `scopes`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oauth_consents")
    application = models.ForeignKey(
        oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    scopes = models.JSONField(default=list, validators=[validate_scopes])
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "application"], name="oauth_consent_one_per_user_application")]

    def __str__(self) -> str:
        return f"consent of {self.user_id} to {self.application_id}"

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes or ())


class TokenFamily(models.Model):
    """One authorization (a code exchange): the refresh tokens that rotate from it share its id
    (the toolkit's `RefreshToken.token_family`) and die `expires_at`, however often they rotate.

    `code_checksum` is the SHA-256 of the authorization code that started the family, so a
    replayed code can find and revoke what it issued (RFC 6749 §4.1.2).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE, related_name="token_families"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oauth_token_families", null=True, blank=True
    )
    code_checksum = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name_plural = "token families"
        indexes = [models.Index(fields=["user", "application"])]

    def __str__(self) -> str:
        return f"token family {self.id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
