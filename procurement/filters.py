"""Query-string filters of the list endpoints and reports (django-filter)."""
from __future__ import annotations

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from procurement.models import (
    Contract,
    ContractStatus,
    Currency,
    Order,
    OrderStatus,
    PurchaseRequest,
    PurchaseRequestStatus,
    Supplier,
    SupplierStatus,
)


MAX_ID = 2**63 - 1  # a BigAutoField: larger numbers are a 400, not a database overflow


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """An integer id. The list is already scoped to the caller, so another tenant's id matches nothing."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class SupplierFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=SupplierStatus.choices)
    country = filters.CharFilter(field_name="country", lookup_expr="iexact", max_length=2)
    name = filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=200)

    class Meta:
        model = Supplier
        fields = ["status", "country", "name"]


class PurchaseRequestFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=PurchaseRequestStatus.choices)
    currency = filters.ChoiceFilter(choices=Currency.choices)
    requester = IdFilter(field_name="requester_id")
    created = filters.DateFromToRangeFilter(field_name="created_at")
    needed_by = filters.DateFromToRangeFilter(field_name="needed_by")

    class Meta:
        model = PurchaseRequest
        fields = ["status", "currency", "requester", "created", "needed_by"]


class OrderFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=OrderStatus.choices)
    supplier = IdFilter(field_name="supplier_id")
    purchase_request = IdFilter(field_name="purchase_request_id")
    currency = filters.ChoiceFilter(choices=Currency.choices)
    created = filters.DateFromToRangeFilter(field_name="created_at")
    expected_on = filters.DateFromToRangeFilter(field_name="expected_on")

    class Meta:
        model = Order
        fields = ["status", "supplier", "purchase_request", "currency", "created", "expected_on"]


class ContractFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ContractStatus.choices)
    supplier = IdFilter(field_name="supplier_id")
    currency = filters.ChoiceFilter(choices=Currency.choices)
    start_date = filters.DateFromToRangeFilter(field_name="start_date")
    end_date = filters.DateFromToRangeFilter(field_name="end_date")

    class Meta:
        model = Contract
        fields = ["status", "supplier", "currency", "start_date", "end_date"]


class SpendFilter(filters.FilterSet):
    """Reports over orders: a date range on when the order was placed, and a currency."""

    created = filters.DateFromToRangeFilter(field_name="created_at")
    currency = filters.ChoiceFilter(choices=Currency.choices)
    supplier = IdFilter(field_name="supplier_id")

    class Meta:
        model = Order
        fields = ["created", "currency", "supplier"]


class ExpiringContractFilter(filters.FilterSet):
    supplier = IdFilter(field_name="supplier_id")
    currency = filters.ChoiceFilter(choices=Currency.choices)

    class Meta:
        model = Contract
        fields = ["supplier", "currency"]
