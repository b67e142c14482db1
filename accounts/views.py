"""/auth/login, /auth/refresh, /auth/logout, /v1/profile and the JWKS document (CONTRACT §1)."""
from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import JsonResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import lockout, serializers, services
from accounts.jwt import key_ring
from accounts.models import User
from audit.log import record
from procure_core.errors import Unauthorized
from procure_core.network import client_ip
from procure_core.principal import principal_of


def _no_store(response: Response) -> Response:
    # RFC 6749 §5.1: responses carrying credentials must not be cached.
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


class _PublicAuthView(APIView):
    authentication_classes: list = []
    permission_classes: list = []


class LoginView(_PublicAuthView):
    @extend_schema(
        request=serializers.LoginSerializer,
        responses={200: serializers.TokenPairSerializer, 401: OpenApiResponse(description="Wrong email or password")},
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        body = serializers.LoginSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        email, ip = body.validated_data["username"], client_ip(request)
        lockout.check(email, ip)
        # Unknown email and wrong password take the same path (ModelBackend hashes either way)
        # and get the same answer, so the response reveals nothing about which accounts exist.
        user = authenticate(
            request._request, username=body.validated_data["username"], password=body.validated_data["password"]
        )
        if user is None:
            lockout.failed(email, ip)
            record("login.failed", request=request, outcome="failure", method="jwt",
                   actor_email=body.validated_data["username"], detail={"via": "auth/login"})
            raise Unauthorized("Invalid email or password.")
        lockout.succeeded(email, ip)
        pair = services.log_in(user, ip=ip)
        record("login.succeeded", request=request, actor=user, method="jwt", detail={"via": "auth/login"})
        return _no_store(Response(pair.as_response()))


class RefreshView(_PublicAuthView):
    @extend_schema(request=serializers.RefreshSerializer, responses={200: serializers.TokenPairSerializer}, auth=[], tags=["auth"])
    def post(self, request):
        body = serializers.RefreshSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            pair = services.refresh(body.validated_data["refresh"])
        except services.RefreshTokenReused as reuse:
            record("token.refresh_reused", request=request, outcome="denied", method="jwt",
                   actor=User(pk=reuse.user_id), detail={"family_revoked": True})
            raise
        record("token.refreshed", request=request, method="jwt", actor=User(pk=pair.user_id))
        return _no_store(Response(pair.as_response()))


class LogoutView(_PublicAuthView):
    @extend_schema(request=serializers.RefreshSerializer, responses={204: None}, auth=[], tags=["auth"])
    def post(self, request):
        body = serializers.RefreshSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.log_out(body.validated_data["refresh"])
        record("token.revoked", request=request, method="jwt", detail={"via": "auth/logout"})
        return _no_store(Response(status=status.HTTP_204_NO_CONTENT))


class ProfileView(APIView):
    """The caller, and how they authenticated. Any valid credential may read it."""

    @extend_schema(responses={200: serializers.ProfileSerializer}, tags=["profile"])
    def get(self, request):
        return Response(serializers.ProfileSerializer.describe(request.user, principal_of(request)))


def jwks(request):
    """RFC 7517 JWK Set of the keys that verify our JWTs (current and retired)."""
    response = JsonResponse(key_ring().jwks)
    response["Cache-Control"] = "public, max-age=300"
    return response
