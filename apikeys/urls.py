from django.urls import re_path

from apikeys import views

# CONTRACT §1: no trailing slash required, a trailing slash also works, never a redirect.
v1_urlpatterns = [
    re_path(r"^api-keys/?$", views.ApiKeyListView.as_view(), name="api-key-list"),
    re_path(r"^api-keys/(?P<key_id>[^/]+)/?$", views.ApiKeyDetailView.as_view(), name="api-key-detail"),
    re_path(r"^api-keys/(?P<key_id>[^/]+)/rotate/?$", views.ApiKeyRotateView.as_view(), name="api-key-rotate"),
]
