from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ExportForm, ImportForm

from editorial.admin_mixins import StaffEditAdmin, save_each_action
from spreadsheets import formats as spreadsheets
from spreadsheets.importstorage import PendingImportGone

from .models import Member
from .resources import COLUMN_HELP, MemberResource, csv_bytes_as_utf8, import_template


class MemberImportForm(ImportForm):
    """import-export's upload form, with a size limit (why a file cannot be read: see MemberAdmin)."""

    def clean_import_file(self):
        import_file = self.cleaned_data["import_file"]
        try:
            spreadsheets.check_file_size(import_file.size)
        except spreadsheets.ImportLimitError as error:
            raise ValidationError(str(error), code="file_too_large") from error
        return import_file


@admin.register(Member)
class MemberAdmin(StaffEditAdmin, ImportExportModelAdmin):
    list_display = ["logo_thumbnail", "name", "short_name", "city", "level_display", "kind", "role", "order", "active"]
    list_display_links = ["name"]
    list_editable = ["order"]
    list_filter = ["city", "level", "kind", "role", "active"]
    search_fields = ["name", "short_name"]
    search_help_text = "按全称或简称查找"
    readonly_fields = ["logo_preview", "created_at", "updated_at"]
    actions = ["show_on_site", "hide_from_site"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "short_name", "city", "level", "kind", "role"]}),
        ("标志与介绍", {"fields": ["logo", "logo_preview", "website", "address", "joined_on", "introduction"]}),
        ("英文（英文网站显示，可选）", {"fields": ["name_en", "introduction_en"]}),
        ("显示", {"fields": ["order", "active"]}),
        ("记录", {"fields": ["created_at", "updated_at"]}),
    ]

    # Import and export (django-import-export): CSV and Excel, preview before applying.
    resource_classes = [MemberResource]
    # Read within the import limits, written with formulas neutralised (spreadsheets/formats.py).
    formats = [spreadsheets.CSV, spreadsheets.XLSX]
    import_form_class = MemberImportForm
    export_form_class = ExportForm
    import_template_name = "admin/members/member/import.html"
    # Excel opens a UTF-8 CSV correctly only with a byte order mark.
    to_encoding = "utf-8-sig"
    # Each imported change is in the history (操作记录) with a Chinese reason instead.
    skip_admin_log = True

    class Media:
        css = {"all": ["members/admin.css"]}

    @admin.display(description="标志")
    def logo_thumbnail(self, member):
        if not member.logo:
            return "—"
        return format_html('<img class="member-admin-logo" src="{}" alt="">', member.logo.url)

    @admin.display(description="标志预览")
    def logo_preview(self, member):
        if not member.logo:
            return "尚未上传标志：网站上显示简称首字的圆形图案。"
        return format_html('<img class="member-admin-logo member-admin-logo--large" src="{}" alt="">', member.logo.url)

    @admin.display(description="级别", ordering="level")
    def level_display(self, member):
        return member.level_label

    show_on_site = save_each_action(
        "在网站上显示所选单位（启用）", "批量操作：显示", "已启用 {count} 个会员单位。", active=True
    )
    hide_from_site = save_each_action(
        "不在网站上显示所选单位（停用）", "批量操作：隐藏", "已停用 {count} 个会员单位。", active=False
    )

    def get_urls(self):
        template = path(
            "import-template.<str:extension>",
            self.admin_site.admin_view(self.import_template_view),
            name="members_member_import_template",
        )
        return [template, *super().get_urls()]

    def has_import_permission(self, request):
        # An import adds and changes members: it needs both permissions (import-export asks for none).
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def import_template_view(self, request, extension):
        """The empty import file (CSV or Excel) that staff fill in."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        template = import_template(extension)
        if template is None:
            raise Http404("没有这种格式的模板。")
        content, content_type = template
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="members-template.{extension}"'
        return response

    def get_import_context_data(self, **kwargs):
        return {"column_help": COLUMN_HELP, "import_limits": spreadsheets.ImportLimits.from_settings(), **kwargs}

    def get_import_data_kwargs(self, **kwargs):
        # Nothing at all is applied when any row is invalid (the confirm step included).
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # Only a file that changed after its preview gets here; it was rolled back entirely.
            self.message_user(request, "文件有错误，没有导入任何内容。请重新上传，先看预览。", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:members_member_import"))
        return super().process_result(result, request)

    def add_data_read_fail_error_to_form(self, form, error):
        """Why the file could not be read, in Chinese (the formats in spreadsheets.formats raise)."""
        if isinstance(error, spreadsheets.ImportLimitError):
            message = str(error)
        elif isinstance(error, spreadsheets.NoDataError):
            message = "文件中没有数据：第一行应是列名，从第二行起每行一个会员单位。"
        else:
            message = (
                "无法读取此文件。请确认下面选的格式与文件一致：CSV 文件选 csv，Excel 文件（另存为 .xlsx）选 xlsx。"
            )
        form.add_error("import_file", message)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        # A preview that cannot be confirmed (unreadable, over a limit, invalid rows) keeps no file.
        context = getattr(response, "context_data", None) or {}
        stored_name = getattr(request.FILES.get("import_file"), "tmp_storage_name", None)
        if stored_name and "confirm_form" not in context:
            self.get_tmp_storage_class()(name=stored_name).remove()
        return response

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except PendingImportGone:
            # Confirmed twice, or more than a day after the preview.
            self.message_user(
                request, "这份文件已经导入过，或预览已超过一天失效。请重新上传文件，先看预览。", messages.WARNING
            )
            return HttpResponseRedirect(reverse("admin:members_member_import"))

    def write_to_tmp_storage(self, import_file, input_format):
        if not input_format.is_binary():
            import_file = ContentFile(csv_bytes_as_utf8(b"".join(import_file.chunks())))
        return super().write_to_tmp_storage(import_file, input_format)

    def get_export_filename(self, request, queryset, file_format):
        return f"members-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"
