"""createsuperuser and create_user (CONTRACT §6)."""
import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organization, User

pytestmark = pytest.mark.django_db


def test_createsuperuser_noinput_on_a_fresh_database_gets_an_organization(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-password-1")
    call_command("createsuperuser", "--noinput", "--email", "admin@example.com", verbosity=0)

    admin = User.objects.get(email="admin@example.com")
    assert admin.is_superuser and admin.is_staff
    assert admin.organization is not None
    assert admin.check_password("a-long-enough-password-1")
    assert admin.password.startswith("argon2")


def test_create_user_creates_the_organization_and_sets_scopes(capsys):
    call_command("create_user", "Buyer@Example.com", "--organization", "Globex", "--scopes", "read:orders write:orders", "--password", "a-long-enough-password-1")

    user = User.objects.get(email__iexact="buyer@example.com")
    assert user.organization.name == "Globex"
    assert user.scopes == ["read:orders", "write:orders"]
    assert user.check_password("a-long-enough-password-1")
    assert "a-long-enough-password-1" not in capsys.readouterr().out


def test_create_user_reuses_an_existing_organization_and_reads_the_env_password(monkeypatch):
    Organization.objects.create(name="Globex")
    monkeypatch.setenv("PROCURE_USER_PASSWORD", "another-long-password-2")
    call_command("create_user", "b@example.com", "--organization", "Globex", "--scopes", "read:reports")
    assert Organization.objects.filter(name="Globex").count() == 1
    assert User.objects.get(email="b@example.com").check_password("another-long-password-2")


@pytest.mark.parametrize(
    "args, message",
    [
        (["x@example.com", "--organization", "O", "--scopes", "read:everything", "--password", "a-long-enough-password-1"], "Unknown scope"),
        (["x@example.com", "--organization", "O"], "PROCURE_USER_PASSWORD"),
        (["x@example.com", "--organization", "O", "--password", "short"], "Password rejected"),
    ],
)
def test_create_user_rejects_bad_input(monkeypatch, args, message):
    monkeypatch.delenv("PROCURE_USER_PASSWORD", raising=False)
    with pytest.raises(CommandError, match=message):
        call_command("create_user", *args)
    assert not User.objects.filter(email="x@example.com").exists()
    assert not Organization.objects.filter(name="O").exists()


def test_create_user_refuses_a_duplicate_email(make_user):
    make_user(email="dup@example.com")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_user", "DUP@example.com", "--organization", "O", "--password", "a-long-enough-password-1")


def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert User.objects.filter(email__in=["admin@example.com", "user@company.com"]).count() == 2
    assert User.objects.get(email="user@company.com").check_password("procure-demo-2026")
