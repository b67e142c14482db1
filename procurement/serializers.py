"""Request and response shapes of the procurement API.

Serializers validate and present; they never save (the views call services.py or the tenant
mixin). Foreign keys in a body are looked up inside the caller's organization and mode only, so a
reference to another tenant's object reads as "does not exist": 400 with the field named.
"""
from __future__ import annotations

from decimal import Decimal

from django.db import models
from rest_framework import serializers

from procurement import workflow
from procurement.models import Contract, LineItem, Order, PurchaseRequest, Supplier


class TextField(serializers.CharField):
    """A CharField that refuses text the database cannot store (lone UTF-16 surrogates)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise serializers.ValidationError("Must be valid Unicode text.") from None
        return value


class SafeEmailField(serializers.EmailField, TextField):
    pass


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: TextField,
        models.TextField: TextField,
        models.EmailField: SafeEmailField,
    }


class TenantPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key in a request body, looked up only among the caller's organization and mode.

    Another tenant's id gets the same answer as an id that does not exist (no existence oracle).
    """

    def get_queryset(self):
        request = self.context["request"]
        return super().get_queryset().for_principal(request.auth)


class UserSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    name = serializers.CharField(read_only=True)


# Suppliers -----------------------------------------------------------------------------------


class SupplierSerializer(ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["id", "name", "contact_email", "country", "status", "livemode", "created_at", "updated_at"]
        read_only_fields = ["livemode", "created_at", "updated_at"]


# Purchase requests ---------------------------------------------------------------------------


class LineItemSerializer(ModelSerializer):
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"))
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=4, min_value=Decimal("0"))

    class Meta:
        model = LineItem
        fields = ["id", "description", "quantity", "unit_price", "amount"]
        read_only_fields = ["id", "amount"]


class PurchaseRequestSerializer(ModelSerializer):
    description = TextField(required=False, allow_blank=True, max_length=5000)
    line_items = LineItemSerializer(many=True, allow_empty=False, max_length=200)
    requester = UserSummarySerializer(read_only=True, allow_null=True)
    approver = UserSummarySerializer(read_only=True, allow_null=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = PurchaseRequest
        fields = [
            "id", "title", "description", "currency", "line_items", "total", "status", "allowed_actions",
            "needed_by", "requester", "approver", "rejection_reason", "submitted_at", "decided_at",
            "livemode", "created_at", "updated_at",
        ]
        read_only_fields = [
            "total", "status", "rejection_reason", "submitted_at", "decided_at", "livemode", "created_at", "updated_at",
        ]

    def get_allowed_actions(self, obj: PurchaseRequest) -> list[str]:
        return workflow.PURCHASE_REQUEST.allowed_actions(obj.status)


class RejectSerializer(serializers.Serializer):
    reason = TextField(required=False, allow_blank=True, max_length=1000, default="")


# Orders --------------------------------------------------------------------------------------


class OrderSerializer(ModelSerializer):
    purchase_request = TenantPrimaryKeyRelatedField(queryset=PurchaseRequest.objects.all())
    supplier = TenantPrimaryKeyRelatedField(queryset=Supplier.objects.all())
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    notes = TextField(required=False, allow_blank=True, max_length=5000)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "id", "purchase_request", "supplier", "supplier_name", "currency", "total", "status", "allowed_actions",
            "expected_on", "notes", "sent_at", "received_at", "cancelled_at", "livemode", "created_at", "updated_at",
        ]
        read_only_fields = [
            "currency", "total", "status", "sent_at", "received_at", "cancelled_at", "livemode", "created_at", "updated_at",
        ]
        # One live order per purchase request is enforced by services.place_order (with a message
        # that says what to do), not by DRF's generic unique-together validator.
        validators: list = []

    def get_allowed_actions(self, obj: Order) -> list[str]:
        return workflow.ORDER.allowed_actions(obj.status)


# Contracts -----------------------------------------------------------------------------------


class ContractSerializer(ModelSerializer):
    supplier = TenantPrimaryKeyRelatedField(queryset=Supplier.objects.all())
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    value = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=Decimal("0"))
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = [
            "id", "supplier", "supplier_name", "title", "value", "currency", "start_date", "end_date", "status",
            "allowed_actions", "livemode", "created_at", "updated_at",
        ]
        read_only_fields = ["status", "livemode", "created_at", "updated_at"]

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start is not None and end is not None and end < start:
            raise serializers.ValidationError({"end_date": ["Must not be before start_date."]})
        return attrs

    def get_allowed_actions(self, obj: Contract) -> list[str]:
        return workflow.CONTRACT.allowed_actions(obj.status)


# Reports -------------------------------------------------------------------------------------


class SpendBySupplierSerializer(serializers.Serializer):
    supplier_id = serializers.IntegerField()
    supplier_name = serializers.CharField()
    currency = serializers.CharField()
    total = serializers.DecimalField(max_digits=18, decimal_places=2)
    order_count = serializers.IntegerField()


class MonthField(serializers.CharField):
    """A month as `YYYY-MM` (from the database's TruncMonth)."""

    def to_representation(self, value) -> str:
        return value.strftime("%Y-%m")


class SpendByMonthSerializer(serializers.Serializer):
    month = MonthField(help_text="YYYY-MM")
    currency = serializers.CharField()
    total = serializers.DecimalField(max_digits=18, decimal_places=2)
    order_count = serializers.IntegerField()


class OrderCountSerializer(serializers.Serializer):
    status = serializers.CharField()
    count = serializers.IntegerField()


class ExpiringContractSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    supplier_id = serializers.IntegerField()
    supplier_name = serializers.CharField(source="supplier.name")
    value = serializers.DecimalField(max_digits=16, decimal_places=2)
    currency = serializers.CharField()
    end_date = serializers.DateField()
    days_left = serializers.SerializerMethodField()

    def get_days_left(self, contract) -> int:
        return (contract.end_date - self.context["today"]).days


class ExpiringQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(
        required=False, default=30, min_value=1, max_value=366,
        help_text="How many days ahead to look (1-366, default 30).",
    )
