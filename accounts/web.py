"""The web login and logout pages (/accounts/login, /accounts/logout) used by the OAuth consent
flow and the admin."""
from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect

from rest_framework.exceptions import Throttled

from accounts import lockout
from audit.log import record
from procure_core import scopes as scope_registry
from procure_core.network import client_ip


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = False

    def post(self, request, *args, **kwargs):
        email, ip = request.POST.get("username", "")[:254], client_ip(request)
        try:
            lockout.check(email, ip)
        except Throttled as throttled:
            response = self.render_to_response(self.get_context_data(form=self.get_form(), locked_out=True))
            response.status_code = 429
            response["Retry-After"] = str(int(throttled.wait or 1))
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        lockout.succeeded(form.get_user().email, client_ip(self.request))
        record("login.succeeded", request=self.request, actor=form.get_user(), method="session", detail={"via": "accounts/login"})
        return super().form_valid(form)

    def form_invalid(self, form):
        email = self.request.POST.get("username", "")[:254]
        lockout.failed(email, client_ip(self.request))
        record("login.failed", request=self.request, outcome="failure", method="session", actor_email=email, detail={"via": "accounts/login"})
        return super().form_invalid(form)


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
