import csv

from django.contrib import admin, messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from openpyxl import Workbook

from spreadsheets.formats import escape_formula

from . import decisions, notify
from .models import Enquiry, MembershipApplication, Registration, RegistrationForm


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(admin.ModelAdmin):
    list_display = ["reference", "unit_name", "city", "contact_name", "submitted_at", "status"]
    list_filter = ["status", "city", "kind"]
    search_fields = ["unit_name", "contact_name", "phone"]
    change_form_template = "admin/webforms/decision_change_form.html"
    readonly_fields = [
        "reference",
        "unit_name",
        "kind",
        "level",
        "city",
        "contact_name",
        "phone",
        "email",
        "application_file",
        "submitted_at",
        "status",
        "decided_by",
        "decided_at",
        "created_member",
    ]
    fields = [*readonly_fields, "reason"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="编号")
    def reference(self, obj):
        return obj.reference

    @admin.display(description="申请表")
    def application_file(self, obj):
        if not obj.form_file:
            return "（已删除）"
        url = reverse("admin:webforms_membershipapplication_file", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.form_file_name or "下载")

    @admin.display(description="建立的会员单位")
    def created_member(self, obj):
        if obj.member_id is None:
            return "-"
        url = reverse("admin:members_member_change", args=[obj.member_id])
        return format_html('<a href="{}">{}</a>（未启用，核实后在会员单位中勾选“启用”即公开）', url, obj.member)

    def get_urls(self):
        return [
            path(
                "<int:pk>/file/",
                self.admin_site.admin_view(self.download_file),
                name="webforms_membershipapplication_file",
            ),
            *super().get_urls(),
        ]

    def download_file(self, request, pk):
        """The uploaded form, only to staff who may view applications; always as a download."""
        if not self.has_view_permission(request):
            raise Http404
        application = get_object_or_404(MembershipApplication, pk=pk)
        if not application.form_file:
            raise Http404
        response = FileResponse(
            application.form_file.open("rb"), as_attachment=True, filename=application.form_file_name or "申请表"
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def response_change(self, request, obj):
        deciding = "_approve" in request.POST or "_reject" in request.POST
        if obj.status == MembershipApplication.Status.PENDING and deciding:
            try:
                if "_approve" in request.POST:
                    member = decisions.approve(obj, request.user)
                    self.message_user(request, f"已通过，已建立会员单位“{member}”（未启用）和联系人账号。")
                else:
                    reason = request.POST.get("reason", "").strip()
                    if not reason:
                        self.message_user(request, "未通过时请填写审核意见，它会发给申请人。", messages.ERROR)
                        return redirect(request.path)
                    decisions.reject(obj, request.user, reason)
                    self.message_user(request, "已记录为未通过，并已通知申请人。")
            except decisions.AlreadyDecided:
                self.message_user(request, "这份申请刚刚已由其他工作人员处理。", messages.WARNING)
                return redirect(request.path)
            return redirect("admin:webforms_membershipapplication_changelist")
        return super().response_change(request, obj)


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    list_display = ["reference", "subject", "submitted_at", "status", "replied_at", "published"]
    list_filter = ["status", "published"]
    search_fields = ["subject", "message"]
    readonly_fields = ["reference", "name", "contact", "subject", "message", "submitted_at", "replied_at", "replied_by"]
    fields = [*readonly_fields, "status", "reply", "published", "public_question", "public_answer"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="编号")
    def reference(self, obj):
        return obj.reference

    def save_model(self, request, obj, form, change):
        first_reply = "reply" in form.changed_data and obj.reply.strip() and obj.replied_at is None
        if first_reply:
            obj.replied_at = timezone.now()
            obj.replied_by = request.user
            if obj.status == Enquiry.Status.NEW:
                obj.status = Enquiry.Status.REPLIED
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
        if "reply" in form.changed_data and obj.reply.strip() and obj.contact_email:
            notify.send("enquiry_reply", "湖南省开发区协会对您留言的回复", [obj.contact_email], enquiry=obj)
            messages.info(request, "回复已发到留言人的电子邮箱。")


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ["unit", "name", "position", "phone", "headcount", "accommodation", "note", "member", "submitted_at"]
    readonly_fields = fields
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RegistrationForm)
class RegistrationFormAdmin(admin.ModelAdmin):
    list_display = ["title", "article", "deadline", "capacity", "signed_up"]
    autocomplete_fields = ["article"]
    inlines = [RegistrationInline]
    actions = ["export_xlsx", "export_csv"]
    readonly_fields = ["public_link", "signed_up"]
    fields = ["article", "title", "fields", "deadline", "capacity", "public_link", "signed_up"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "fields":
            from django import forms

            return forms.TypedMultipleChoiceField(
                label="填写项",
                choices=RegistrationForm.Field.choices,
                widget=forms.CheckboxSelectMultiple,
                initial=["unit", "name", "position", "phone", "headcount"],
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="已报名")
    def signed_up(self, obj):
        if obj.pk is None:
            return "-"
        return f"{obj.registrations.count()} 条，共 {obj.people()} 人"

    @admin.display(description="报名页面")
    def public_link(self, obj):
        if obj.pk is None:
            return "保存后生成；文章页面也会显示“在线报名”的链接"
        return format_html('<a href="{0}" target="_blank" rel="noopener">{0}</a>', obj.get_absolute_url())

    def rows(self, queryset):
        header = ["报名表", "单位", "姓名", "职务", "手机", "人数", "住宿", "备注", "提交时间", "最后修改"]
        yield header
        registrations = (
            Registration.objects.filter(form__in=queryset).select_related("form").order_by("form", "submitted_at")
        )
        for item in registrations:
            row = [
                item.form.title,
                item.unit,
                item.name,
                item.position,
                item.phone,
                item.headcount,
                "是" if item.accommodation else "否",
                item.note,
                local(item.submitted_at),
                local(item.updated_at),
            ]
            yield [escape_formula(value) if isinstance(value, str) else value for value in row]

    @admin.action(description="导出所选报名表的报名名单（Excel）", permissions=["view"])
    def export_xlsx(self, request, queryset):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "报名名单"
        for row in self.rows(queryset):
            sheet.append(row)
        for column, width in zip("ABCDEFGHIJ", (20, 28, 10, 14, 14, 6, 6, 30, 17, 17), strict=True):
            sheet.column_dimensions[column].width = width
        response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = "attachment; filename*=UTF-8''%E6%8A%A5%E5%90%8D%E5%90%8D%E5%8D%95.xlsx"
        workbook.save(response)
        return response

    @admin.action(description="导出所选报名表的报名名单（CSV）", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = "attachment; filename*=UTF-8''%E6%8A%A5%E5%90%8D%E5%90%8D%E5%8D%95.csv"
        response.write("\ufeff")
        csv.writer(response).writerows(self.rows(queryset))
        return response
