"""The one place for tenant and mode filtering (CONTRACT §4 test mode, §6 organizations).

Every organization-owned model inherits `TenantModel`; every view reads through
`Model.objects.for_principal(request.auth)` (the `TenantScopedMixin` does it for viewsets), so a
view cannot forget to filter. Objects of another organization or the other mode are simply not
in the queryset: a 404, for reads and writes alike.
"""
from __future__ import annotations

from django.db import models

from procure_core.principal import Principal


class TenantQuerySet(models.QuerySet):
    def for_principal(self, principal: Principal | None):
        if principal is None or principal.organization_id is None:
            return self.none()
        return self.filter(organization_id=principal.organization_id, livemode=principal.livemode)


class TenantModel(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+", editable=False
    )
    # True for live data, False for data created with an ak_test_ key.
    livemode = models.BooleanField(default=True, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


class TenantScopedMixin:
    """For DRF generic views over a TenantModel: the queryset is always the caller's tenant and
    mode, and created objects are stamped with them."""

    def get_queryset(self):
        return super().get_queryset().for_principal(self.request.auth)

    def tenant_fields(self) -> dict:
        principal: Principal = self.request.auth
        return {"organization_id": principal.organization_id, "livemode": principal.livemode}

    def perform_create(self, serializer):
        serializer.save(**self.tenant_fields())
