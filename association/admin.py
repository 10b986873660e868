from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from . import outline
from .models import Document, DocumentVersion

PUBLISH_BUTTON = "_publish"


class DocumentVersionInline(admin.TabularInline):
    """The document's versions, newest first, as a read-only list: each one opens on its own page."""

    model = DocumentVersion
    fields = ["number", "status", "effective_date", "change_note", "published_at"]
    readonly_fields = fields
    ordering = ["-number"]
    extra = 0
    show_change_link = True
    verbose_name_plural = "版本（已发布的版本不能修改；要修改请新建版本）"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a list to open versions from ("查看"); drafts are edited on their own page

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "current_version",
        "current_effective_date",
        "draft_count",
        "order",
        "show_in_nav",
        "new_version_link",
    ]
    list_editable = ["order"]
    search_fields = ["title", "full_title", "slug"]
    fields = ["title", "full_title", "slug", "order", "show_in_nav", "publish_requires_details"]
    inlines = [DocumentVersionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_current()

    @admin.display(description="现行版本", ordering="current_number")
    def current_version(self, document):
        return f"第 {document.current_number} 版" if document.current_number else "尚未发布"

    @admin.display(description="生效日期", ordering="current_effective_date")
    def current_effective_date(self, document):
        return document.current_effective_date

    @admin.display(description="草稿数", ordering="draft_count")
    def draft_count(self, document):
        return document.draft_count

    @admin.display(description="新版本")
    def new_version_link(self, document):
        url = reverse("admin:association_documentversion_add")
        return format_html('<a href="{}?document={}">以现行文本新建版本</a>', url, document.pk)


class DocumentVersionForm(forms.ModelForm):
    """Saving with 保存并发布 validates the version as published (the charter needs 生效日期 and 修改说明)."""

    class Meta:
        model = DocumentVersion
        fields = ["document", "body", "effective_date", "change_note"]

    def clean(self):
        cleaned = super().clean()
        if PUBLISH_BUTTON in self.data:
            self.instance.status = DocumentVersion.Status.PUBLISHED
        return cleaned


@admin.register(DocumentVersion)
class DocumentVersionAdmin(admin.ModelAdmin):
    """Drafts are edited here; a published version is shown read-only and cannot be deleted.

    "以现行文本新建版本" opens the add form with the current text (or, with ``from=N``, version N's).
    """

    form = DocumentVersionForm
    list_display = ["__str__", "document", "number", "status", "effective_date", "change_note", "published_at"]
    list_display_links = ["__str__"]
    list_filter = ["document", "status"]
    list_select_related = ["document"]
    search_fields = ["change_note", "document__title"]
    ordering = ["document__order", "document_id", "-number"]
    readonly_fields = ["number", "status", "published_at", "published_by", "created_at", "created_by"]
    actions = ["publish"]
    fieldsets = [
        (None, {"fields": ["document", "body"]}),
        ("生效与说明", {"fields": ["effective_date", "change_note"]}),
        ("记录", {"fields": ["number", "status", "published_at", "published_by", "created_at", "created_by"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets[:-1]  # a new version has no record yet
        if obj.is_published:
            return [(None, {"fields": ["document", "text"]}), *self.fieldsets[1:]]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        # A draft stays with its document (its number belongs to that document).
        return [*self.readonly_fields, "document"] if obj else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="正文")
    def text(self, version):
        """A published version's text, paragraph by paragraph (read-only, so not in the editor)."""
        return format_html_join("", "<p>{}</p>", ((paragraph,) for paragraph in outline.block_texts(version.body)))

    def get_changeform_initial_data(self, request):
        """Start from the current text of the chosen document (or from version ``from``)."""
        initial = super().get_changeform_initial_data(request)
        initial.pop("from", None)
        document_id = request.GET.get("document", "")
        if document_id.isdigit():
            versions = DocumentVersion.objects.filter(document_id=document_id).published().order_by("-number")
            source = request.GET.get("from", "")
            if source.isdigit():
                versions = versions.filter(number=source)
            base = versions.first()
            if base is not None:
                initial.setdefault("body", base.body)
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if obj.is_published:
            obj.published_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        return self._published_response(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        return self._published_response(request, obj) or super().response_change(request, obj)

    def _published_response(self, request, obj):
        if PUBLISH_BUTTON not in request.POST or not obj.is_published:
            return None
        self.message_user(
            request,
            format_html('已发布“{}”，网站上已显示新版本：<a href="{}">查看</a>', obj, obj.document.get_absolute_url()),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:association_document_change", args=[obj.document_id]))

    @admin.action(description="发布所选草稿", permissions=["change"])
    def publish(self, request, queryset):
        published = 0
        for version in queryset.drafts().select_related("document").order_by("document_id", "number"):
            try:
                version.publish(user=request.user)
            except ValidationError as error:
                reasons = "；".join(message for messages_ in error.message_dict.values() for message in messages_)
                self.message_user(request, f"“{version}”未发布：{reasons}", messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(request, f"已发布 {published} 个版本。", messages.SUCCESS)
