"""图片库 in the admin: thumbnails, search by name and date, deletion refused while a page shows the image."""

from django.contrib import admin
from django.db import models
from django.utils.html import format_html, format_html_join

from richtext.images import ImageFormField

from .models import LibraryImage


def thumbnail(image, size=80):
    return format_html(
        '<img src="{}" alt="{}" class="library-thumb" width="{}" loading="lazy">', image.image.url, image.alt_text, size
    )


@admin.register(LibraryImage)
class LibraryImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail_display", "title", "alt_display", "size_display", "uploaded_at", "uploaded_by"]
    list_display_links = ["thumbnail_display", "title"]
    search_fields = ["title", "alt"]
    date_hierarchy = "uploaded_at"
    list_filter = ["decorative", "uploaded_at"]
    fields = ["image", "preview", "title", "alt", "decorative", "usage_display", "uploaded_at", "uploaded_by"]
    readonly_fields = ["preview", "usage_display", "uploaded_at", "uploaded_by"]
    # A decompression bomb gets the pixel-limit message, as in every image field of the admin.
    formfield_overrides = {models.ImageField: {"form_class": ImageFormField}}

    class Media:
        css = {"all": ["css/admin-library.css"]}

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def get_deleted_objects(self, objs, request):
        """The delete confirmation lists the pages that show an image as “protected”: nothing is deleted."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for image in objs:
            for label, url in image.usages():
                protected.append(format_html('{}：<a href="{}">{}</a>', image.title, url, label))
        return deleted, counts, perms_needed, protected

    def delete_queryset(self, request, queryset):
        for image in queryset:
            image.delete()

    @admin.display(description="缩略图")
    def thumbnail_display(self, image):
        return thumbnail(image)

    @admin.display(description="预览")
    def preview(self, image):
        return thumbnail(image, 240) if image.pk else "—"

    @admin.display(description="替代文字")
    def alt_display(self, image):
        return "（装饰性图片）" if image.decorative else image.alt

    @admin.display(description="尺寸")
    def size_display(self, image):
        return f"{image.width}×{image.height}"

    @admin.display(description="使用此图片的页面")
    def usage_display(self, image):
        usages = image.usages() if image.pk else []
        if not usages:
            return "（暂无）"
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a></li>', ((url, label) for label, url in usages))
        )
