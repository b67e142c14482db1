"""apikeys.encryption: sealed secrets open only with the configured key and for their own key_id."""
import pytest

from apikeys.encryption import SecretBox, SecretUnavailable

SECRET = "ak_test_0123456789abcdefghijABCDEFGHIJ1Quct9"


def test_seal_and_open():
    box = SecretBox("k" * 40)
    sealed = box.seal(SECRET, "key_a")
    assert SECRET.encode() not in sealed
    assert box.open(sealed, "key_a") == SECRET
    assert box.seal(SECRET, "key_a") != sealed  # a fresh nonce each time


def test_another_encryption_key_cannot_open():
    sealed = SecretBox("k" * 40).seal(SECRET, "key_a")
    with pytest.raises(SecretUnavailable):
        SecretBox("other" * 8).open(sealed, "key_a")


def test_a_sealed_secret_is_bound_to_its_key_id():
    box = SecretBox("k" * 40)
    with pytest.raises(SecretUnavailable):
        box.open(box.seal(SECRET, "key_a"), "key_b")


def test_tampering_is_detected():
    box = SecretBox("k" * 40)
    sealed = bytearray(box.seal(SECRET, "key_a"))
    sealed[-1] ^= 1
    with pytest.raises(SecretUnavailable):
        box.open(bytes(sealed), "key_a")
    with pytest.raises(SecretUnavailable):
        box.open(b"\x02" + bytes(sealed[1:]), "key_a")
    with pytest.raises(SecretUnavailable):
        box.open(b"", "key_a")


def test_retired_encryption_keys_still_open_after_a_change():
    old = SecretBox("old" * 12).seal(SECRET, "key_a")
    rotated = SecretBox("new" * 12, retired=["old" * 12])
    assert rotated.open(old, "key_a") == SECRET
    assert not rotated.is_current(old)
    assert rotated.is_current(rotated.seal(SECRET, "key_a"))
