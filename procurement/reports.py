"""Report queries: aggregates computed in the database over a tenant-scoped queryset.

Each function takes a queryset that the caller has already scoped with `for_principal` and
filtered, and returns rows ready for the report serializers. Amounts are summed per currency:
money in different currencies is never added together.
"""
from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import TruncMonth

from procurement.models import ContractStatus, OrderStatus

# Spend is what has been committed to suppliers: orders sent or received (not open drafts, not
# cancelled ones).
SPEND_STATUSES = (OrderStatus.SENT, OrderStatus.RECEIVED)

EXPIRING_DEFAULT_DAYS = 30
EXPIRING_MAX_DAYS = 366


def spend_by_supplier(orders: QuerySet) -> QuerySet:
    return (
        orders.filter(status__in=SPEND_STATUSES)
        .values("supplier_id", "currency")
        .annotate(supplier_name=F("supplier__name"), total=Sum("total"), order_count=Count("id"))
        .order_by("currency", "-total", "supplier_id")
    )


def spend_by_month(orders: QuerySet) -> QuerySet:
    """Spend per calendar month (UTC) of the order date, per currency."""
    return (
        orders.filter(status__in=SPEND_STATUSES)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "currency")
        .annotate(total=Sum("total"), order_count=Count("id"))
        .order_by("month", "currency")
    )


def order_counts_by_status(orders: QuerySet) -> list[dict]:
    """Every status, including those with no orders (a count of 0 is an answer too)."""
    counted = dict(orders.order_by().values_list("status").annotate(count=Count("id")))
    return [{"status": status, "count": counted.get(status, 0)} for status in OrderStatus.values]


def contracts_expiring(contracts: QuerySet, *, today: date, days: int) -> QuerySet:
    """Active contracts whose end date falls within the next `days` days (today included)."""
    return (
        contracts.filter(status=ContractStatus.ACTIVE, end_date__gte=today, end_date__lte=today + timedelta(days=days))
        .select_related("supplier")
        .order_by("end_date", "id")
    )
