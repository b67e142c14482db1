"""OAuth URLs (CONTRACT §1): with or without a trailing slash, never a redirect.

The namespace is the toolkit's, so its metadata view and RFC 9207 issuer find these endpoints
by their usual names.
"""
from django.urls import re_path

from oauth import views

app_name = "oauth2_provider"

urlpatterns = [
    re_path(r"^oauth/authorize/?$", views.AuthorizeView.as_view(), name="authorize"),
    re_path(r"^oauth/token/?$", views.TokenView.as_view(), name="token"),
    re_path(r"^oauth/revoke/?$", views.RevokeView.as_view(), name="revoke-token"),
    re_path(r"^oauth/introspect/?$", views.IntrospectView.as_view(), name="introspect"),
    re_path(r"^\.well-known/oauth-authorization-server/?$", views.MetadataView.as_view(), name="oauth-server-metadata"),
    re_path(r"^accounts/applications/?$", views.authorized_applications, name="authorized-applications"),
]
