"""The procurement API (CONTRACT §1): viewsets for suppliers, purchase requests, orders and
contracts, their workflow actions, and the read-only reports.

Each viewset declares its scope resource once (HasScope maps safe methods to read:, the rest to
write:) and reads through TenantScopedMixin, so another organization's or mode's object is a 404.
"""
from __future__ import annotations

from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from procure_core.tenancy import TenantScopedMixin
from procurement import filters, reports, serializers, services
from procurement.models import Contract, Order, PurchaseRequest, Supplier

ID_PATTERN = r"[0-9]{1,18}"


class TenantViewSet(TenantScopedMixin, viewsets.ModelViewSet):
    lookup_value_regex = ID_PATTERN

    def reload(self, instance):
        """The instance as the list and detail endpoints read it (relations loaded)."""
        return self.get_queryset().get(pk=instance.pk)


def _transition_schema(serializer, description: str, request=None):
    return extend_schema(
        request=request,
        responses={200: serializer},
        description=description,
    )


@extend_schema_view(
    list=extend_schema(description="Suppliers, filtered by status, country or name."),
    create=extend_schema(description="Add a supplier."),
    destroy=extend_schema(description="Delete a supplier that has no orders or contracts (block it otherwise)."),
)
class SupplierViewSet(TenantViewSet):
    scope_resource = "suppliers"
    queryset = Supplier.objects.all()
    serializer_class = serializers.SupplierSerializer
    filterset_class = filters.SupplierFilter
    ordering_fields = ["name", "country", "status", "created_at", "id"]
    ordering = ["name", "id"]

    def perform_destroy(self, instance):
        services.delete_supplier(instance)


