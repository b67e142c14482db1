"""Schema-driven fuzzing: schemathesis generates requests for every operation of /v1/schema and
checks that none is a 500 and no response contradicts the schema (status code, content type,
headers, body). Bounded and derandomized so it runs in every CI pass in well under a minute.

Authenticated with a JWT for a user holding `admin` in a fresh organization, so every endpoint
is reachable; ids the fuzzer invents mostly answer 404, the seeded ones exercise the rest.
"""
from __future__ import annotations

import pytest
import schemathesis
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
    return {"Authorization": f"Bearer {login(admin)['token']}"}


# Loaded through the WSGI app at collection, as a client would fetch it (the schema view needs no
# database). schemathesis' lazy `from_fixture` loader relies on a pytest internal gone in pytest 9.
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
