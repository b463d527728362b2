"""/projects/<id>/title/: an SVG title File made from a shipped template and added to the project.

Titles themselves (templates, style, drawing) are media_assets'; this is
the project's side, so it is declared here and media_assets never names a
project.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.viewsets import OwnedActionsViewSet
from media_assets import titles
from media_assets.api.serializers import FileSerializer
from media_assets.fonts import font_family_names
from projects.models import Project

BAD = OpenApiResponse(description="Bad input: the body names what is wrong.")

_STYLE = titles.TitleStyle  # its field defaults are the API's


class TitleSerializer(serializers.Serializer):
    """OpenShot's title parameters; the defaults are TitleStyle's."""

    template = serializers.CharField(default="Center-Text.svg",
                                     help_text=f"A shipped template: {', '.join(titles.title_template_names())}.")
    text = serializers.CharField(max_length=titles.MAX_TEXT_CHARACTERS, trim_whitespace=False,
                                 help_text="The title's text; new lines make more lines (Top-Bottom-Text: first line at the top).")
    font_size = serializers.FloatField(default=_STYLE.font_size, min_value=1.0, max_value=1000.0,
                                       help_text="Pixels on the 1920x1080 canvas.")
    font_name = serializers.CharField(default=_STYLE.font_name, max_length=200, help_text="An installed font family (/info/fonts/).")
    fill_color = serializers.RegexField(titles.COLOR, default=_STYLE.fill_color, help_text="#rrggbb or #rgb.")
    fill_opacity = serializers.FloatField(default=_STYLE.fill_opacity, min_value=0.0, max_value=1.0)
    stroke_color = serializers.RegexField(titles.COLOR, default=_STYLE.stroke_color)
    stroke_size = serializers.FloatField(default=_STYLE.stroke_size, min_value=0.0, max_value=100.0)
    stroke_opacity = serializers.FloatField(default=_STYLE.stroke_opacity, min_value=0.0, max_value=1.0)
    drop_shadow = serializers.BooleanField(default=_STYLE.drop_shadow)
    background_color = serializers.RegexField(titles.COLOR, default=_STYLE.background_color)
    background_opacity = serializers.FloatField(default=_STYLE.background_opacity, min_value=0.0, max_value=1.0)

    def validate_template(self, value: str) -> str:
        names = titles.title_template_names()
        match = next((name for name in names if name.lower() in (value.lower(), f"{value.lower()}.svg")), None)
        if match is None:
            raise serializers.ValidationError(f"Unknown template {value!r}; use one of: {', '.join(names)}.")
        return match

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("A title needs some text.")
        if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value):
            raise serializers.ValidationError("The text holds control characters, which SVG cannot carry.")
        return value

    def validate_font_name(self, value: str) -> str:
        families = font_family_names(owner=self.context["request"].user)
        match = next((family for family in families if family.lower() == value.strip().lower()), None)
        if match is None:
            raise serializers.ValidationError(f"The font {value!r} is not installed; installed: {', '.join(families)}.")
        return match


class ProjectTitleActions(OwnedActionsViewSet):
    """/projects/<id>/title/ (the project's side of titles; the File is media_assets')."""

    queryset = Project.objects.all()
    serializer_class = TitleSerializer

    @extend_schema(
        request=TitleSerializer, responses={201: FileSerializer, 400: BAD},
        examples=[OpenApiExample("title", request_only=True, value={
            "template": "Center-Text.svg", "text": "Text of title", "font_size": 100.0,
            "font_name": "Bitstream Vera Sans", "fill_color": "#ffcc00", "fill_opacity": 1.0,
            "stroke_color": "#000000", "stroke_size": 3.0, "stroke_opacity": 1.0, "drop_shadow": True,
            "background_color": "#000000", "background_opacity": 0.0})],
    )
    @action(detail=True, methods=["post"])
    def title(self, request, pk=None):
        """Make an SVG title File from a shipped template and add it to the project."""
        project = self.get_object()
        params = TitleSerializer(data=request.data, context={"request": request})
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        template = data.pop("template")
        file = titles.title_create(owner=request.user, project=project, template=template,
                                   style=titles.TitleStyle(**data))
        return Response(FileSerializer(file, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)
