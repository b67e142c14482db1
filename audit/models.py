"""The audit log: an append-only record of security events (who, what, when, from where, with
which credential). Rows are never updated or deleted through the ORM; secrets are never stored."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(RuntimeError):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")

    def delete(self):
        raise AppendOnlyError("Audit events are append-only.")


class AuditEvent(models.Model):
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    event = models.CharField(max_length=64, db_index=True)  # e.g. "login.failed", "api_key.revoked"
    outcome = models.CharField(max_length=16, default="success", db_index=True)  # success | failure | denied
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    actor_email = models.CharField(max_length=254, blank=True)  # a snapshot: the user may change or go
    organization_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    method = models.CharField(max_length=16, blank=True)  # jwt | session | api_key | oauth | admin | command
    key_id = models.CharField(max_length=64, blank=True, db_index=True)
    client_id = models.CharField(max_length=128, blank=True, db_index=True)
    path = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["actor", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.event} {self.outcome}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")

    def as_json(self) -> dict:
        return {
            "id": self.pk,
            "created_at": self.created_at.isoformat(),
            "event": self.event,
            "outcome": self.outcome,
            "actor_id": self.actor_id,
            "actor_email": self.actor_email,
            "organization_id": self.organization_id,
            "ip": self.ip,
            "method": self.method,
            "key_id": self.key_id,
            "client_id": self.client_id,
            "path": self.path,
            "detail": self.detail,
        }
