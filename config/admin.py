"""Users with their API tokens (by prefix), and the token list where tokens are made and revoked.

Keys are stored only as digests, so the admin shows a key once, in the
message after making it; afterwards a token is named by its prefix.
"""

import functools
import re

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count
from django.http import Http404
from django.urls import path
from rest_framework.authtoken.models import Token, TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from config.api.ids import ID_REGEX
from config.models import ApiToken
from config.tokens import token_create, token_regenerate

User = get_user_model()


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    fields = ["token_key", "created", "last_used", "expiry"]
    readonly_fields = fields
    can_delete = True  # deleting a row revokes that token
    extra = 0
    verbose_name_plural = "API tokens (delete one to revoke it)"

    def has_add_permission(self, request, obj=None):
        return False


def _show_once(request, user, key: str) -> None:
    messages.warning(request, f"New API token of '{user.get_username()}' (shown only now, copy it): {key}")


@admin.action(description="Revoke every API token of the selected users and make a new one")
def regenerate_tokens(modeladmin, request, queryset):
    for user in queryset:
        _, key = token_regenerate(user=user)
        _show_once(request, user, key)


@admin.action(description="Make another API token for the selected users")
def create_tokens(modeladmin, request, queryset):
    for user in queryset:
        _, key = token_create(user=user)
        _show_once(request, user, key)


admin.site.unregister(User)


@admin.register(User)
class MontageUserAdmin(UserAdmin):
    inlines = [ApiTokenInline]
    actions = [create_tokens, regenerate_tokens]
    list_display = ["username", "email", "is_staff", "is_active", "token_count", "date_joined"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(token_count=Count("auth_token_set"))

    @admin.display(description="API tokens", ordering="token_count")
    def token_count(self, user):
        return user.token_count


# DRF's plaintext tokens are no longer used (migrated to ApiToken).
for model in (Token, TokenProxy):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["token_key", "user", "created", "last_used", "expiry"]
    list_filter = ["created", "last_used"]
    search_fields = ["token_key", "user__username", "user__email"]
    ordering = ["-created"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    actions = ["delete_selected"]

    def get_fields(self, request, obj=None):
        return ["user"] if obj is None else ["token_key", "user", "created", "last_used", "expiry"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["token_key", "user", "created", "last_used", "expiry"]

    def save_model(self, request, obj, form, change):
        if change:
            return  # every field is read-only: a token is made or revoked, never edited
        token, key = token_create(user=obj.user)
        obj.pk, obj.digest, obj.token_key, obj.created = token.pk, token.digest, token.token_key, token.created
        _show_once(request, obj.user, key)


# OpenShot's documentation sends users to /cloud-admin/authtoken/token/ for tokens: that page is this list.
_site_urls = admin.site.get_urls


def _urls_with_openshot_token_page():
    tokens = admin.site._registry[ApiToken]
    return [path("authtoken/token/", admin.site.admin_view(tokens.changelist_view), name="openshot-tokens"),
            *_site_urls()]


admin.site.get_urls = _urls_with_openshot_token_page


# django-simple-history's history pages pass the URL's ids straight to a query, so
# `…/asset/abc/history/` or a version id of 5,000 digits was a 500. Every history
# admin (the catalog's models) gets them checked here, once: a malformed id is a 404.
_INTEGER_ID = re.compile(f"^{ID_REGEX}$")


def _ids_checked(view):
    @functools.wraps(view)
    def checked(self, request, object_id, *args, **kwargs):
        version_id = kwargs.get("version_id", args[0] if args else None)
        integer_pk = self.model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField", "IntegerField",
                                                                 "BigIntegerField")
        if (integer_pk and not _INTEGER_ID.match(unquote(object_id))) or (
                version_id is not None and not _INTEGER_ID.match(str(version_id))):
            raise Http404("No such object or version.")
        return view(self, request, object_id, *args, **kwargs)

    return checked


SimpleHistoryAdmin.history_view = _ids_checked(SimpleHistoryAdmin.history_view)
SimpleHistoryAdmin.history_form_view = _ids_checked(SimpleHistoryAdmin.history_form_view)
