"""`manage.py check --deploy` reports our misconfigurations."""
import pytest
from django.core.checks import run_checks

pytestmark = pytest.mark.django_db


def ids(**kwargs):
    return {message.id for message in run_checks(include_deployment_checks=True, tags=["security"])}


@pytest.fixture
def good(settings, monkeypatch):
    settings.SECRET_KEY = "x" * 64
    settings.PROCURE_JWT_PRIVATE_KEY_FILE = "/etc/procure/jwt.pem"
    settings.DEBUG = False
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    settings.PROCURE_REQUIRE_HTTPS = True
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    return settings


def test_a_good_production_configuration_has_no_procure_findings(good):
    assert not {i for i in ids() if i.startswith("procure.")}


def test_an_rfc9700_gate_turned_off_is_an_error(good):
    from oauth2_provider.settings import oauth2_settings

    good.OAUTH2_PROVIDER = {**good.OAUTH2_PROVIDER, "COMPLIANT_BCP_RFC9700_PKCE_METHOD": False}
    oauth2_settings.reload()
    try:
        assert "procure.E007" in ids()
    finally:
        good.OAUTH2_PROVIDER = {**good.OAUTH2_PROVIDER, "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True}
        oauth2_settings.reload()


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"SECRET_KEY": "dev-insecure-procure-core-secret-key-do-not-use-in-production"}, "procure.E001"),
        ({"PROCURE_JWT_PRIVATE_KEY_FILE": ""}, "procure.E002"),
        ({"DEBUG": True}, "procure.E003"),
        ({"REDIS_URL": ""}, "procure.E004"),
        ({"TRUSTED_PROXIES": ["0.0.0.0/0"]}, "procure.E005"),
        ({"TRUSTED_PROXIES": ["::/0"]}, "procure.E005"),
        ({"TRUSTED_PROXIES": ["not-an-ip"]}, "procure.E005"),
        ({"TRUSTED_PROXIES": []}, "procure.W005"),
        ({"PROCURE_REQUIRE_HTTPS": False}, "procure.E006"),
    ],
)
def test_each_misconfiguration_is_reported(good, change, expected):
    for name, value in change.items():
        setattr(good, name, value)
    assert expected in ids()


def test_single_worker_without_redis_is_only_a_warning(good, monkeypatch):
    good.REDIS_URL = ""
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    found = ids()
    assert "procure.W004" in found and "procure.E004" not in found
