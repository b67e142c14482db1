"""Writes that touch several rows or move a workflow, each one function in `transaction.atomic`.

Views validate the body with a serializer and call one of these; the rules (what may change in
which status, what an order needs) live here, and a refusal is a 400 `invalid_request` that says
what is allowed.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model, ProtectedError
from django.utils import timezone

from procure_core.errors import Forbidden, InvalidRequest
from procurement import money, workflow
from procurement.models import (
    Contract,
    ContractStatus,
    LineItem,
    Order,
    OrderStatus,
    PurchaseRequest,
    PurchaseRequestStatus,
    Supplier,
    SupplierStatus,
)


# Purchase requests ---------------------------------------------------------------------------


def create_purchase_request(
    *,
    tenant: dict[str, Any],
    requester_id: int | None,
    title: str,
    currency: str,
    line_items: list[dict[str, Any]],
    description: str = "",
    needed_by: date | None = None,
) -> PurchaseRequest:
    with transaction.atomic():
        purchase_request = PurchaseRequest.objects.create(
            **tenant, requester_id=requester_id, title=title, description=description,
            currency=currency, needed_by=needed_by,
        )
        _replace_line_items(purchase_request, line_items)
    return purchase_request


def update_purchase_request(purchase_request: PurchaseRequest, changes: dict[str, Any]) -> PurchaseRequest:
    """Edit a draft: plain fields, and the line items replaced as a whole when given."""
    with transaction.atomic():
        locked = _lock(purchase_request)
        if locked.status != PurchaseRequestStatus.DRAFT:
            raise InvalidRequest(
                f"Only draft purchase requests can be edited; this one is '{locked.status}'.",
                {"status": [f"Is '{locked.status}'; editing is allowed only in 'draft'."]},
            )
        line_items = changes.pop("line_items", None)
        for name, value in changes.items():
            setattr(locked, name, value)
        if line_items is not None:
            _replace_line_items(locked, line_items)
        elif "currency" in changes:
            # Same lines, new currency: the rounding of each line may change (JPY has no cents).
            _replace_line_items(locked, list(locked.line_items.values("description", "quantity", "unit_price")))
        else:
            locked.save()
    return locked


def delete_purchase_request(purchase_request: PurchaseRequest) -> None:
    with transaction.atomic():
        locked = _lock(purchase_request)
        if locked.status != PurchaseRequestStatus.DRAFT:
            raise InvalidRequest(
                f"Only draft purchase requests can be deleted; this one is '{locked.status}'.",
                {"status": [f"Is '{locked.status}'; deleting is allowed only in 'draft'."]},
            )
        locked.delete()


def submit_purchase_request(purchase_request: PurchaseRequest) -> PurchaseRequest:
    return _transition(purchase_request, workflow.PURCHASE_REQUEST, "submit", submitted_at=timezone.now())


def approve_purchase_request(purchase_request: PurchaseRequest, *, approver_id: int | None) -> PurchaseRequest:
    _require_user(approver_id, "approve")
    return _transition(
        purchase_request, workflow.PURCHASE_REQUEST, "approve", approver_id=approver_id, decided_at=timezone.now()
    )


def reject_purchase_request(
    purchase_request: PurchaseRequest, *, approver_id: int | None, reason: str = ""
) -> PurchaseRequest:
    _require_user(approver_id, "reject")
    return _transition(
        purchase_request, workflow.PURCHASE_REQUEST, "reject",
        approver_id=approver_id, decided_at=timezone.now(), rejection_reason=reason,
    )


def _replace_line_items(purchase_request: PurchaseRequest, line_items: Iterable[dict[str, Any]]) -> None:
    currency = purchase_request.currency
    rows = []
    for position, item in enumerate(line_items):
        try:
            amount = money.line_amount(item["quantity"], item["unit_price"], currency)
        except money.AmountTooLarge as error:
            raise InvalidRequest(str(error), {"line_items": [f"Line {position + 1}: {error}"]}) from error
        rows.append(
            LineItem(
                organization_id=purchase_request.organization_id, livemode=purchase_request.livemode,
                purchase_request=purchase_request, position=position, description=item["description"],
                quantity=item["quantity"], unit_price=item["unit_price"], amount=amount,
            )
        )
    try:
        purchase_request.total = money.total(row.amount for row in rows)
    except money.AmountTooLarge as error:
        raise InvalidRequest(str(error), {"line_items": [str(error)]}) from error
    purchase_request.save()
    purchase_request.line_items.all().delete()
    LineItem.objects.bulk_create(rows)


# Orders --------------------------------------------------------------------------------------


def place_order(
    *,
    tenant: dict[str, Any],
    purchase_request: PurchaseRequest,
    supplier: Supplier,
    expected_on: date | None = None,
    notes: str = "",
) -> Order:
    """An order for an approved purchase request, at its total and currency."""
    with transaction.atomic():
        locked = _lock(purchase_request)
        if locked.status != PurchaseRequestStatus.APPROVED:
            raise InvalidRequest(
                f"Orders can be placed only for approved purchase requests; this one is '{locked.status}'.",
                {"purchase_request": [f"Is '{locked.status}'; it must be 'approved'."]},
            )
        _require_active_supplier(supplier)
        existing = (
            Order.objects.filter(purchase_request=locked).exclude(status=OrderStatus.CANCELLED)
            .values_list("pk", flat=True).first()
        )
        if existing is not None:
            raise _duplicate_order(existing)
        try:
            with transaction.atomic():
                return Order.objects.create(
                    **tenant, purchase_request=locked, supplier=supplier, currency=locked.currency,
                    total=locked.total, expected_on=expected_on, notes=notes,
                )
        except IntegrityError as error:  # a concurrent order won the unique constraint
            raise _duplicate_order(None) from error


def update_order(order: Order, changes: dict[str, Any]) -> Order:
    with transaction.atomic():
        locked = _lock(order)
        if locked.status != OrderStatus.OPEN:
            raise InvalidRequest(
                f"Only open orders can be edited; this one is '{locked.status}'.",
                {"status": [f"Is '{locked.status}'; editing is allowed only in 'open'."]},
            )
        new_request = changes.pop("purchase_request", None)
        if new_request is not None and new_request.pk != locked.purchase_request_id:
            raise InvalidRequest(
                "An order's purchase request cannot be changed; cancel it and place a new order.",
                {"purchase_request": ["Cannot be changed."]},
            )
        if "supplier" in changes:
            _require_active_supplier(changes["supplier"])
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save()
    return locked


def delete_order(order: Order) -> None:
    with transaction.atomic():
        locked = _lock(order)
        if locked.status != OrderStatus.OPEN:
            raise InvalidRequest(
                f"Only open orders can be deleted; this one is '{locked.status}'. Use cancel instead.",
                {"status": [f"Is '{locked.status}'; deleting is allowed only in 'open'."]},
            )
        locked.delete()


def send_order(order: Order) -> Order:
    return _transition(order, workflow.ORDER, "send", sent_at=timezone.now())


def receive_order(order: Order) -> Order:
    return _transition(order, workflow.ORDER, "receive", received_at=timezone.now())


def cancel_order(order: Order) -> Order:
    return _transition(order, workflow.ORDER, "cancel", cancelled_at=timezone.now())


def _duplicate_order(existing: int | None) -> InvalidRequest:
    which = f" (order {existing})" if existing is not None else ""
    return InvalidRequest(
        f"This purchase request already has an order that is not cancelled{which}.",
        {"purchase_request": ["Already ordered; cancel the existing order first."]},
    )


def _require_active_supplier(supplier: Supplier) -> None:
    if supplier.status != SupplierStatus.ACTIVE:
        raise InvalidRequest(
            f"Supplier {supplier.pk} is '{supplier.status}'; orders need an active supplier.",
            {"supplier": [f"Is '{supplier.status}'; it must be 'active'."]},
        )


# Contracts -----------------------------------------------------------------------------------


def update_contract(contract: Contract, changes: dict[str, Any]) -> Contract:
    with transaction.atomic():
        locked = _lock(contract)
        if locked.status != ContractStatus.DRAFT:
            raise InvalidRequest(
                f"Only draft contracts can be edited; this one is '{locked.status}'.",
                {"status": [f"Is '{locked.status}'; editing is allowed only in 'draft'."]},
            )
        for name, value in changes.items():
            setattr(locked, name, value)
        if locked.end_date < locked.start_date:
            raise InvalidRequest("The end date is before the start date.", {"end_date": ["Must not be before start_date."]})
        locked.save()
    return locked


def delete_contract(contract: Contract) -> None:
    with transaction.atomic():
        locked = _lock(contract)
        if locked.status != ContractStatus.DRAFT:
            raise InvalidRequest(
                f"Only draft contracts can be deleted; this one is '{locked.status}'. Use terminate instead.",
                {"status": [f"Is '{locked.status}'; deleting is allowed only in 'draft'."]},
            )
        locked.delete()


def activate_contract(contract: Contract) -> Contract:
    return _transition(contract, workflow.CONTRACT, "activate")


def terminate_contract(contract: Contract) -> Contract:
    return _transition(contract, workflow.CONTRACT, "terminate")


def expire_contract(contract: Contract, *, today: date | None = None) -> Contract:
    today = today or timezone.localdate()
    if contract.end_date >= today:
        raise InvalidRequest(
            f"The contract runs until {contract.end_date.isoformat()}; it can expire only after its end date.",
            {"end_date": ["Not yet passed."]},
        )
    return _transition(contract, workflow.CONTRACT, "expire")


# Suppliers -----------------------------------------------------------------------------------


def delete_supplier(supplier: Supplier) -> None:
    try:
        with transaction.atomic():
            supplier.delete()
    except ProtectedError as error:
        raise InvalidRequest(
            "This supplier has orders or contracts and cannot be deleted; set its status to 'blocked' instead.",
            {"status": ["Referenced by orders or contracts."]},
        ) from error


# Shared --------------------------------------------------------------------------------------


def _lock(instance: Model) -> Model:
    """Re-read the row under a lock (SELECT ... FOR UPDATE) so concurrent transitions serialize."""
    return type(instance).objects.select_for_update().get(pk=instance.pk)


def _transition(instance: Model, machine: workflow.StateMachine, action: str, **changes: Any) -> Model:
    with transaction.atomic():
        locked = _lock(instance)
        try:
            locked.status = machine.target(action, locked.status)
        except workflow.InvalidTransition as error:
            raise InvalidRequest(str(error), {"status": [str(error)]}) from error
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", "updated_at", *changes])
    return locked


def _require_user(user_id: int | None, action: str) -> None:
    # The approver is recorded; a client-credentials token acts for no user.
    if user_id is None:
        raise Forbidden(f"Only a user's credential can {action} a purchase request.")
