"""/info/fonts/, /info/fonts/<id>/ and /info/fonts/thumbnail/: the fonts the caller's titles are drawn with."""

import io

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from PIL import Image, ImageDraw, ImageFont
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.renderers import BinaryRenderer
from media_assets import fonts
from media_assets.models import Font

FAMILY = inline_serializer("FontFamily", {
    "family": serializers.CharField(), "styles": serializers.ListField(child=serializers.CharField()),
    "source": serializers.ChoiceField(["shipped", "global", "added"]),
})
OWN_FONT = inline_serializer("OwnFont", {
    "id": serializers.IntegerField(help_text="DELETE /info/fonts/<id>/ removes it"), "family": serializers.CharField(),
    "style": serializers.CharField(), "size": serializers.IntegerField(help_text="bytes"),
})
FONT_LIST = inline_serializer("FontList", {
    "count": serializers.IntegerField(), "fonts": FAMILY.__class__(many=True),
    "yours": OWN_FONT.__class__(many=True, help_text="The fonts you added (at most MONTAGE_FONTS_PER_USER)"),
})
SAMPLE = "The quick brown fox jumps over the lazy dog 0123456789"
ROW_HEIGHT = 64
#: faces drawn per thumbnail page: 6,416 px high, far below JPEG's 65,535
FACES_PER_PAGE = 100


class FontUploadSerializer(serializers.Serializer):
    font_file = serializers.FileField(required=False, allow_null=True, allow_empty_file=False,
                                      help_text="A TrueType or OpenType font (.ttf, .otf) to add.")


def _font_list(user) -> dict:
    families = fonts.font_families(owner=user)
    yours = list(Font.objects.filter(owner=user).values("id", "family", "style", "size"))
    return {"count": len(families), "fonts": families, "yours": yours}


class FontsView(APIView):
    """/info/fonts/: the font families and styles you can use; POST adds `font_file` as your own font."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses={200: FONT_LIST})
    def get(self, request):
        return Response(_font_list(request.user))

    @extend_schema(request={"multipart/form-data": FontUploadSerializer}, responses={200: FONT_LIST, 201: FONT_LIST,
                   400: OpenApiResponse(description="Not a usable font, already installed, or over your quota")})
    def post(self, request):
        params = FontUploadSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        upload = params.validated_data.get("font_file")
        if upload is None:
            fonts.fonts_refresh()
            return Response(_font_list(request.user))
        fonts.font_add(upload=upload, owner=request.user)
        return Response(_font_list(request.user), status=status.HTTP_201_CREATED)


class FontDetailView(APIView):
    """/info/fonts/<id>/: DELETE removes one of your fonts (global ones are managed by staff in the admin)."""

    @extend_schema(responses={204: None, 404: OpenApiResponse(description="Not one of your fonts")})
    def delete(self, request, pk):
        font = Font.objects.filter(owner=request.user, pk=pk).first()
        if font is None:
            raise Http404
        fonts.font_delete(font=font)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FontsThumbnailView(APIView):
    """/info/fonts/thumbnail/: a JPEG showing your font faces, FACES_PER_PAGE a page (`?page=`, from 1).

    The response's `X-Page-Count` says how many pages there are.
    """

    renderer_classes = [BinaryRenderer, JSONRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("page", int, description=f"Which {FACES_PER_PAGE} faces (from 1)")],
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY, 404: OpenApiResponse(description="No such page")},
    )
    def get(self, request):
        every = fonts.installed_fonts(owner=request.user)
        pages = max(1, -(-len(every) // FACES_PER_PAGE))
        page = request.query_params.get("page", "1")
        if not (page.isascii() and page.isdigit() and len(page) <= 6 and 1 <= int(page) <= pages):
            raise Http404(f"There are {pages} pages of fonts.")
        faces = every[(int(page) - 1) * FACES_PER_PAGE:int(page) * FACES_PER_PAGE]
        width = 1280
        image = Image.new("RGB", (width, ROW_HEIGHT * max(len(faces), 1) + 16), (255, 255, 255))
        draw = ImageDraw.Draw(image)
        label_font = ImageFont.truetype(every[0].path, 16) if every else ImageFont.load_default()
        for row, face in enumerate(faces):
            top = 8 + row * ROW_HEIGHT
            draw.text((16, top), f"{face.family} {face.style}", fill=(90, 90, 90), font=label_font)
            try:
                sample_font = ImageFont.truetype(face.path, 30)
            except OSError:  # its bytes went missing from storage (FileNotFoundError is one)
                draw.text((16, top + 22), "(the font file is missing)", fill=(160, 0, 0), font=label_font)
                continue
            draw.text((16, top + 22), SAMPLE, fill=(0, 0, 0), font=sample_font)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=90)
        response = HttpResponse(buffer.getvalue(), content_type="image/jpeg")
        response["X-Page-Count"] = str(pages)
        return response
