"""Admin for review: comments with their reactions and attachments, and the change history of each."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from review.models import Comment, CommentAttachment, CommentReaction
from review.services import comment_resolve


class ReactionInline(admin.TabularInline):
    model = CommentReaction
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["date_created"]


class AttachmentInline(admin.TabularInline):
    model = CommentAttachment
    extra = 0
    fields = ["name", "bytes", "content_type", "uploaded_by", "date_created"]
    readonly_fields = fields


@admin.register(Comment)
class CommentAdmin(SimpleHistoryAdmin):
    list_display = ["id", "asset", "author", "guest_name", "frame", "short_text", "parent", "public", "resolved",
                    "date_created"]
    list_filter = ["resolved", "public", "date_created"]
    search_fields = ["text", "guest_name", "author__username", "asset__name"]
    list_select_related = ["asset", "author"]
    raw_id_fields = ["asset", "author", "parent", "resolved_by"]
    readonly_fields = ["mentions", "date_created", "date_updated"]
    inlines = [ReactionInline, AttachmentInline]
    actions = ["mark_resolved"]

    @admin.display(description="text")
    def short_text(self, comment: Comment) -> str:
        return comment.text[:80]

    @admin.action(description="Mark the selected comments resolved")
    def mark_resolved(self, request, queryset):
        for comment in queryset.filter(resolved=False):
            comment_resolve(comment=comment, user=request.user, resolved=True)


@admin.register(CommentAttachment)
class CommentAttachmentAdmin(SimpleHistoryAdmin):
    list_display = ["id", "name", "comment", "bytes", "content_type", "uploaded_by", "date_created"]
    search_fields = ["name"]
    raw_id_fields = ["comment", "uploaded_by"]
    readonly_fields = ["bytes", "date_created"]
