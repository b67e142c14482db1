"""The one scope registry: every scope name, its description, and the implication rules.

Pure Python (no Django), so the OAuth scope backend, the admin forms, the permission class and
the key services all read the same table (CONTRACT §2).
"""
from __future__ import annotations

from collections.abc import Iterable

ADMIN = "admin"

# The resources the API protects; each has a read and a write scope.
RESOURCES: tuple[str, ...] = (
    "purchase-requests",
    "suppliers",
    "orders",
    "contracts",
)

SCOPES: dict[str, str] = {
    "read:purchase-requests": "Read purchase requests",
    "write:purchase-requests": "Create and modify purchase requests",
    "read:suppliers": "Read supplier information",
    "write:suppliers": "Manage supplier information",
    "read:orders": "Read orders",
    "write:orders": "Create and modify orders",
    "read:contracts": "Read contracts",
    "write:contracts": "Manage contracts",
    "read:reports": "Read reports",
    ADMIN: "Administrator: every other scope, within your own organization",
}

ALL: frozenset[str] = frozenset(SCOPES)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class UnknownScope(ValueError):
    """A scope name that is not in the registry."""

    def __init__(self, names: Iterable[str]):
        self.names = sorted(names)
        super().__init__("Unknown scope: " + ", ".join(self.names))


def parse(value: str | Iterable[str] | None) -> frozenset[str]:
    """Parse a space-separated scope string (RFC 6749 §3.3) or an iterable of names.

    Raises UnknownScope for names that are not in the registry.
    """
    if value is None:
        return frozenset()
    names = value.split() if isinstance(value, str) else [str(v).strip() for v in value]
    result = frozenset(n for n in names if n)
    unknown = result - ALL
    if unknown:
        raise UnknownScope(unknown)
    return result


def expand(granted: Iterable[str]) -> frozenset[str]:
    """Every scope the granted set allows: `admin` implies every other scope."""
    granted = frozenset(granted)
    if ADMIN in granted:
        return ALL
    return granted & ALL


def allows(granted: Iterable[str], needed: str) -> bool:
    """True when `granted` covers `needed`. `write:X` does not imply `read:X`."""
    granted = granted if isinstance(granted, frozenset) else frozenset(granted)
    return needed in granted or ADMIN in granted


def covers(holder: Iterable[str], requested: Iterable[str]) -> bool:
    """True when every requested scope is within what the holder has (credentials never widen)."""
    return frozenset(requested) <= expand(holder)


def required_scope(resource: str, method: str) -> str:
    """The scope a request needs: safe methods read, every other method writes."""
    verb = "read" if method.upper() in SAFE_METHODS else "write"
    return f"{verb}:{resource}"


def to_string(scopes: Iterable[str]) -> str:
    """Space-separated, in registry order (stable for tokens and display)."""
    chosen = frozenset(scopes)
    return " ".join(name for name in SCOPES if name in chosen)


def ordered(scopes: Iterable[str]) -> list[str]:
    """A list in registry order, for JSON responses."""
    chosen = frozenset(scopes)
    return [name for name in SCOPES if name in chosen]


def choices() -> list[tuple[str, str]]:
    """(name, "name — description") pairs for forms and the admin."""
    return [(name, f"{name} — {description}") for name, description in SCOPES.items()]
