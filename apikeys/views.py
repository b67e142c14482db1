"""/v1/api-keys: self-service key management for a signed-in user (CONTRACT §1, §4).

JWT or session only: a request authenticated by an API key or an OAuth token gets 403, so a
leaked key cannot mint more keys. A user sees and manages only their own keys.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apikeys import keys, serializers, services
from apikeys.models import ApiKey
from audit.log import record
from procure_core import principal as principals
from procure_core.errors import InvalidRequest


def _invalid(error: ValidationError) -> InvalidRequest:
    fields = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    return InvalidRequest("The request is invalid; see fields.", fields=fields)


def _created(key: ApiKey, raw: str) -> Response:
    response = Response(serializers.CreatedApiKeySerializer(key, context={"raw_key": raw}).data,
                        status=status.HTTP_201_CREATED)
    response["Cache-Control"] = "no-store"  # the body holds a secret
    return response


class _ApiKeyView(generics.GenericAPIView):
    allowed_auth_methods = (principals.JWT, principals.SESSION)
    serializer_class = serializers.ApiKeySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular building the schema
            return ApiKey.objects.none()
        return ApiKey.objects.owned_by(self.request.auth.user_id)

    def get_object(self) -> ApiKey:
        key_id = self.kwargs["key_id"]
        key = self.get_queryset().filter(key_id=key_id).first() if keys.is_key_id(key_id) else None
        if key is None:
            raise NotFound()
        return key


class ApiKeyListView(_ApiKeyView):
    @extend_schema(responses={200: serializers.ApiKeySerializer(many=True)}, tags=["api-keys"])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=serializers.CreateApiKeySerializer, responses={201: serializers.CreatedApiKeySerializer},
                   tags=["api-keys"])
    def post(self, request):
        body = serializers.CreateApiKeySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            key, raw = services.create_key(
                request.user, name=data["name"], mode=data["mode"], scopes=data.get("scopes"),
                allowed_ips=data.get("allowed_ips"), expires_at=data.get("expires_at"),
            )
        except ValidationError as error:
            raise _invalid(error)
        record("api_key.created", request=request, actor=request.user, key_id=key.key_id,
               detail={"key_id": key.key_id, "mode": key.mode, "scopes": key.scopes, "allowed_ips": key.allowed_ips})
        return _created(key, raw)


class ApiKeyDetailView(_ApiKeyView):
    @extend_schema(responses={200: serializers.ApiKeySerializer}, tags=["api-keys"])
    def get(self, request, key_id):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(responses={204: None}, tags=["api-keys"])
    def delete(self, request, key_id):
        key = services.revoke_key(self.get_object())
        record("api_key.revoked", request=request, actor=request.user, key_id=key.key_id,
               detail={"key_id": key.key_id, "via": "api"})
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiKeyRotateView(_ApiKeyView):
    @extend_schema(request=serializers.RotateApiKeySerializer, responses={201: serializers.CreatedApiKeySerializer},
                   tags=["api-keys"])
    def post(self, request, key_id):
        body = serializers.RotateApiKeySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        old = self.get_object()
        grace = body.validated_data["grace_period_seconds"]
        try:
            key, raw = services.rotate_key(old, grace)
        except ValidationError as error:
            raise _invalid(error)
        record("api_key.rotated", request=request, actor=request.user, key_id=key.key_id,
               detail={"key_id": key.key_id, "replaces": old.key_id, "grace_period_seconds": grace})
        return _created(key, raw)
