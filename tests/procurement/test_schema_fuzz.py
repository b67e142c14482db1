"""Schema-driven fuzzing: schemathesis generates requests for every operation of /v1/schema and
checks that none is a 500 and no response contradicts the schema (status code, content type,
headers, body). Bounded and derandomized so it runs in every CI pass in well under a minute.

Authenticated with a JWT for a user holding `admin` in a fresh organization, so every endpoint
is reachable; ids the fuzzer invents mostly answer 404, the seeded ones exercise the rest.
"""
from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from procure_core.wsgi import application

MAX_EXAMPLES = 12

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def admin_headers(login, make_user, make_supplier, make_order, make_contract):
    # A few real objects with small ids, so generated ids sometimes hit something.
    make_order(status="sent")
    make_contract(status="active")
    make_supplier()
    admin = make_user(scopes=["admin"])
    headers = {"Authorization": f"Bearer {login(admin)['token']}"}
    # schemathesis calls the WSGI application directly, whose request signals would close the
    # database connection holding this test's transaction (PostgreSQL). Django's test client
    # disconnects the receiver the same way, and reconnects it after each of its own requests,
    # so this comes after the login above.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield headers
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_wsgi("/v1/schema?format=json", application)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_to_the_schema(case, admin_headers):
    case.call_and_validate(headers=admin_headers, checks=CHECKS)
