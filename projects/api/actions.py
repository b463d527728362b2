"""The project and clip actions of the OpenShot contract, mixed into their viewsets.

Projects: copy, merge, json, load, download, download/format, files/find.
Clips: keyframes, presets, reset, captions. Each validates its body with a
serializer from `action_serializers`, calls one service and answers with
the object (or the file) it made.
"""

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from config.api.renderers import BinaryRenderer
from projects import animation, captions, operations
from projects.api.action_serializers import (
    CaptionsSerializer,
    DownloadFormatSerializer,
    FilesFindSerializer,
    FoundFileSerializer,
    KeyframeSerializer,
    PresetSerializer,
    ProjectCopySerializer,
    ProjectLoadSerializer,
    ProjectMergeSerializer,
)
from projects.api.serializers import ClipSerializer, ProjectSerializer
from projects.interchange import packaging
from projects.interchange.editorial import FormatError
from projects.interchange.loading import project_load
from projects.interchange.osp import project_osp
from projects.merging import parse_instructions
from projects.models import Clip

ZIP = OpenApiResponse(OpenApiTypes.BINARY, description="A ZIP archive (streamed).")
BAD = OpenApiResponse(description="Bad input: the body names what is wrong.")


def _validated(serializer_class, data, **kwargs) -> dict:
    """The action's input, validated by `serializer_class` (a 400 naming each problem)."""
    params = serializer_class(data=data, **kwargs)
    params.is_valid(raise_exception=True)
    return params.validated_data


