"""The error envelope everywhere under /v1/ and /auth/ (CONTRACT §3)."""
import pytest
from django.test import override_settings
from django.urls import path, re_path
from rest_framework.test import APIClient
from rest_framework.views import APIView

from procure_core import urls as project_urls
from procure_core.errors import error_response

pytestmark = pytest.mark.django_db


class Explodes(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    def get(self, request):
        raise RuntimeError("secret-token-ak_live_do_not_leak")


def plain_django_view_that_explodes(request):
    raise RuntimeError("secret-token-ak_live_do_not_leak")


urlpatterns = [
    path("v1/explode", Explodes.as_view()),
    path("v1/explode-plain", plain_django_view_that_explodes),
    *project_urls.urlpatterns,
]
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.mark.parametrize("path", ["/v1/nope", "/v1/", "/auth/nope", "/v1/profile/extra"])
def test_unknown_api_paths_are_not_found_envelopes(path):
    response = APIClient().get(path)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "The requested resource was not found."}}


def test_unknown_non_api_path_is_a_plain_404():
    response = APIClient().get("/no-such-page")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_wrong_method_is_method_not_allowed():
    response = APIClient().delete("/auth/refresh")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


@override_settings(ROOT_URLCONF=__name__, DEBUG=True)
def test_unhandled_error_in_a_drf_view_is_a_500_envelope_without_details(caplog):
    response = APIClient().get("/v1/explode")
    assert response.status_code == 500
    assert response.json() == {"error": {"code": "server_error", "message": "An internal error occurred."}}
    assert b"ak_live" not in response.content and b"Traceback" not in response.content


@override_settings(ROOT_URLCONF=__name__)
def test_unhandled_error_in_a_plain_view_is_a_500_envelope():
    client = APIClient(raise_request_exception=False)
    response = client.get("/v1/explode-plain")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert b"ak_live" not in response.content


def test_error_response_builds_challenges():
    scoped = error_response(403, "insufficient_scope", "m", required_scope="write:orders")
    assert scoped["WWW-Authenticate"] == 'Bearer realm="procure-core", error="insufficient_scope", scope="write:orders"'
    assert scoped["Cache-Control"] == "no-store"
    body = scoped.content.decode()
    assert '"required_scope": "write:orders"' in body
