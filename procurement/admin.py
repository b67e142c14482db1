"""Django admin for procurement data: browse and correct, filtered by organization and mode.

Objects are created through the API (which stamps the tenant and computes totals), so the admin
does not add them, and computed or workflow fields are read-only here.
"""
from django.contrib import admin

from procurement.models import Contract, LineItem, Order, PurchaseRequest, Supplier


class TenantAdmin(admin.ModelAdmin):
    list_filter = ["organization", "livemode", "status"]
    list_select_related = ["organization"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["organization", "livemode", *self.computed_fields]

    computed_fields: list[str] = []


@admin.register(Supplier)
class SupplierAdmin(TenantAdmin):
    list_display = ["name", "organization", "livemode", "country", "status", "created_at"]
    search_fields = ["name", "contact_email"]
    computed_fields = ["created_at", "updated_at"]


class LineItemInline(admin.TabularInline):
    model = LineItem
    fields = ["position", "description", "quantity", "unit_price", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PurchaseRequest)
class PurchaseRequestAdmin(TenantAdmin):
    list_display = ["title", "organization", "livemode", "status", "currency", "total", "requester", "created_at"]
    list_select_related = ["organization", "requester"]
    search_fields = ["title"]
    inlines = [LineItemInline]
    raw_id_fields = ["requester"]
    computed_fields = [
        "currency", "total", "status", "approver", "rejection_reason", "submitted_at", "decided_at",
        "created_at", "updated_at",
    ]


@admin.register(Order)
class OrderAdmin(TenantAdmin):
    list_display = ["id", "organization", "livemode", "supplier", "status", "currency", "total", "created_at"]
    list_select_related = ["organization", "supplier"]
    raw_id_fields = ["purchase_request", "supplier"]
    computed_fields = [
        "purchase_request", "supplier", "currency", "total", "status", "sent_at", "received_at", "cancelled_at",
        "created_at", "updated_at",
    ]


@admin.register(Contract)
class ContractAdmin(TenantAdmin):
    list_display = ["title", "organization", "livemode", "supplier", "status", "value", "currency", "end_date"]
    list_select_related = ["organization", "supplier"]
    search_fields = ["title"]
    computed_fields = ["supplier", "status", "created_at", "updated_at"]
