"""URL map (CONTRACT §1). Every app contributes its own patterns; no trailing slash is required and
a trailing slash also works, never through a redirect."""
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from accounts import urls as account_urls
from accounts import views as account_views
from accounts import web as account_web
from apikeys import urls as apikeys_urls
from procure_core import errors, health, openapi
from procurement import urls as procurement_urls

v1_patterns = [
    *account_urls.v1_urlpatterns,
    *apikeys_urls.v1_urlpatterns,
    *procurement_urls.v1_urlpatterns,
    re_path(r"^schema/?$", openapi.SchemaView.as_view(), name="schema"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    re_path(r"^accounts/login/?$", account_web.LoginView.as_view(), name="login"),
    re_path(r"^accounts/logout/?$", account_web.logout_view, name="logout"),
    re_path(r"^accounts/?$", account_web.home, name="account-home"),
    *account_urls.auth_urlpatterns,
    path("", include("oauth.urls")),  # /oauth/*, RFC 8414 metadata, /accounts/applications
    path("v1/", include(v1_patterns)),
    re_path(r"^\.well-known/jwks\.json$", account_views.jwks, name="jwks"),
    re_path(r"^healthz/?$", health.healthz, name="healthz"),
    re_path(r"^docs/?$", openapi.DocsView.as_view(), name="docs"),
    # Unknown API paths answer with the envelope even with DEBUG on (no technical 404 page).
    # csrf_exempt: a POST to an unknown path with a session cookie must get this 404 envelope,
    # not the CSRF middleware's HTML 403 (there is nothing here to protect).
    re_path(r"^(?:v1|auth)(?:/.*)?$", csrf_exempt(errors.not_found)),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.not_found
handler500 = errors.server_error
