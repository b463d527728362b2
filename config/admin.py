"""Users with their API token shown, and a way to create or regenerate it."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from rest_framework.authtoken.models import Token, TokenProxy

from config.tokens import token_regenerate

User = get_user_model()


class TokenInline(admin.StackedInline):
    model = Token
    fields = ["key", "created"]
    readonly_fields = ["key", "created"]
    can_delete = False
    extra = 0
    max_num = 1


@admin.action(description="Create or regenerate the API token of the selected users")
def regenerate_tokens(modeladmin, request, queryset):
    for user in queryset:
        token_regenerate(user=user)
    messages.success(request, f"New tokens for {queryset.count()} user(s).")


admin.site.unregister(User)


@admin.register(User)
class MontageUserAdmin(UserAdmin):
    inlines = [TokenInline]
    actions = [regenerate_tokens]
    list_display = ["username", "email", "is_staff", "is_active", "token_key", "date_joined"]
    list_select_related = ["auth_token"]

    @admin.display(description="API token")
    def token_key(self, user):
        token = getattr(user, "auth_token", None)
        return token.key if token else "-"


# OpenShot documents tokens at /cloud-admin/authtoken/token/; DRF registers a
# proxy model under another URL, so register the Token model itself.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


@admin.register(Token)
class TokenAdmin(admin.ModelAdmin):
    list_display = ["key", "user", "created"]
    search_fields = ["user__username", "user__email"]
    fields = ["user"]
    ordering = ["-created"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]

    def save_model(self, request, obj, form, change):
        # A token is made or replaced for its user; the key is generated.
        token = token_regenerate(user=obj.user)
        obj.pk, obj.key, obj.created = token.pk, token.key, token.created
