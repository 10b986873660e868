"""附件 in the admin: an inline under an article or a document, and a field to add several files at once."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT, ManagementForm
from django.forms.models import BaseInlineFormSet
from django.utils.functional import cached_property
from django.utils.html import format_html

from . import filetypes
from .models import Attachment

NEW_FILES = "new_attachments"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one <input type=file multiple>; each must pass ``filetypes.inspect``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def has_changed(self, initial, data):
        return bool(data)  # no file chosen is no change (the widget gives an empty list)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        errors = []
        for file in files:
            try:
                filetypes.inspect(file, file.name)
            except ValidationError as error:
                errors.append(f"“{file.name}”：{' '.join(error.messages)}")
        if errors:
            raise ValidationError(errors)
        return list(files)


class AttachmentFormSet(BaseInlineFormSet):
    """A save that does not send this list (a script or a test posting only the article's own fields)
    leaves the attachments as they are, instead of failing on the missing management form."""

    @cached_property
    def management_form(self):
        if self.is_bound and self.add_prefix(TOTAL_FORM_COUNT) not in self.data:
            form = ManagementForm(
                {self.add_prefix(TOTAL_FORM_COUNT): "0", self.add_prefix(INITIAL_FORM_COUNT): "0"},
                auto_id=self.auto_id,
                prefix=self.prefix,
                renderer=self.renderer,
            )
            form.full_clean()
            return form
        return super().management_form


class AttachmentInline(admin.TabularInline):
    model = Attachment
    formset = AttachmentFormSet
    # A plain file input: no "currently: attachments/…" link to the stored file (downloads go through
    # the 下载 link, which checks who may see it).
    formfield_overrides = {models.FileField: {"widget": forms.FileInput}}
    fields = ["order", "title", "file", "type_and_size", "download_count", "text_status_display"]
    readonly_fields = ["type_and_size", "download_count", "text_status_display"]
    extra = 0
    verbose_name = "附件"
    verbose_name_plural = "附件（访客在正文下方看到名称、类型、大小和下载链接；按排序从小到大）"

    @admin.display(description="类型和大小")
    def type_and_size(self, attachment):
        if not attachment.pk:
            return "—"
        return format_html(
            '{} · {} <a href="{}">下载</a>', attachment.kind_label, attachment.size_label, attachment.get_absolute_url()
        )

    @admin.display(description="搜索索引")
    def text_status_display(self, attachment):
        if not attachment.pk:
            return "—"
        label = attachment.get_text_status_display()
        if attachment.text_status in {
            Attachment.TextStatus.BROKEN,
            Attachment.TextStatus.ENCRYPTED,
            Attachment.TextStatus.TIMEOUT,
        }:
            return format_html('<strong class="errornote-inline">⚠ {}</strong> {}', label, attachment.text_note)
        return label


class MembersOnlyAttachmentInline(AttachmentInline):
    """A 会员专区 post's files: no search column (nothing members-only is searched)."""

    fields = ["order", "title", "file", "type_and_size", "download_count"]
    readonly_fields = ["type_and_size", "download_count"]
    verbose_name_plural = "附件（只有登录的会员单位能下载；不进入下载中心、搜索和站点地图）"


class AttachmentsAdminMixin:
    """Adds the 附件 inline and an “添加多个附件” field (several files at once) to a parent's admin.

    Put it first in the bases of the parent's ModelAdmin.
    """

    attachment_inline = AttachmentInline

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), self.attachment_inline]

    def may_attach(self, request):
        return request.user.has_perm("attachments.add_attachment")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.may_attach(request):
            return fieldsets
        help_text = (
            f"可一次选择多个文件（按住 Ctrl 或 Shift 多选）：{filetypes.ALLOWED}；"
            f"每个文件最多 {filetypes.size_label(filetypes.max_bytes())}。保存后在下方“附件”中改名称和排序。"
        )
        return [*fieldsets, ("添加附件", {"fields": [NEW_FILES], "description": help_text})]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not self.may_attach(request):
            return super().get_form(request, obj, change, **kwargs)
        base = kwargs.get("form", self.form)
        field = MultipleFileField(label="添加多个附件", required=False)
        kwargs["form"] = type(base.__name__, (base,), {NEW_FILES: field})
        return super().get_form(request, obj, change, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        files = form.cleaned_data.get(NEW_FILES) or []
        if not files or not self.may_attach(request):
            return
        parent = form.instance
        parent_field = Attachment._meta.get_field(self.attachment_parent_field)
        existing = Attachment.objects.filter(**{parent_field.name: parent})
        order = (existing.aggregate(top=Max("order"))["top"] or 0) + 1
        for offset, file in enumerate(files):
            Attachment.objects.create(**{parent_field.name: parent}, file=file, order=order + offset)


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Every attachment, to find one and see its downloads and search status (added under its article)."""

    list_display = ["__str__", "parent_display", "kind", "size_display", "download_count", "text_status", "created_at"]
    list_filter = ["kind", "text_status", "created_at"]
    search_fields = ["title", "original_name", "article__title", "document__title", "member_post__title"]
    list_select_related = ["article", "document", "member_post"]
    readonly_fields = [
        "article",
        "document",
        "member_post",
        "original_name",
        "kind",
        "size",
        "download_count",
        "text_status",
        "text_note",
        "created_at",
        "updated_at",
    ]
    fields = ["title", "order", *readonly_fields]

    def has_add_permission(self, request):
        return False  # added under its article, document or 会员专区 post

    @admin.display(description="所属")
    def parent_display(self, attachment):
        return attachment.parent

    @admin.display(description="大小", ordering="size")
    def size_display(self, attachment):
        return attachment.size_label
