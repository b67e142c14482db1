"""The project's URLs plus the same supplier list behind no authentication and behind each peer."""
from django.urls import path
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework_api_key.permissions import HasAPIKey
from rest_framework_simplejwt.authentication import JWTAuthentication

from accounts.models import Organization
from procure_core.urls import urlpatterns as project_urlpatterns
from procurement.models import Supplier
from procurement.views import SupplierViewSet


class FixedTenantSuppliers(SupplierViewSet):
    """The same list, serializer, filters and pagination, for the bench organization and live mode
    (the peers have no ProcureCore principal to filter by)."""

    organization_id: int | None = None

    def get_queryset(self):
        # Looked up once per process: a query per request here would slow the baseline and the
        # peers, never ProcureCore's own endpoint (its principal carries the organization).
        if FixedTenantSuppliers.organization_id is None:
            FixedTenantSuppliers.organization_id = Organization.objects.only("id").get(name="Bench Org").pk
        return Supplier.objects.filter(organization_id=FixedTenantSuppliers.organization_id, livemode=True)


def view(authentication, permission):
    cls = type("BenchSuppliers", (FixedTenantSuppliers,), {
        "authentication_classes": authentication, "permission_classes": permission})
    return cls.as_view({"get": "list"})


urlpatterns = [
    path("bench/unauthenticated/suppliers", view([], [AllowAny])),
    path("bench/peer/drf-api-key/suppliers", view([], [HasAPIKey])),
    path("bench/peer/simplejwt/suppliers", view([JWTAuthentication], [IsAuthenticated])),
    path("bench/peer/dot/suppliers", view([OAuth2Authentication], [IsAuthenticated])),
    *project_urlpatterns,
]
