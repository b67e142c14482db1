"""Request bodies of the /auth endpoints and the /v1/profile representation."""
from rest_framework import serializers

from procure_core import scopes as scope_registry


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=254, trim_whitespace=True, help_text="The user's email address.")
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=8192)


class TokenPairSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="JWT access token (RS256), valid for expires_in seconds.")
    refresh = serializers.CharField(help_text="JWT refresh token; single use, rotates on refresh.")
    token_type = serializers.ChoiceField(choices=["Bearer"])
    expires_in = serializers.IntegerField()


class OrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AuthSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=["jwt", "oauth", "api_key", "session"])
    scopes = serializers.ListField(child=serializers.CharField())
    livemode = serializers.BooleanField()
    key_id = serializers.CharField(required=False)
    client_id = serializers.CharField(required=False)


class ProfileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    organization = OrganizationSerializer(allow_null=True)
    scopes = serializers.ListField(child=serializers.CharField())
    auth = AuthSerializer()

    @staticmethod
    def describe(user, principal) -> dict:
        organization = user.organization
        return {
            "id": user.pk,
            "email": user.email,
            "name": user.name,
            "organization": {"id": organization.pk, "name": organization.name} if organization else None,
            "scopes": scope_registry.ordered(user.scope_set),
            "auth": principal.as_dict(),
        }
