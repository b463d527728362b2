"""The review API: /assets/<id>/comments/ (list, create, export) and /comments/<id>/ with its actions.

Readers of the asset (its catalog's owner, viewers, editors) read,
comment, reply and react; only the author edits a note's text and
drawing; the author, the catalog's owner and editors resolve and delete
(review.access). A non-reader never learns a comment exists: 404.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from config.api.pagination import PageOrSkipTakePagination
from config.api.renderers import BinaryRenderer
from config.api.sharing import SharedModelViewSet
from config.api.streaming import stream_file
from media_assets.catalog.access import ASSET
from media_assets.catalog.models import Asset
from media_assets.catalog.versions import stack_ids, stack_of
from review import services
from review.access import COMMENT, require_author, require_moderator
from review.api.filters import comment_filters, comment_ordering
from review.api.serializers import (
    AttachmentUploadSerializer,
    CommentSerializer,
    ReactSerializer,
    ReplySerializer,
    ResolveSerializer,
)
from review.models import Comment, CommentReaction
from review.notes_export import FORMATS, ExportError, notes_text

LIST_PARAMETERS = [
    OpenApiParameter("version", str, description="A version number of the asset's stack, or `all` for the whole "
                                                 "stack; default the asset itself."),
    OpenApiParameter("resolved", bool), OpenApiParameter("public", bool), OpenApiParameter("has_annotation", bool),
    OpenApiParameter("author", str, description="A username."),
    OpenApiParameter("frame_from", str, description="A frame or timecode: notes from it on."),
    OpenApiParameter("frame_to", str, description="A frame or timecode: notes up to it."),
    OpenApiParameter("parent", str, description="`null` for top-level notes only, or a comment id for its replies."),
    OpenApiParameter("ordering", str, enum=["frame", "-frame", "date_created", "-date_created"]),
]


def comments_loaded(queryset, user):
    """Everything a comment's answer shows, in a constant number of queries for any page."""
    return queryset.select_related("asset", "author", "resolved_by").annotate(
        reply_count=Count("reply_set", distinct=True),
    ).prefetch_related(
        Prefetch("reactions", queryset=CommentReaction.objects.only("id", "comment_id", "user_id", "emoji")),
        "attachments",
    )


def _reread(comment: Comment, user) -> Comment:
    """The comment again, loaded as lists load it (its warnings kept)."""
    fresh = comments_loaded(Comment.objects.filter(pk=comment.pk), user).get()
    fresh.warnings = getattr(comment, "warnings", [])
    return fresh


