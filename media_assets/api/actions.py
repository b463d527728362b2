"""File actions of the OpenShot contract: copy and text-replace on /files/<id>/.

(The project's /title/ action, which makes a File in a project, is declared by
projects: projects/api/title_views.py.)
"""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.fields import OwnedRelatedField
from media_assets.api.serializers import FileSerializer, Project
from media_assets.copying import file_copy, media_written
from media_assets.text_media import file_text_replace

BAD = OpenApiResponse(description="Bad input: the body names what is wrong.")


class FileCopySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False, allow_blank=True,
                                 help_text="Name of the copy (default: the original's).")
    project = OwnedRelatedField(Project, "project-detail", required=False, allow_null=True,
                                help_text="Project URL or id to copy into (default: the file's own project).")


class TextReplaceSerializer(serializers.Serializer):
    search = serializers.CharField(max_length=100_000, trim_whitespace=False)
    replace = serializers.CharField(max_length=100_000, allow_blank=True, trim_whitespace=False, default="")


class TextReplaceResultSerializer(FileSerializer):
    replacements = serializers.IntegerField(read_only=True, help_text="How many occurrences were replaced.")

    class Meta(FileSerializer.Meta):
        fields = [*FileSerializer.Meta.fields, "replacements"]


class FileActionsMixin:
    """copy and text-replace on /files/<id>/."""

    @extend_schema(request=FileCopySerializer, responses={201: FileSerializer, 400: BAD},
                   examples=[OpenApiExample("copy", value={"name": "NewFileName.mp4", "project": "123"}, request_only=True)])
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        """A copy of the file with its own copy of the media, in this project or another of yours."""
        file = self.get_object()
        params = FileCopySerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        with media_written() as written:
            clone = file_copy(file=file, owner=request.user, project=data.get("project") or file.project,
                              name=data.get("name") or None, written=written)
        return Response(self.get_serializer(clone).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TextReplaceSerializer, responses={200: TextReplaceResultSerializer, 400: BAD},
                   examples=[OpenApiExample("replace", value={"search": "Find Me", "replace": "Replacement"}, request_only=True)])
    @action(detail=True, methods=["post"], url_path="text-replace", url_name="text-replace")
    def text_replace(self, request, pk=None):
        """Replace text in a text-based file (an SVG title) in place; binary media is a 400."""
        file = self.get_object()
        params = TextReplaceSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        file, count = file_text_replace(file=file, search=params.validated_data["search"],
                                        replace=params.validated_data["replace"])
        data = self.get_serializer(file).data
        data["replacements"] = count
        return Response(data)
