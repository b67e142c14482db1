"""Users log in with their email; every user belongs to one organization (CONTRACT §6)."""
from __future__ import annotations

import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from procure_core import scopes as scope_registry

PLATFORM_ORGANIZATION = "Platform"


class Organization(models.Model):
    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).strip()
        organization = extra.pop("organization", None)
        if organization is None:
            organization_name = extra.pop("organization_name", None)
            if organization_name:
                organization, _ = Organization.objects.get_or_create(name=organization_name)
        user = self.model(email=email, organization=organization, **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        # A superuser created without an organization gets one (CONTRACT §6).
        if extra.get("organization") is None and not extra.get("organization_name"):
            extra["organization_name"] = PLATFORM_ORGANIZATION
        extra.setdefault("scopes", [scope_registry.ADMIN])
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        # Email login is case-insensitive.
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


def validate_scopes(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("Scopes must be a list of scope names.")
    try:
        scope_registry.parse(value)
    except scope_registry.UnknownScope as error:
        raise ValidationError(str(error)) from error


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="users",
        null=True,  # only transiently: createsuperuser fills it (see the manager)
    )
    scopes = models.JSONField(default=list, blank=True, validators=[validate_scopes])
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Bumped whenever something that credentials depend on changes (active flag, scopes,
    # organization, password); caches of a user's authorization state are keyed on it.
    security_stamp = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(models.functions.Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = type(self).objects.normalize_email(self.email).strip()
        if self.scopes:
            try:
                self.scopes = scope_registry.ordered(scope_registry.parse(self.scopes))
            except (scope_registry.UnknownScope, AttributeError, TypeError) as error:
                raise ValidationError({"scopes": str(error)}) from error

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes or ())

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email


class RefreshSessionQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class RefreshSession(models.Model):
    """One login: the family of JWT refresh tokens that rotate from it.

    Only the newest refresh token of a family (`current_jti`) is valid; presenting an older one
    is reuse and revokes the family. The family ends 30 days after login, however often it rotates.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="refresh_sessions")
    current_jti = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=32, blank=True)
    created_ip = models.GenericIPAddressField(null=True, blank=True)

    objects = RefreshSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"session {self.id} of {self.user_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
