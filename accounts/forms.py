"""Admin forms: scopes are picked from the registry with a multi-select, never typed."""
from django import forms
from django.contrib.auth import forms as auth_forms

from accounts.models import User
from procure_core import scopes as scope_registry


class ScopeMultipleChoiceField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", scope_registry.choices())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        return scope_registry.ordered(super().clean(value))


class UserChangeForm(auth_forms.UserChangeForm):
    scopes = ScopeMultipleChoiceField(help_text="What this user's credentials may do. 'admin' implies every other scope.")

    class Meta:
        model = User
        fields = "__all__"


class UserCreationForm(auth_forms.AdminUserCreationForm):
    scopes = ScopeMultipleChoiceField()

    class Meta:
        model = User
        fields = ("email", "name", "organization", "scopes")
