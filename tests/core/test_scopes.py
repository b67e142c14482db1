"""The scope registry (CONTRACT §2): pure functions."""
import pytest

from procure_core import scopes


def test_registry_matches_the_contract():
    assert list(scopes.SCOPES) == [
        "read:purchase-requests", "write:purchase-requests", "read:suppliers", "write:suppliers",
        "read:orders", "write:orders", "read:contracts", "write:contracts", "read:reports", "admin",
    ]


@pytest.mark.parametrize("method, needed", [("GET", "read:orders"), ("HEAD", "read:orders"), ("OPTIONS", "read:orders"),
                                            ("POST", "write:orders"), ("PUT", "write:orders"), ("PATCH", "write:orders"), ("DELETE", "write:orders")])
def test_safe_methods_read_and_others_write(method, needed):
    assert scopes.required_scope("orders", method) == needed


def test_write_does_not_imply_read():
    assert not scopes.allows({"write:orders"}, "read:orders")
    assert scopes.allows({"write:orders"}, "write:orders")


def test_admin_implies_everything():
    assert all(scopes.allows({"admin"}, name) for name in scopes.SCOPES)
    assert scopes.expand({"admin"}) == scopes.ALL


def test_covers_never_widens():
    assert scopes.covers({"read:orders", "write:orders"}, {"read:orders"})
    assert not scopes.covers({"read:orders"}, {"read:orders", "write:orders"})
    assert scopes.covers({"admin"}, {"read:reports", "admin"})


def test_parse_rejects_unknown_names_and_accepts_strings_and_lists():
    assert scopes.parse("read:orders  write:orders") == {"read:orders", "write:orders"}
    assert scopes.parse(["read:orders"]) == {"read:orders"}
    assert scopes.parse(None) == frozenset()
    with pytest.raises(scopes.UnknownScope, match="read:everything"):
        scopes.parse("read:orders read:everything")


def test_strings_are_in_registry_order():
    assert scopes.to_string({"admin", "read:orders", "read:suppliers"}) == "read:suppliers read:orders admin"
