"""The audit log: security events recorded, append-only, exported as JSON lines, no secrets."""
import io
import json

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import path
from rest_framework.test import APIClient
from rest_framework.views import APIView
from rest_framework.response import Response

from audit.models import AppendOnlyError, AuditEvent
from procure_core import urls as project_urls

pytestmark = pytest.mark.django_db


class OrdersProbe(APIView):
    scope_resource = "orders"

    def get(self, request):
        return Response({"ok": True})

    def post(self, request):
        return Response({"ok": True})


urlpatterns = [path("v1/probe", OrdersProbe.as_view()), *project_urls.urlpatterns]


def test_logins_are_recorded_without_the_password(api_client, user, login):
    api_client.post("/auth/login", {"username": user.email, "password": "wrong-password-123"}, format="json", REMOTE_ADDR="198.51.100.3")
    tokens = login(user)

    failed = AuditEvent.objects.get(event="login.failed")
    assert failed.outcome == "failure" and failed.actor_email == user.email and failed.ip == "198.51.100.3"
    succeeded = AuditEvent.objects.get(event="login.succeeded")
    assert succeeded.actor_id == user.pk and succeeded.organization_id == user.organization_id
    dump = json.dumps([e.as_json() for e in AuditEvent.objects.all()])
    assert "wrong-password-123" not in dump and tokens["token"] not in dump and tokens["refresh"] not in dump


def test_refresh_reuse_and_logout_are_recorded(api_client, user, login):
    tokens = login(user)
    api_client.post("/auth/refresh", {"refresh": tokens["refresh"]}, format="json")
    api_client.post("/auth/refresh", {"refresh": tokens["refresh"]}, format="json")
    events = list(AuditEvent.objects.order_by("id").values_list("event", "outcome", "actor_id"))
    assert ("token.refreshed", "success", user.pk) in events
    assert ("token.refresh_reused", "denied", user.pk) in events


@override_settings(ROOT_URLCONF=__name__)
def test_insufficient_scope_is_recorded_as_denied(user, jwt_client):
    client = jwt_client(user)  # read:orders write:orders read:suppliers
    user.scopes = ["read:orders"]
    user.save()
    response = client.post("/v1/probe", {}, format="json")
    assert response.status_code == 403
    event = AuditEvent.objects.get(event="request.insufficient_scope")
    assert event.outcome == "denied" and event.actor_id == user.pk and event.method == "jwt"
    assert event.detail["required_scope"] == "write:orders" and event.path == "/v1/probe"


def test_audit_rows_are_append_only(user, login):
    login(user)
    event = AuditEvent.objects.get()
    event.event = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(event="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_export_is_json_lines_oldest_first(user, login, api_client):
    login(user)
    api_client.post("/auth/login", {"username": user.email, "password": "nope-nope-nope"}, format="json")
    out = io.StringIO()
    call_command("export_audit", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["login.succeeded", "login.failed"]
    assert set(lines[0]) >= {"created_at", "event", "outcome", "actor_id", "ip", "method", "key_id", "client_id"}

    only_failures = io.StringIO()
    call_command("export_audit", "--event", "login.failed", stdout=only_failures)
    assert len(only_failures.getvalue().splitlines()) == 1


def test_admin_shows_the_log_read_only(admin_client, user, login):
    client = admin_client
    login(user)
    listing = client.get("/admin/audit/auditevent/")
    assert listing.status_code == 200 and "login.succeeded" in listing.content.decode()
    event = AuditEvent.objects.get(event="login.succeeded")
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_admin_scope_changes_are_recorded(admin_client, admin_user, user):
    admin_client.post("/admin/accounts/user/", {"action": "deactivate_users", "_selected_action": [user.pk]})
    event = AuditEvent.objects.get(event="user.deactivated")
    assert event.actor_id == admin_user.pk and event.detail == {"user_id": user.pk} and event.method == "admin"


def test_key_refusals_name_the_key_and_its_owner(user, make_api_key):
    from datetime import timedelta

    from django.utils import timezone

    from apikeys import signing

    limited, limited_raw = make_api_key(user, scopes=["read:orders"], allowed_ips=["10.0.0.0/8"])
    expired, expired_raw = make_api_key(user, scopes=["read:orders"], expires_at=timezone.now() - timedelta(days=1))
    client = APIClient()
    assert client.get("/v1/profile", HTTP_AUTHORIZATION=f"Bearer {limited_raw}", REMOTE_ADDR="192.0.2.1").status_code == 403
    assert client.get("/v1/profile", HTTP_AUTHORIZATION=f"Bearer {expired_raw}").status_code == 401
    import time

    header = signing.authorization_header(limited.key_id, limited_raw, "GET", "/v1/profile", "", b"", int(time.time()))
    assert client.get("/v1/profile", HTTP_AUTHORIZATION=header, REMOTE_ADDR="10.1.1.1").status_code == 200
    assert client.get("/v1/profile", HTTP_AUTHORIZATION=header, REMOTE_ADDR="10.1.1.1").status_code == 401  # replay

    events = {(e.event, e.key_id, e.actor_id, e.outcome) for e in AuditEvent.objects.filter(event__startswith="request.")}
    assert ("request.forbidden", limited.key_id, user.pk, "denied") in events
    assert ("request.token_expired", expired.key_id, user.pk, "denied") in events
    assert ("request.invalid_signature", limited.key_id, user.pk, "denied") in events
    replay = AuditEvent.objects.get(event="request.invalid_signature")
    assert "already been used" in replay.detail["message"]
    assert limited_raw not in json.dumps(replay.as_json())


def test_an_audit_write_costs_little(user, login):
    """Audit rows are written only for security events, never per ordinary request; one costs
    one INSERT (measured, not asserted: see README "Audit log")."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audit.log import record

    with CaptureQueriesContext(connection) as queries:
        record("probe.event", actor=user, detail={"n": 1})
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"]
