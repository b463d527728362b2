from django.contrib import admin, messages

from sharing.models import Playlist, PlaylistItem, ShareAccess, ShareLink
from sharing.services import share_link_revoke


class PlaylistItemInline(admin.TabularInline):
    model = PlaylistItem
    extra = 0
    raw_id_fields = ["asset"]


@admin.register(Playlist)
class PlaylistAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "catalog", "owner", "date_created"]
    search_fields = ["name"]
    raw_id_fields = ["catalog"]
    readonly_fields = ["owner"]
    inlines = [PlaylistItemInline]


class AccessInline(admin.TabularInline):
    model = ShareAccess
    extra = 0
    can_delete = False
    readonly_fields = ["time", "ip", "guest_name"]


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ["id", "token_prefix", "target_type", "owner", "expires_at", "is_active", "views",
                    "last_viewed_at"]
    list_filter = ["is_active", "target_type"]
    search_fields = ["token_prefix", "owner__username"]
    readonly_fields = ["owner", "token_prefix", "target_type", "asset", "playlist", "smart_folder", "views",
                       "last_viewed_at"]
    exclude = ["token_hash", "password"]
    inlines = [AccessInline]
    actions = ["revoke"]

    @admin.action(description="Revoke the selected links")
    def revoke(self, request, queryset):
        count = 0
        for link in queryset.filter(is_active=True):
            share_link_revoke(link=link)
            count += 1
        self.message_user(request, f"{count} link(s) revoked.", messages.SUCCESS)
