"""Procurement data: suppliers, purchase requests and their line items, orders and contracts.

Every model is a TenantModel (organization + livemode), so every read goes through
`objects.for_principal(...)`. Money is a DecimalField plus an ISO 4217 currency code; totals are
computed on the server (services.py), never accepted from a client.
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from procure_core.tenancy import TenantModel
from procurement import money

AMOUNT = {"max_digits": 16, "decimal_places": 2}


# Built from the money module so the accepted codes are defined once.
Currency = models.TextChoices("Currency", [(code, (code, code)) for code in money.CURRENCY_EXPONENTS])


class SupplierStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    BLOCKED = "blocked", "Blocked"


class PurchaseRequestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class OrderStatus(models.TextChoices):
    OPEN = "open", "Open"
    SENT = "sent", "Sent"
    RECEIVED = "received", "Received"
    CANCELLED = "cancelled", "Cancelled"


class ContractStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


country_code = RegexValidator(r"^[A-Z]{2}\Z", "Use an ISO 3166-1 alpha-2 country code, e.g. DE.")


class Supplier(TenantModel):
    name = models.CharField(max_length=200)
    contact_email = models.EmailField(max_length=254)
    country = models.CharField(max_length=2, validators=[country_code], help_text="ISO 3166-1 alpha-2")
    status = models.CharField(max_length=16, choices=SupplierStatus.choices, default=SupplierStatus.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["organization", "livemode", "name"], name="supplier_tenant_name"),
            models.Index(fields=["organization", "livemode", "status"], name="supplier_tenant_status"),
        ]

    def __str__(self) -> str:
        return self.name


class PurchaseRequest(TenantModel):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="purchase_requests",
    )
    currency = models.CharField(max_length=3, choices=Currency.choices)
    total = models.DecimalField(**AMOUNT, default=0, editable=False)
    status = models.CharField(
        max_length=16, choices=PurchaseRequestStatus.choices, default=PurchaseRequestStatus.DRAFT, editable=False
    )
    needed_by = models.DateField(null=True, blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="approved_purchase_requests",
    )
    rejection_reason = models.CharField(max_length=1000, blank=True, default="", editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "livemode", "status", "-created_at"], name="pr_tenant_status"),
            models.Index(fields=["organization", "livemode", "-created_at"], name="pr_tenant_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="pr_total_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title


class LineItem(TenantModel):
    purchase_request = models.ForeignKey(PurchaseRequest, on_delete=models.CASCADE, related_name="line_items")
    position = models.PositiveIntegerField(default=0)
    description = models.CharField(max_length=500)
    quantity = models.DecimalField(
        max_digits=12, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))]
    )
    unit_price = models.DecimalField(max_digits=14, decimal_places=4, validators=[MinValueValidator(0)])
    # quantity × unit_price rounded to the request's currency (money.line_amount).
    amount = models.DecimalField(**AMOUNT, editable=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="line_unit_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.description


class Order(TenantModel):
    purchase_request = models.ForeignKey(PurchaseRequest, on_delete=models.PROTECT, related_name="orders")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="orders")
    # Copied from the approved purchase request when the order is placed.
    currency = models.CharField(max_length=3, choices=Currency.choices, editable=False)
    total = models.DecimalField(**AMOUNT, editable=False)
    status = models.CharField(max_length=16, choices=OrderStatus.choices, default=OrderStatus.OPEN, editable=False)
    expected_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    received_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "livemode", "status", "-created_at"], name="order_tenant_status"),
            models.Index(fields=["organization", "livemode", "supplier", "-created_at"], name="order_tenant_supplier"),
            models.Index(fields=["organization", "livemode", "-created_at"], name="order_tenant_created"),
        ]
        constraints = [
            # One live order per purchase request; a cancelled one may be replaced.
            models.UniqueConstraint(
                fields=["purchase_request"], condition=~Q(status="cancelled"), name="order_one_per_request"
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.pk}"


class Contract(TenantModel):
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="contracts")
    title = models.CharField(max_length=200)
    value = models.DecimalField(**AMOUNT, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, choices=Currency.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(
        max_length=16, choices=ContractStatus.choices, default=ContractStatus.DRAFT, editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["end_date", "id"]
        indexes = [
            models.Index(fields=["organization", "livemode", "status", "end_date"], name="contract_tenant_status_end"),
            models.Index(fields=["organization", "livemode", "supplier"], name="contract_tenant_supplier"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="contract_dates_ordered"),
            models.CheckConstraint(condition=Q(value__gte=0), name="contract_value_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title