@extend_schema_view(
    list=extend_schema(description="Purchase requests with their line items, newest first."),
    create=extend_schema(description="Create a draft purchase request; the total is computed from the line items."),
    update=extend_schema(description="Replace a draft purchase request (line items included)."),
    partial_update=extend_schema(description="Edit a draft; `line_items`, when given, replace all lines."),
    destroy=extend_schema(description="Delete a draft purchase request."),
)
class PurchaseRequestViewSet(TenantViewSet):
    scope_resource = "purchase-requests"
    queryset = PurchaseRequest.objects.select_related("requester", "approver").prefetch_related("line_items")
    serializer_class = serializers.PurchaseRequestSerializer
    filterset_class = filters.PurchaseRequestFilter
    ordering_fields = ["created_at", "total", "title", "status", "needed_by", "id"]
    ordering = ["-created_at", "-id"]

    def perform_create(self, serializer):
        serializer.instance = services.create_purchase_request(
            tenant=self.tenant_fields(), requester_id=self.request.auth.user_id, **serializer.validated_data
        )

    def perform_update(self, serializer):
        updated = services.update_purchase_request(serializer.instance, dict(serializer.validated_data))
        serializer.instance = self.reload(updated)

    def perform_destroy(self, instance):
        services.delete_purchase_request(instance)

    @_transition_schema(serializers.PurchaseRequestSerializer, "Submit a draft for approval (draft → submitted).")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._respond(services.submit_purchase_request(self.get_object()))

    @_transition_schema(
        serializers.PurchaseRequestSerializer,
        "Approve a submitted request (submitted → approved); the caller is recorded as approver.",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._respond(
            services.approve_purchase_request(self.get_object(), approver_id=request.auth.user_id)
        )

    @_transition_schema(
        serializers.PurchaseRequestSerializer,
        "Reject a submitted request (submitted → rejected), with an optional reason.",
        request=serializers.RejectSerializer,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        body = serializers.RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            services.reject_purchase_request(
                self.get_object(), approver_id=request.auth.user_id, reason=body.validated_data["reason"]
            )
        )

    def _respond(self, instance):
        return Response(self.get_serializer(self.reload(instance)).data)


@extend_schema_view(
    list=extend_schema(description="Orders, newest first."),
    create=extend_schema(
        description="Place an order for an approved purchase request with an active supplier, "
        "at the request's total and currency."
    ),
    update=extend_schema(description="Edit an open order (supplier, expected date, notes)."),
    partial_update=extend_schema(description="Edit an open order (supplier, expected date, notes)."),
    destroy=extend_schema(description="Delete an open order (cancel it once sent)."),
)
class OrderViewSet(TenantViewSet):
    scope_resource = "orders"
    queryset = Order.objects.select_related("supplier")
    serializer_class = serializers.OrderSerializer
    filterset_class = filters.OrderFilter
    ordering_fields = ["created_at", "total", "status", "expected_on", "id"]
    ordering = ["-created_at", "-id"]

    def perform_create(self, serializer):
        serializer.instance = services.place_order(tenant=self.tenant_fields(), **serializer.validated_data)

    def perform_update(self, serializer):
        updated = services.update_order(serializer.instance, dict(serializer.validated_data))
        serializer.instance = self.reload(updated)

    def perform_destroy(self, instance):
        services.delete_order(instance)

    @_transition_schema(serializers.OrderSerializer, "Send the order to the supplier (open → sent).")
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        return self._respond(services.send_order(self.get_object()))

    @_transition_schema(serializers.OrderSerializer, "Record the goods as received (sent → received).")
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        return self._respond(services.receive_order(self.get_object()))

    @_transition_schema(serializers.OrderSerializer, "Cancel the order (open or sent → cancelled).")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._respond(services.cancel_order(self.get_object()))

    def _respond(self, instance):
        return Response(self.get_serializer(self.reload(instance)).data)


@extend_schema_view(
    list=extend_schema(description="Contracts, soonest ending first."),
    create=extend_schema(description="Create a draft contract with a supplier."),
    update=extend_schema(description="Replace a draft contract."),
    partial_update=extend_schema(description="Edit a draft contract."),
    destroy=extend_schema(description="Delete a draft contract (terminate it once active)."),
)
class ContractViewSet(TenantViewSet):
    scope_resource = "contracts"
    queryset = Contract.objects.select_related("supplier")
    serializer_class = serializers.ContractSerializer
    filterset_class = filters.ContractFilter
    ordering_fields = ["end_date", "start_date", "value", "created_at", "title", "status", "id"]
    ordering = ["end_date", "id"]

    def perform_update(self, serializer):
        updated = services.update_contract(serializer.instance, dict(serializer.validated_data))
        serializer.instance = self.reload(updated)

    def perform_destroy(self, instance):
        services.delete_contract(instance)

    @_transition_schema(serializers.ContractSerializer, "Put a draft contract into force (draft → active).")
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self._respond(services.activate_contract(self.get_object()))

    @_transition_schema(serializers.ContractSerializer, "End an active contract early (active → terminated).")
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        return self._respond(services.terminate_contract(self.get_object()))

    @_transition_schema(
        serializers.ContractSerializer, "Mark an active contract whose end date has passed as expired (active → expired)."
    )
    @action(detail=True, methods=["post"])
    def expire(self, request, pk=None):
        return self._respond(services.expire_contract(self.get_object()))

    def _respond(self, instance):
        return Response(self.get_serializer(self.reload(instance)).data)


# Reports -------------------------------------------------------------------------------------


class ReportView(TenantScopedMixin, generics.ListAPIView):
    """A read-only aggregate over the caller's orders or contracts, paginated like every list."""

    required_scopes = {"GET": "read:reports", "HEAD": "read:reports", "OPTIONS": "read:reports"}
    filter_backends = [DjangoFilterBackend]
    http_method_names = ["get", "head", "options"]

    def report(self, queryset):
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        rows = self.report(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class SpendBySupplierView(ReportView):
    """Spend (orders sent or received) per supplier and currency, largest first within a currency."""

    queryset = Order.objects.all()
    serializer_class = serializers.SpendBySupplierSerializer
    filterset_class = filters.SpendFilter

    def report(self, queryset):
        return reports.spend_by_supplier(queryset)


class SpendByMonthView(ReportView):
    """Spend (orders sent or received) per month of the order date (UTC) and currency."""

    queryset = Order.objects.all()
    serializer_class = serializers.SpendByMonthSerializer
    filterset_class = filters.SpendFilter

    def report(self, queryset):
        return reports.spend_by_month(queryset)


class OrderCountsView(ReportView):
    """How many orders are in each status (every status listed, zeros included)."""

    queryset = Order.objects.all()
    serializer_class = serializers.OrderCountSerializer
    filterset_class = filters.SpendFilter

    def report(self, queryset):
        return reports.order_counts_by_status(queryset)


@extend_schema(parameters=[serializers.ExpiringQuerySerializer])
class ContractsExpiringView(ReportView):
    """Active contracts ending within the next `days` days (default 30), soonest first."""

    queryset = Contract.objects.all()
    serializer_class = serializers.ExpiringContractSerializer
    filterset_class = filters.ExpiringContractFilter

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": self.today}

    def report(self, queryset):
        query = serializers.ExpiringQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        self.today = timezone.localdate()
        return reports.contracts_expiring(queryset, today=self.today, days=query.validated_data["days"])

