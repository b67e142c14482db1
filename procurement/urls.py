"""Routes of the procurement API under /v1/ (CONTRACT §1): no trailing slash required, one also
works, never a redirect."""
from django.urls import re_path
from rest_framework.routers import SimpleRouter

from procurement import views

router = SimpleRouter()
router.trailing_slash = "/?"  # SimpleRouter(trailing_slash=...) only knows "/" or ""
router.register("suppliers", views.SupplierViewSet, basename="supplier")
router.register("purchase-requests", views.PurchaseRequestViewSet, basename="purchase-request")
router.register("orders", views.OrderViewSet, basename="order")
router.register("contracts", views.ContractViewSet, basename="contract")

v1_urlpatterns = [
    *router.urls,
    re_path(r"^reports/spend-by-supplier/?$", views.SpendBySupplierView.as_view(), name="report-spend-by-supplier"),
    re_path(r"^reports/spend-by-month/?$", views.SpendByMonthView.as_view(), name="report-spend-by-month"),
    re_path(r"^reports/order-counts/?$", views.OrderCountsView.as_view(), name="report-order-counts"),
    re_path(
        r"^reports/contracts-expiring/?$", views.ContractsExpiringView.as_view(), name="report-contracts-expiring"
    ),
]
