from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from attachments.admin import AttachmentsAdminMixin
from editorial.admin_mixins import (
    ConcurrentEditForm,
    ReadOnlyAdminMixin,
    StaffEditAdmin,
    with_decorative_images_choice,
)
from richtext.text import text_blocks
from workflow.admin import ReviewableAdminMixin

from .models import Document, DocumentVersion, PublishedVersionError

PUBLISH_BUTTON = "_publish"


class DocumentVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The document's versions, newest first, as a read-only list: each one opens on its own page ("查看").

    Drafts are edited on their own page too, never in this list.
    """

    model = DocumentVersion
    fields = ["number", "status", "effective_date", "change_note", "published_at"]
    readonly_fields = fields
    ordering = ["-number"]
    extra = 0
    show_change_link = True
    verbose_name_plural = "版本（已发布的版本不能修改；要修改请新建版本）"


@admin.register(Document)
class DocumentAdmin(AttachmentsAdminMixin, StaffEditAdmin):
    attachment_parent_field = "document"
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
    fields = [
        "title",
        "full_title",
        "title_en",
        "full_title_en",
        "slug",
        "order",
        "show_in_nav",
        "publish_requires_details",
    ]
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


class DocumentVersionForm(ConcurrentEditForm):
    """Saving with 保存并发布 validates the version as published (the charter needs 生效日期 and 修改说明)."""

    class Meta:
        model = DocumentVersion
        fields = ["document", "body", "body_en", "effective_date", "change_note", "based_on"]
        widgets = {"based_on": forms.HiddenInput}

    def clean(self):
        cleaned = super().clean()
        if PUBLISH_BUTTON in self.data:
            self.instance.status = DocumentVersion.Status.PUBLISHED
        return cleaned

    def has_changed(self):
        # Publishing is a change even when the text is not.
        return PUBLISH_BUTTON in self.data or super().has_changed()


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ReviewableAdminMixin, StaffEditAdmin):
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
        ("英文版（可选）", {"fields": ["body_en"]}),
        ("生效与说明", {"fields": ["effective_date", "change_note"]}),
        (
            "记录",
            {
                "fields": [
                    "number",
                    "based_on",
                    "status",
                    "published_at",
                    "published_by",
                    "created_at",
                    "created_by",
                ]
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            # A new version has no record yet; it carries the number of the version it amends (hidden).
            fieldsets = [(None, {"fields": ["document", "body", "based_on"]}), *self.fieldsets[1:-1]]
            return with_decorative_images_choice(self.model, fieldsets)
        if obj.is_published:
            fieldsets = [(None, {"fields": ["document", "text"]}), *self.fieldsets[1:]]
            return with_decorative_images_choice(self.model, fieldsets)
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # A draft stays with its document (its number belongs to that document) and with its base;
        # of a published version only the English translation may still be written.
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and obj.is_published:
            return [*readonly, "document", "text", "based_on", "effective_date", "change_note"]
        return [*readonly, "document", "based_on"] if obj else readonly

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="正文")
    def text(self, version):
        """A published version's text, paragraph by paragraph (read-only, so not in the editor)."""
        return format_html_join(
            "", "<p>{}</p>", ((paragraph,) for paragraph in text_blocks(version.body, line_break=" "))
        )

    def get_changeform_initial_data(self, request):
        """Start from the current text of the chosen document (or from version ``from``)."""
        initial = super().get_changeform_initial_data(request)
        initial.pop("from", None)
        document_id = request.GET.get("document", "")
        if document_id.isdigit():
            versions = DocumentVersion.objects.filter(document_id=document_id).newest_published()
            source = request.GET.get("from", "")
            if source.isdigit():
                versions = versions.filter(number=source)
            base = versions.first()
            if base is not None:
                initial.setdefault("body", base.body)
            current = DocumentVersion.objects.filter(document_id=document_id).newest_published().first()
            if current is not None:
                initial["based_on"] = current.number
        return initial

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """保存并发布 runs under the document's lock, so that the form's checks see what is stored now.

        Of two staff members publishing at once, the second one's form is checked after the
        first one's version is in (a draft that did not start from it is refused); a draft
        that someone published meanwhile is not saved or published again.
        """
        if request.method != "POST" or PUBLISH_BUTTON not in request.POST:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic(using=router.db_for_write(self.model)):
            version = self._posted_version(request, object_id)
            if version is not None:
                version.lock_document()
                try:
                    version.refuse_if_published_meanwhile()
                except PublishedVersionError as error:
                    self.message_user(request, str(error), messages.ERROR)
                    return HttpResponseRedirect(request.path)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def _posted_version(self, request, object_id):
        """The version a POST saves (a new one needs only its document, to lock it), or None."""
        if object_id is not None:
            return DocumentVersion.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        document_id = request.POST.get("document", "")
        return DocumentVersion(document_id=int(document_id)) if document_id.isdigit() else None

    def save_model(self, request, obj, form, change):
        if PUBLISH_BUTTON in request.POST and obj.is_published:
            obj.published_by = request.user
            obj._change_reason = "发布版本"
        elif change and obj.is_published:
            obj._change_reason = "修改英文译文"
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
            except PublishedVersionError as error:
                self.message_user(request, str(error), messages.ERROR)
            except ValidationError as error:
                # The reasons may hold a link (to compare versions): escape the rest, keep that.
                reasons = mark_safe(  # noqa: S308 (every part is escaped or already safe)
                    "；".join(conditional_escape(message) for message in error.messages)
                )
                self.message_user(request, format_html("“{}”未发布：{}", version, reasons), messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(request, f"已发布 {published} 个版本。", messages.SUCCESS)
