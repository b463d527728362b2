"""/info/fonts/ and /info/fonts/thumbnail/: the fonts titles are drawn with."""

import io

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from PIL import Image, ImageDraw, ImageFont
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.renderers import BinaryRenderer
from media_assets import fonts

FAMILY = inline_serializer("FontFamily", {
    "family": serializers.CharField(), "styles": serializers.ListField(child=serializers.CharField()),
    "source": serializers.ChoiceField(["shipped", "added"]),
})
FONT_LIST = inline_serializer("FontList", {"count": serializers.IntegerField(), "fonts": FAMILY.__class__(many=True)})
SAMPLE = "The quick brown fox jumps over the lazy dog 0123456789"
ROW_HEIGHT = 64


class FontUploadSerializer(serializers.Serializer):
    font_file = serializers.FileField(required=False, allow_null=True, allow_empty_file=False,
                                      help_text="A TrueType or OpenType font (.ttf, .otf) to add.")


def _font_list() -> dict:
    families = fonts.font_families()
    return {"count": len(families), "fonts": families}


class FontsView(APIView):
    """/info/fonts/: installed font families and styles; POST refreshes the list, or adds `font_file`."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses={200: FONT_LIST})
    def get(self, request):
        return Response(_font_list())

    @extend_schema(request={"multipart/form-data": FontUploadSerializer}, responses={200: FONT_LIST, 201: FONT_LIST,
                   400: OpenApiResponse(description="Not a usable font, or already installed")})
    def post(self, request):
        params = FontUploadSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        upload = params.validated_data.get("font_file")
        if upload is None:
            fonts.fonts_refresh()
            return Response(_font_list())
        fonts.font_add(upload=upload)
        return Response(_font_list(), status=status.HTTP_201_CREATED)


class FontsThumbnailView(APIView):
    """/info/fonts/thumbnail/: a JPEG showing every installed font face."""

    renderer_classes = [BinaryRenderer, JSONRenderer]

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    def get(self, request):
        faces = fonts.installed_fonts()
        width = 1280
        image = Image.new("RGB", (width, ROW_HEIGHT * max(len(faces), 1) + 16), (255, 255, 255))
        draw = ImageDraw.Draw(image)
        label_font = ImageFont.truetype(faces[0].path, 16) if faces else ImageFont.load_default()
        for row, face in enumerate(faces):
            top = 8 + row * ROW_HEIGHT
            draw.text((16, top), f"{face.family} {face.style}", fill=(90, 90, 90), font=label_font)
            draw.text((16, top + 22), SAMPLE, fill=(0, 0, 0), font=ImageFont.truetype(face.path, 30))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=90)
        return HttpResponse(buffer.getvalue(), content_type="image/jpeg")
