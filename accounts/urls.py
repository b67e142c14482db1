from django.urls import re_path

from accounts import views

# CONTRACT §1: no trailing slash required, a trailing slash also works, never a redirect.
auth_urlpatterns = [
    re_path(r"^auth/login/?$", views.LoginView.as_view(), name="auth-login"),
    re_path(r"^auth/refresh/?$", views.RefreshView.as_view(), name="auth-refresh"),
    re_path(r"^auth/logout/?$", views.LogoutView.as_view(), name="auth-logout"),
]

v1_urlpatterns = [
    re_path(r"^profile/?$", views.ProfileView.as_view(), name="profile"),
]
