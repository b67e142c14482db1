"""The web login and logout pages (/accounts/login, /accounts/logout) used by the OAuth consent
flow and the admin."""
from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect

from procure_core import scopes as scope_registry


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = False


@csrf_protect
def logout_view(request):
    # GET shows a confirmation; only POST signs out (a link must not log anyone out: CSRF).
    if request.method == "POST":
        logout(request)
        return redirect("/accounts/login")
    return render(request, "accounts/logout.html")


@login_required
def home(request):
    scopes = [(name, scope_registry.SCOPES[name]) for name in scope_registry.ordered(request.user.scope_set)]
    return render(request, "accounts/home.html", {"scopes": scopes})