def _zip_response(stream, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(stream, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    size = len(stream)
    if size is not None:
        response["Content-Length"] = str(size)
    return response


class ProjectActionsMixin:
    """copy, merge, json, load, download, download/format and files/find on /projects/<id>/."""

    def _project_serializer(self, project, **kwargs):
        project = self.get_queryset().get(pk=project.pk)  # fresh, with the related lists prefetched
        return ProjectSerializer(project, context=self.get_serializer_context(), **kwargs)

    @extend_schema(request=ProjectCopySerializer, responses={201: ProjectSerializer, 400: BAD},
                   examples=[OpenApiExample("copy", value={"name": "New Project Name"}, request_only=True)])
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        """A deep copy under a new name: files (media copied in storage), clips and effects; not exports."""
        project = self.get_object()
        name = _validated(ProjectCopySerializer, request.data).get("name") or f"{project.name} (copy)"[:255]
        clone = operations.project_copy(project=project, name=name, owner=request.user)
        return Response(self._project_serializer(clone).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProjectMergeSerializer, responses={200: ProjectSerializer, 400: BAD})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Merge another of your projects' files, clips and effects in, offset, then moved by the instructions.

        Each merged clip and effect keeps its id in `json.original_merge_id`.
        An instruction that matches nothing is a 400 and nothing is merged.
        """
        project = self.get_object()
        data = _validated(ProjectMergeSerializer, request.data, context=self.get_serializer_context())
        instructions = parse_instructions(data["json"])
        operations.project_merge(project=project, source=data["project"], position=data["position"],
                                 layer=data["layer"], instructions=instructions, owner=request.user)
        return Response(self._project_serializer(project).data)

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def json(self, request, pk=None):
        """The project as an OpenShot Video Editor project file (.osp JSON); media paths are stored names."""
        return Response(project_osp(self.get_object()))

    @extend_schema(
        request={"multipart/form-data": ProjectLoadSerializer, "application/json": ProjectLoadSerializer,
                 "application/x-www-form-urlencoded": ProjectLoadSerializer},
        responses={200: ProjectSerializer, 400: BAD},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def load(self, request, pk=None):
        """Replace the project's contents with an OpenShot project (json), a ZIP archive of one with its media, or both.

        `json` may also be an OpenTimelineIO document. The archive is untrusted:
        entry count, expanded bytes, compression ratio, names and links are
        checked while extracting; anything refused is a 400 and the project
        is unchanged.
        """
        project = self.get_object()
        data = _validated(ProjectLoadSerializer, request.data)
        project_load(project=project, owner=request.user, data=data.get("json") or None, archive=data.get("archive"))
        return Response(self._project_serializer(project).data)

    @extend_schema(request=None, responses={(200, "application/zip"): ZIP, 400: BAD})
    @action(detail=True, methods=["get"], renderer_classes=[BinaryRenderer, JSONRenderer])
    def download(self, request, pk=None):
        """A ZIP of the project file (<name>.osp) and its media under media/, streamed."""
        stream, filename = packaging.project_archive(self.get_object())
        return _zip_response(stream, filename)

    @extend_schema(
        request=DownloadFormatSerializer, responses={(200, "application/zip"): ZIP, 400: BAD},
        examples=[OpenApiExample("EDL of layer 1", value={"format": "edl", "json": {"layer": 1}}, request_only=True),
                  OpenApiExample("Final Cut Pro XML", value={"format": "xml", "json": {}}, request_only=True)],
    )
    @action(detail=True, methods=["post"], url_path="download/format", url_name="download-format",
            renderer_classes=[BinaryRenderer, JSONRenderer])
    def download_format(self, request, pk=None):
        """A ZIP with a CMX 3600 EDL of one layer, Final Cut Pro 7 XML or OTIO of all layers, and the media they use."""
        project = self.get_object()
        data = _validated(DownloadFormatSerializer, request.data)
        fmt, layer = data["format"], data["json"].get("layer")
        if fmt == "edl" and layer is None:
            used = sorted(set(Clip.objects.filter(project=project).values_list("layer", flat=True)))
            if len(used) != 1:
                raise ValidationError({"json": [
                    f"An EDL holds one layer: give json.layer, one of {', '.join(map(str, used)) or '(no clips yet)'}."
                ]})
            layer = used[0]
        try:
            stream, filename = packaging.format_archive(project, format=fmt, layer=layer)
        except FormatError as error:
            raise ValidationError({"format": [str(error)]}) from None
        return _zip_response(stream, filename)

    @extend_schema(parameters=[FilesFindSerializer], request=FilesFindSerializer,
                   responses={200: FoundFileSerializer(many=True), 400: BAD})
    @action(detail=True, methods=["get", "post"], url_path="files/find", url_name="files-find")
    def files_find(self, request, pk=None):
        """The files used by clips overlapping a time range, optionally only those whose name contains a text."""
        project = self.get_object()
        data = _validated(FilesFindSerializer, request.data if request.method == "POST" else request.query_params)
        files = operations.project_files_in_range(
            project=project, position=data["position_in_seconds"], length=data.get("length_in_seconds"),
            filename_contains=data["filename_contains"],
        )
        return Response([FoundFileSerializer.of(file, request) for file in files])


class ClipActionsMixin:
    """keyframes, presets, reset and captions on /clips/<id>/."""

    def _clip_response(self, clip):
        return Response(self.get_serializer(clip).data)

    @staticmethod
    def _fps(clip) -> float:
        return clip.project.fps_num / clip.project.fps_den

    @extend_schema(request=KeyframeSerializer, responses={200: ClipSerializer, 400: BAD},
                   examples=[OpenApiExample("alpha", value={"property": "alpha", "position_in_seconds": 3.0,
                                                           "curve": "Linear", "value": 1.0}, request_only=True)])
    @action(detail=True, methods=["post"])
    def keyframes(self, request, pk=None):
        """Add (or replace) a point on a property's curve at a time into the clip (X = its source frame)."""
        clip = self.get_object()
        data = _validated(KeyframeSerializer, request.data)
        clip = animation.keyframe_add(clip=clip, fps=self._fps(clip), prop=data["property"],
                                      seconds=data["position_in_seconds"], curve=animation.curve_name(data["curve"]),
                                      value=data["value"])
        return self._clip_response(clip)

    @extend_schema(request=PresetSerializer, responses={200: ClipSerializer, 400: BAD},
                   examples=[OpenApiExample("fade in", value={"preset": "Fade In", "length_in_seconds": 3.0,
                                                              "curve": "Ease (Default)"}, request_only=True)])
    @action(detail=True, methods=["post"])
    def presets(self, request, pk=None):
        """Apply one of OpenShot's animation presets (fades, zooms, slides, rotation, layout)."""
        clip = self.get_object()
        data = _validated(PresetSerializer, request.data)
        clip = animation.preset_apply(clip=clip, fps=self._fps(clip), preset=animation.preset_name(data["preset"]),
                                      length=data["length_in_seconds"], curve=animation.curve_name(data["curve"]))
        return self._clip_response(clip)

    @extend_schema(request=None, responses={200: ClipSerializer})
    @action(detail=True, methods=["post"])
    def reset(self, request, pk=None):
        """Put alpha, scale_x/scale_y, location_x/location_y and rotation back to their defaults."""
        return self._clip_response(animation.keyframes_reset(clip=self.get_object()))

    @extend_schema(request=CaptionsSerializer, responses={200: ClipSerializer, 400: BAD})
    @action(detail=True, methods=["post"])
    def captions(self, request, pk=None):
        """Append VTT/SubRip captions (or the file's transcript) to the clip's Caption effect, creating it if needed."""
        clip = self.get_object()
        data = _validated(CaptionsSerializer, request.data)
        clip = captions.captions_add(clip=clip, caption_text=data["caption_text"],
                                     append_file_transcript=data["append_file_transcript"],
                                     language=data["file_transcript_language"])
        return self._clip_response(clip)

