"""python manage.py create_api_key: prints the key once, validates like the API."""
import json

import pytest
from django.core.management import CommandError, call_command

from apikeys import keys
from apikeys.models import ApiKey


def test_create_api_key_prints_the_key_once(owner, capsys, bearer):
    call_command("create_api_key", owner.email, "--name", "ops", "--scopes", "read:orders", "--mode", "test",
                 "--allowed-ips", "10.0.0.0/8, 192.168.1.100")
    out = capsys.readouterr().out
    key = ApiKey.objects.get()
    raw = next(line for line in out.splitlines() if line.startswith("ak_"))
    assert keys.is_well_formed(raw) and raw.startswith("ak_test_")
    assert out.count(raw) == 1 and key.key_id in out
    assert (key.scopes, key.allowed_ips, key.mode) == (["read:orders"], ["10.0.0.0/8", "192.168.1.100"], "test")
    assert bearer(raw).get("/v1/profile", REMOTE_ADDR="10.0.0.1").json()["auth"]["key_id"] == key.key_id


def test_create_api_key_json(owner, capsys):
    call_command("create_api_key", owner.email.upper(), "--name", "ops", "--json", "--expires-at", "2030-01-01T00:00:00Z")
    body = json.loads(capsys.readouterr().out)
    assert set(body) == {"id", "key_id", "key", "name", "mode", "scopes", "allowed_ips", "expires_at", "created_at"}
    assert body["mode"] == "live" and body["expires_at"] == "2030-01-01T00:00:00Z"
    assert body["scopes"] == ["read:suppliers", "read:orders", "write:orders"]
    assert ApiKey.objects.get().key_id == body["key_id"] == keys.key_id_of(body["key"])


@pytest.mark.parametrize("args, message", [
    (["nobody@example.com", "--name", "x"], "No user"),
    (["integrator@example.com", "--name", "x", "--scopes", "admin"], "scopes"),
    (["integrator@example.com", "--name", "x", "--scopes", "read:nothing"], "Unknown scope"),
    (["integrator@example.com", "--name", "x", "--allowed-ips", "10.0.0.1/8"], "10.0.0.0/8"),
    (["integrator@example.com", "--name", "x", "--expires-at", "someday"], "ISO 8601"),
    (["integrator@example.com", "--name", "x", "--expires-at", "2000-01-01T00:00:00Z"], "future"),
    (["integrator@example.com", "--name", " "], "name"),
])
def test_create_api_key_refuses_bad_input(owner, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_api_key", *args)
    assert not ApiKey.objects.exists()


def test_create_api_key_refuses_an_inactive_user(owner):
    owner.is_active = False
    owner.save()
    with pytest.raises(CommandError, match="inactive"):
        call_command("create_api_key", owner.email, "--name", "x")
