from django.contrib import admin
from django.utils.html import format_html, format_html_join

from editorial.admin_mixins import ReadOnlyAdminMixin

from .models import ChangeRecord


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for everyone: the trail cannot be added to, edited or deleted from the admin."""

    list_display = ["at", "user", "model_name", "record_link", "action", "reason", "changes_list"]
    list_filter = [
        ("user", admin.RelatedOnlyFieldListFilter),
        ("content_type", admin.RelatedOnlyFieldListFilter),
        "action",
        "at",
    ]
    date_hierarchy = "at"
    search_fields = ["object_repr", "reason"]
    search_help_text = "按记录名称或说明查找"
    list_select_related = ["user", "content_type"]
    fields = ["at", "user", "model_name", "record_link", "action", "reason", "changes_list"]
    readonly_fields = fields

    @admin.display(description="类型", ordering="content_type")
    def model_name(self, record):
        return record.content_type.name

    @admin.display(description="记录", ordering="object_repr")
    def record_link(self, record):
        url = record.get_admin_url()
        return format_html('<a href="{}">{}</a>', url, record.object_repr) if url else record.object_repr

    @admin.display(description="修改内容")
    def changes_list(self, record):
        if not record.changes:
            return "—"
        items = format_html_join("", "<li>{}：{} → {}</li>", record.changes)
        return format_html('<ul class="change-record-changes">{}</ul>', items)
