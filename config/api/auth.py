"""Token authentication and `/tokens/`: exchange a password for a token, list and revoke your own.

`POST /tokens/ {username, password}` answers `{"token": "…"}` as OpenShot's
Cloud API does (JSON or form), with a new token on every call; the key is
shown only then. `GET /tokens/` lists the caller's tokens by prefix and
`DELETE /tokens/<prefix>/` revokes one.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView

from config.models import ApiToken
from config.tokens import token_create, token_revoke


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema's `tokenAuth`, as DRF's token authentication was documented before keys were hashed."""

    target_class = "config.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")


class ApiTokenSerializer(serializers.ModelSerializer):
    prefix = serializers.CharField(source="token_key", read_only=True)

    class Meta:
        model = ApiToken
        fields = ["prefix", "created", "last_used", "expiry"]
        read_only_fields = fields


class TokenView(ObtainAuthToken):
    """Exchange a username and password for a new API token; list your tokens."""

    def get_permissions(self):
        # POST is the login itself; listing (GET, HEAD, OPTIONS) is for the token's owner
        return [] if self.request.method == "POST" else [permissions.IsAuthenticated()]

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("TokenResponse", {
                "token": serializers.CharField(help_text="The key: shown only now, stored only as a digest."),
                "expiry": serializers.DateTimeField(allow_null=True),
            }),
            400: OpenApiResponse(description="Wrong username or password"),
            429: OpenApiResponse(description="Too many failed logins for this account or address"),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = token_create(user=serializer.validated_data["user"])
        return Response({"token": key, "expiry": token.expiry})

    @extend_schema(responses=ApiTokenSerializer(many=True), description="Your tokens, by prefix, most recent first.")
    def get(self, request, *args, **kwargs):
        tokens = ApiToken.objects.filter(user=request.user)
        return Response(ApiTokenSerializer(tokens, many=True).data)


class TokenDetailView(APIView):
    """One of your tokens, named by its prefix: DELETE revokes it."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={204: None, 404: OpenApiResponse(description="You have no token with this prefix")})
    def delete(self, request, prefix: str):
        if not token_revoke(user=request.user, token_key=prefix):
            raise exceptions.NotFound("You have no token with this prefix.")
        return Response(status=status.HTTP_204_NO_CONTENT)
