"""Admin forms for API keys: scopes picked from the registry, allowed IPs one per line."""
from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from accounts.forms import ScopeMultipleChoiceField
from accounts.models import User
from apikeys import keys, services
from apikeys.models import ApiKey


def split_entries(text: str) -> list[str]:
    """Allowed IPs typed one per line, or separated by commas or spaces."""
    return [entry for entry in re.split(r"[\s,]+", text or "") if entry]


class AllowedIpsField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3, "cols": 40})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "One address or CIDR range per line (192.168.1.100, 10.0.0.0/8, 2001:db8::/32). Empty: any address.")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, (list, tuple)) else value

    def clean(self, value):
        try:
            return services.clean_allowed_ips(split_entries(super().clean(value)))
        except ValidationError as error:
            raise ValidationError(error.message_dict["allowed_ips"])


class ApiKeyCreationForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True).select_related("organization"))
    name = forms.CharField(max_length=100)
    mode = forms.ChoiceField(choices=[(keys.LIVE, "Live"), (keys.TEST, "Test")], initial=keys.LIVE)
    scopes = ScopeMultipleChoiceField(help_text="At most the owner's scopes. None ticked: the owner's scopes.")
    allowed_ips = AllowedIpsField()
    expires_at = forms.DateTimeField(required=False, help_text="Empty: never. ISO 8601, e.g. 2030-01-01 00:00:00.")


class ApiKeyChangeForm(forms.ModelForm):
    scopes = ScopeMultipleChoiceField(help_text="At most the owner's current scopes.")
    allowed_ips = AllowedIpsField()

    class Meta:
        model = ApiKey
        fields = ("name", "scopes", "allowed_ips", "expires_at")

    def clean_scopes(self):
        try:
            return services.clean_scopes(self.instance.owner.scopes or (), self.cleaned_data["scopes"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["scopes"])
