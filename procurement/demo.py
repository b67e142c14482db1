"""Idempotent demo data for `make run` (called by `manage.py seed_demo`): a few suppliers,
purchase requests in each status, orders and contracts, all live mode, so the lists are not empty.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from procurement import services
from procurement.models import Contract, PurchaseRequest, Supplier

SUPPLIERS = [
    ("Northwind Office Supply", "sales@northwind.example", "DE", "active"),
    ("Contoso Hardware", "orders@contoso.example", "US", "active"),
    ("Fabrikam Logistics", "hello@fabrikam.example", "NL", "active"),
    ("Tailspin Catering", "events@tailspin.example", "FR", "blocked"),
]

# title, currency, line items, how far along the workflow, supplier of the order (if any), order action
REQUESTS = [
    ("Laptops for the new hires", "EUR", [("Laptop 14\"", "5", "1299.00"), ("USB-C dock", "5", "189.90")],
     "approved", "Contoso Hardware", "receive"),
    ("Office chairs", "EUR", [("Ergonomic chair", "12", "349.50")], "approved", "Northwind Office Supply", "send"),
    ("Printer paper", "EUR", [("A4 paper, box of 5 reams", "20", "24.99")], "approved", "Northwind Office Supply", None),
    ("Warehouse shelving", "USD", [("Steel shelf unit", "8", "420.00"), ("Installation", "1", "600.00")],
     "submitted", None, None),
    ("Team offsite catering", "EUR", [("Lunch, per person", "40", "18.50")], "rejected", None, None),
    ("Conference room display", "EUR", [("65\" display", "1", "1890.00")], "draft", None, None),
]

CONTRACTS = [
    ("Office supplies framework agreement", "Northwind Office Supply", "48000.00", "EUR", -300, 20, "active"),
    ("Hardware maintenance", "Contoso Hardware", "12500.00", "USD", -200, 165, "active"),
    ("Freight forwarding", "Fabrikam Logistics", "30000.00", "EUR", 10, 375, "draft"),
]


def seed(organization, user) -> None:
    tenant = {"organization_id": organization.pk, "livemode": True}
    with transaction.atomic():
        suppliers = {}
        for name, email, country, status in SUPPLIERS:
            suppliers[name], _ = Supplier.objects.get_or_create(
                **tenant, name=name, defaults={"contact_email": email, "country": country, "status": status}
            )
        for title, currency, lines, stage, supplier_name, order_action in REQUESTS:
            if PurchaseRequest.objects.filter(**tenant, title=title).exists():
                continue
            request = services.create_purchase_request(
                tenant=tenant, requester_id=user.pk, title=title, currency=currency,
                line_items=[
                    {"description": d, "quantity": Decimal(q), "unit_price": Decimal(p)} for d, q, p in lines
                ],
            )
            if stage == "draft":
                continue
            request = services.submit_purchase_request(request)
            if stage == "rejected":
                services.reject_purchase_request(request, approver_id=user.pk, reason="Over the quarterly budget.")
                continue
            if stage == "approved":
                request = services.approve_purchase_request(request, approver_id=user.pk)
            if supplier_name:
                order = services.place_order(tenant=tenant, purchase_request=request, supplier=suppliers[supplier_name])
                if order_action in ("send", "receive"):
                    order = services.send_order(order)
                if order_action == "receive":
                    services.receive_order(order)
        today = timezone.localdate()
        for title, supplier_name, value, currency, start, end, status in CONTRACTS:
            Contract.objects.get_or_create(
                **tenant, title=title,
                defaults={
                    "supplier": suppliers[supplier_name], "value": Decimal(value), "currency": currency,
                    "start_date": today + timedelta(days=start), "end_date": today + timedelta(days=end),
                    "status": status,
                },
            )
