"""ApiKey: a user's long-lived credential for server-to-server calls (CONTRACT §4).

The key itself is never stored: only its public `key_id`, a verifier half of its SHA-256 (for
Bearer) and the key sealed with an encryption key kept outside the database (for HMAC).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apikeys import keys

MODE_CHOICES = [(keys.LIVE, "Live"), (keys.TEST, "Test")]


class ApiKeyQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Keys that authenticate now: not revoked (a rotated key until its grace ends), not expired."""
        now = now or timezone.now()
        return self.filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=now)).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )

    def revoked(self, now=None):
        return self.filter(revoked_at__lte=now or timezone.now())

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now())

    def owned_by(self, user_id):
        return self.filter(owner_id=user_id)


class ApiKey(models.Model):
    key_id = models.CharField(max_length=32, unique=True, editable=False)
    prefix = models.CharField(max_length=16, editable=False, help_text="Display only, e.g. ak_live_3fQx…")
    # Last 128 bits of SHA-256(key), hex; the first 128 bits are the key_id (apikeys.keys.derive).
    verifier = models.CharField(max_length=32, editable=False)
    # The key sealed with PROCURE_API_KEY_ENCRYPTION_KEY (apikeys.encryption); needed for HMAC.
    sealed_secret = models.BinaryField(editable=False)

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    mode = models.CharField(max_length=4, choices=MODE_CHOICES, default=keys.LIVE, editable=False)
    scopes = models.JSONField(default=list, blank=True)
    allowed_ips = models.JSONField(default=list, blank=True, help_text="Addresses and CIDR ranges; empty = any.")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    # When the key stops working. A rotation with a grace period sets it in the future.
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The key this one replaced; one-to-one, so a key is rotated at most once.
    rotated_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replacement", editable=False
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API key"
        indexes = [models.Index(fields=["owner", "-created_at"], name="apikeys_owner_created_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(mode__in=[keys.LIVE, keys.TEST]), name="apikeys_mode_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def livemode(self) -> bool:
        return self.mode == keys.LIVE

    def is_revoked(self, now=None) -> bool:
        return self.revoked_at is not None and self.revoked_at <= (now or timezone.now())

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return not self.is_revoked(now) and not self.is_expired(now)

    @property
    def in_grace_period(self) -> bool:
        return self.revoked_at is not None and self.revoked_at > timezone.now()
