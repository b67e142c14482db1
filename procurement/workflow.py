"""The status workflows of purchase requests, orders and contracts, as explicit state machines.

Pure Python: each action names the statuses it may start from and the status it leads to, so a
refused transition can say exactly what is allowed instead of changing anything.
"""
from __future__ import annotations

from dataclasses import dataclass


class InvalidTransition(ValueError):
    """An action that is not allowed from the object's current status."""


@dataclass(frozen=True)
class StateMachine:
    noun: str
    # action -> (statuses it may start from, status it leads to)
    transitions: dict[str, tuple[frozenset[str], str]]

    def target(self, action: str, current: str) -> str:
        sources, target = self.transitions[action]
        if current not in sources:
            raise InvalidTransition(self.refusal(action, current))
        return target

    def allowed_actions(self, current: str) -> list[str]:
        return [action for action, (sources, _) in self.transitions.items() if current in sources]

    def refusal(self, action: str, current: str) -> str:
        sources = sorted(self.transitions[action][0])
        allowed = self.allowed_actions(current)
        return (
            f"Cannot {action} {self.noun} whose status is '{current}': {action} is allowed only from "
            + " or ".join(f"'{s}'" for s in sources)
            + ". Allowed from '" + current + "': "
            + (", ".join(allowed) if allowed else "nothing (final status)")
            + "."
        )


PURCHASE_REQUEST = StateMachine(
    "a purchase request",
    {
        "submit": (frozenset({"draft"}), "submitted"),
        "approve": (frozenset({"submitted"}), "approved"),
        "reject": (frozenset({"submitted"}), "rejected"),
    },
)

ORDER = StateMachine(
    "an order",
    {
        "send": (frozenset({"open"}), "sent"),
        "receive": (frozenset({"sent"}), "received"),
        "cancel": (frozenset({"open", "sent"}), "cancelled"),
    },
)

CONTRACT = StateMachine(
    "a contract",
    {
        "activate": (frozenset({"draft"}), "active"),
        "terminate": (frozenset({"active"}), "terminated"),
        "expire": (frozenset({"active"}), "expired"),
    },
)