class FirstRenderer(BaseContentNegotiation):
    """Ignores ?format= (here the export's file format, not DRF's renderer override)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema_view(
    list=extend_schema(description="Review notes, in frame order (nested: one asset's; ?version=all its stack's).",
                       parameters=LIST_PARAMETERS),
    create=extend_schema(description="A note on a frame (or the whole asset), with an optional drawing; "
                                     "anyone who may read the asset."),
    retrieve=extend_schema(description="One note."),
    update=extend_schema(description="Change your own note's text, frame, drawing or public."),
    partial_update=extend_schema(description="Change your own note's text, frame, drawing or public."),
    destroy=extend_schema(description="Delete a note and its replies (its author, the catalog's owner or editors)."),
)
class CommentViewSet(SharedModelViewSet):
    """Frame-exact review notes on catalog assets, with drawings, replies, reactions and attachments."""

    queryset = Comment.objects.all()
    serializer_class = CommentSerializer
    sharing = COMMENT
    parent_sharing = ASSET
    parent_field = None
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = PageOrSkipTakePagination
    filter_backends = []
    list_actions = frozenset({"list", "replies", "export"})
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def parent_queryset(self):
        return Asset.objects.select_related("catalog")

    def get_queryset(self):
        if not self.request.user.is_authenticated:  # schema generation
            return Comment.objects.none()
        user = self.request.user
        queryset = COMMENT.readable(Comment.objects.all(), user)
        if self.action not in self.list_actions:
            queryset = COMMENT.with_role(queryset, user).select_related("asset__catalog")
        asset = self.get_parent()
        if asset is not None:
            queryset = queryset.filter(asset__in=self.version_assets(asset))
        if self.action == "list":
            fmt = asset.tc_format if asset is not None else 25
            queryset = queryset.filter(comment_filters(self.request.query_params, tc_format=fmt))
            queryset = queryset.order_by(*comment_ordering(self.request.query_params))
        return comments_loaded(queryset, user)

    def version_assets(self, asset: Asset):
        version = self.request.query_params.get("version") if self.action in ("list", "export") else None
        if version is None:
            return [asset.pk]
        if version == "all":
            return stack_ids(asset)
        if not version.isdigit() or len(version) > 9:
            raise ValidationError({"version": ["Give a version number of the asset's stack, or all."]})
        members = stack_of(asset)
        if not 1 <= int(version) <= len(members):
            raise ValidationError({"version": [f"The asset's stack has {len(members)} version(s), not {version}."]})
        return [members[int(version) - 1].pk]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "parent_pk" in self.kwargs and self.request is not None and self.request.user.is_authenticated:
            context["asset"] = self.get_parent()
        return context

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("context", self.get_serializer_context())
        return self.get_serializer_class()(*args, **kwargs)

    # -- writes --------------------------------------------------------------------------

    def _create(self, serializer, *, parent=None) -> Response:
        data = serializer.validated_data
        comment = services.comment_create(
            asset=data["target"], author=self.request.user, parent=data.get("parent") or parent,
            text=data["text"], frame=data.get("frame"), duration=data.get("duration", 0),
            annotation=data.get("annotation"), public=data.get("public", True),
        )
        body = CommentSerializer(_reread(comment, self.request.user), context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    def create(self, request, *args, **kwargs):
        if self.get_parent() is None:
            raise ValidationError({"asset": ["Post notes to /assets/<id>/comments/."]})
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._create(serializer)

    def update(self, request, *args, **kwargs):
        comment = self.get_object()
        require_author(request.user, comment)
        serializer = self.get_serializer(comment, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "parent" in serializer.validated_data:
            raise ValidationError({"parent": ["A note cannot move to another parent."]})
        fields = {key: value for key, value in serializer.validated_data.items()
                  if key in ("text", "frame", "duration", "annotation", "public")}
        comment = services.comment_update(comment=comment, fields=fields)
        return Response(CommentSerializer(_reread(comment, request.user), context=self.get_serializer_context()).data)

    def perform_destroy(self, instance):
        require_moderator(self.request.user, instance, instance.access_role)
        services.comment_delete(comment=instance)

    # -- actions -------------------------------------------------------------------------

    @extend_schema(request=ReplySerializer, responses={201: CommentSerializer},
                   description="Reply to a top-level note (replies are one level deep); on its asset and version.")
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        parent = self.get_object()
        if parent.parent_id is not None:
            raise ValidationError({"parent": ["That comment is a reply; replies are one level deep."]})
        context = {**self.get_serializer_context(), "asset": parent.asset, "parent": parent}
        serializer = ReplySerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        return self._create(serializer, parent=parent)

    @extend_schema(responses=CommentSerializer(many=True), description="A note's replies, oldest first.")
    @action(detail=True, methods=["get"])
    def replies(self, request, pk=None):
        parent = get_object_or_404(COMMENT.readable(Comment.objects.all(), request.user), pk=pk)
        queryset = comments_loaded(Comment.objects.filter(parent=parent).order_by("date_created", "id"), request.user)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(CommentSerializer(page, many=True, context=self.get_serializer_context()).data)

    @extend_schema(request=ResolveSerializer, responses=CommentSerializer,
                   description="Resolve a note (or open it again with resolved false): its author, the catalog's "
                               "owner or editors.")
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        comment = self.get_object()
        require_moderator(request.user, comment, comment.access_role)
        body = ResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = services.comment_resolve(comment=comment, user=request.user, resolved=body.validated_data["resolved"])
        return Response(CommentSerializer(_reread(comment, request.user), context=self.get_serializer_context()).data)

    @extend_schema(request=ReactSerializer, responses=CommentSerializer,
                   description="Toggle one of your reactions (from a fixed set of emoji) on a note.")
    @action(detail=True, methods=["post"])
    def react(self, request, pk=None):
        comment = self.get_object()
        body = ReactSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.comment_react(comment=comment, user=request.user, emoji=body.validated_data["reaction"])
        return Response(CommentSerializer(_reread(comment, request.user), context=self.get_serializer_context()).data)

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer}, responses={201: CommentSerializer},
                   description="Attach a file to your own note (multipart `file`, at most "
                               "REVIEW_ATTACHMENT_MAX_BYTES); it is served back as a download, never inline.")
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        comment = self.get_object()
        require_author(request.user, comment)
        limit = settings.REVIEW_ATTACHMENT_MAX_BYTES
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.isdigit() and int(declared) > limit + 64 * 1024:  # refuse before reading a body that is too big
            raise ValidationError({"file": [f"An attachment is at most {limit} bytes."]})
        body = AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        if upload.size > limit:
            raise ValidationError({"file": [f"An attachment is at most {limit} bytes, not {upload.size}."]})
        with transaction.atomic():
            services.attachment_add(comment=comment, upload=upload, user=request.user)
        return Response(CommentSerializer(_reread(comment, request.user), context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


class CommentAttachmentView(SharedModelViewSet):
    """GET /comments/<id>/attachments/<n>/: the attachment's bytes, always as a download."""

    queryset = Comment.objects.all()
    sharing = COMMENT
    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [BinaryRenderer, JSONRenderer]
    list_actions = frozenset({"retrieve"})

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def retrieve(self, request, pk=None, attachment_pk=None):
        comment = get_object_or_404(self.get_queryset(), pk=pk)
        attachment = get_object_or_404(comment.attachments.all(), pk=attachment_pk)
        handle = attachment.file.open("rb")
        response = stream_file(request, handle, size=attachment.bytes, filename=attachment.name,
                               content_type="application/octet-stream", as_attachment=True)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class CommentExportView(CommentViewSet):
    """GET /assets/<id>/comments/export/?format=csv|edl|xml|otio: the notes for an editor."""

    content_negotiation_class = FirstRenderer
    renderer_classes = [JSONRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=list(FORMATS), description="The file format (default csv)."),
                    OpenApiParameter("version", str, description="A version number, or all.")],
        responses={(200, "text/csv"): OpenApiTypes.STR, 400: OpenApiResponse(description="Unknown format")},
        description="The asset's top-level notes with their replies: CSV, or as markers an editor imports "
                    "(CMX 3600 EDL locators, FCP 7 XML markers, OTIO markers, written by OpenTimelineIO).",
    )
    def export(self, request, *args, **kwargs):
        fmt = request.query_params.get("format", "csv")
        if fmt not in FORMATS:
            raise ValidationError({"format": [f"Give one of {', '.join(FORMATS)}."]})
        asset = self.get_parent()
        queryset = self.get_queryset().filter(parent__isnull=True).order_by("frame", "id").prefetch_related(
            Prefetch("reply_set", queryset=Comment.objects.select_related("author").order_by("date_created", "id"),
                     to_attr="reply_list"))
        comments = list(queryset[:10_000])
        try:
            text = notes_text(asset, comments, fmt)
        except ExportError as error:
            raise ValidationError({"format": [str(error)]}) from None
        content_type, extension = FORMATS[fmt]
        response = HttpResponse(text, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="notes-{asset.pk}.{extension}"'
        return response
