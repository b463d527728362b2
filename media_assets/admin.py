"""Admin for media files."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from media_assets.fonts import font_check, font_delete
from media_assets.models import File, Font


@admin.register(File)
class FileAdmin(admin.ModelAdmin):
    list_display = ["id", "__str__", "project", "media_type", "owner", "date_created"]
    list_filter = ["owner", "date_created"]
    search_fields = ["media", "project__name", "owner__username"]
    readonly_fields = ["owner", "media", "json", "date_created", "date_updated"]
    list_select_related = ["project", "owner"]
    raw_id_fields = ["project"]


class FontAdminForm(forms.ModelForm):
    class Meta:
        model = Font
        fields = ["owner", "file"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None and self.instance.pk is None:
            try:
                self.instance.family, self.instance.style = font_check(upload=upload, owner=cleaned.get("owner"))
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from error
            self.instance.size = upload.size
        return cleaned


@admin.register(Font)
class FontAdmin(admin.ModelAdmin):
    """Staff add global fonts here (leave the owner empty) and remove anyone's; family and style come from the file."""

    form = FontAdminForm
    list_display = ["id", "family", "style", "owner", "size", "date_created"]
    list_filter = [("owner", admin.EmptyFieldListFilter)]
    search_fields = ["family", "owner__username"]
    readonly_fields = ["family", "style", "size", "date_created"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "owner", "file"] if obj is not None else self.readonly_fields

    def delete_model(self, request, obj):
        font_delete(font=obj)

    def delete_queryset(self, request, queryset):
        for font in queryset:
            font_delete(font=font)


# The catalog's admin lives beside its models; importing it registers it.
import media_assets.catalog.admin  # noqa: E402,F401
