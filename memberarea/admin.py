import csv
import secrets

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from association.versiondiff import char_diff
from attachments.admin import AttachmentsAdminMixin, MembersOnlyAttachmentInline
from editorial.admin_mixins import ReadOnlyAdminMixin, StaffEditAdmin
from richtext.text import html_to_text
from spreadsheets.formats import escape_formula

from . import notices
from .models import ChangeRequest, MemberContact, MemberNotice, MemberPost, MemberSection, Membership, PostRead


class MemberContactForm(forms.ModelForm):
    class Meta:
        model = MemberContact
        fields = ["member", "name", "position", "phone", "email", "in_roster"]

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        others = get_user_model().objects.filter(username=phone)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.user_id)
        if others.exists():
            raise ValidationError("此手机号已被其他账号使用。")
        return phone


def text(value):
    return html_to_text(value or "")


@admin.register(MemberContact)
class MemberContactAdmin(admin.ModelAdmin):
    form = MemberContactForm
    list_display = ["name", "member", "phone", "email", "account_status", "in_roster"]
    list_filter = ["user__is_active", "in_roster", "member__city"]
    search_fields = ["name", "phone", "email", "member__name", "member__short_name"]
    autocomplete_fields = ["member"]
    fields = ["member", "name", "position", "phone", "email", "in_roster", "account_status", "last_login"]
    readonly_fields = ["account_status", "last_login"]
    actions = ["disable_accounts", "enable_accounts", "send_password_links", "export_contacts"]
    list_select_related = ["member", "user"]

    @admin.display(description="账号状态", boolean=False)
    def account_status(self, obj):
        if obj.pk is None:
            return "保存后开通，并向邮箱发送设置密码的链接"
        return "正常" if obj.user.is_active else "已停用"

    @admin.display(description="上次登录")
    def last_login(self, obj):
        moment = obj.user.last_login if obj.pk else None
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "从未登录"

    def save_model(self, request, obj, form, change):
        user_model = get_user_model()
        with transaction.atomic():
            if not change:
                obj.user = user_model.objects.create_user(
                    username=obj.phone, email=obj.email, password=secrets.token_urlsafe(32)
                )
                obj.created_by = request.user
            else:
                obj.user.username, obj.user.email = obj.phone, obj.email
                obj.user.save(update_fields=["username", "email"])
            super().save_model(request, obj, form, change)
        if not change:
            notices.send_welcome(obj)
            messages.info(request, f"已向 {obj.email} 发送设置密码的链接。")

    @admin.action(description="停用所选账号（立即无法登录）", permissions=["change"])
    def disable_accounts(self, request, queryset):
        users = get_user_model().objects.filter(member_contact__in=queryset)
        count = users.update(is_active=False)
        self.message_user(request, f"已停用 {count} 个账号；已登录的会话在下一次打开页面时失效。")

    @admin.action(description="启用所选账号", permissions=["change"])
    def enable_accounts(self, request, queryset):
        count = get_user_model().objects.filter(member_contact__in=queryset).update(is_active=True)
        self.message_user(request, f"已启用 {count} 个账号。")

    @admin.action(description="发送设置密码的邮件", permissions=["change"])
    def send_password_links(self, request, queryset):
        for contact in queryset.select_related("user"):
            notices.send_welcome(contact)
        self.message_user(request, f"已发送 {queryset.count()} 封邮件。")

    @admin.action(description="导出所选联系人（CSV）", permissions=["view"])
    def export_contacts(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            "attachment; filename*=UTF-8''%E4%BC%9A%E5%91%98%E8%81%94%E7%B3%BB%E4%BA%BA.csv"
        )
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(["会员单位", "联系人", "职务", "手机", "电子邮箱", "账号状态", "在名册中显示"])
        for contact in queryset.select_related("member", "user"):
            row = [
                contact.member.name,
                contact.name,
                contact.position,
                contact.phone,
                contact.email,
                "正常" if contact.user.is_active else "已停用",
                "是" if contact.in_roster else "否",
            ]
            writer.writerow([escape_formula(value) for value in row])
        return response


@admin.register(Membership)
class MembershipAdmin(StaffEditAdmin):
    list_display = ["member", "status", "fee_years"]
    list_filter = ["status", "member__city"]
    search_fields = ["member__name", "member__short_name"]
    autocomplete_fields = ["member"]
    fields = ["member", "status", "fee_years", "verification_link"]
    readonly_fields = ["verification_link"]

    @admin.display(description="会员证明验证页")
    def verification_link(self, obj):
        if obj.pk is None:
            return "保存后生成"
        url = obj.get_verification_url()
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)


@admin.register(MemberSection)
class MemberSectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "titles_public"]
    list_editable = ["order", "titles_public"]
    prepopulated_fields = {}


@admin.register(MemberPost)
class MemberPostAdmin(AttachmentsAdminMixin, StaffEditAdmin):
    attachment_parent_field = "member_post"
    attachment_inline = MembersOnlyAttachmentInline
    list_display = ["title", "section", "status", "published_at", "read_count"]
    list_filter = ["section", "status"]
    search_fields = ["title"]
    date_hierarchy = "published_at"
    fields = ["section", "title", "body", "status", "published_at", "units_that_read"]
    readonly_fields = ["units_that_read"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).select_related("section").annotate(reads_count=Count("reads"))

    @admin.display(description="已阅读单位数", ordering="reads_count")
    def read_count(self, obj):
        return obj.reads_count

    @admin.display(description="已阅读的单位（登录后打开过本文）")
    def units_that_read(self, obj):
        reads = PostRead.objects.filter(post=obj).select_related("member").order_by("first_read_at") if obj.pk else []
        if not reads:
            return "还没有单位阅读"
        return format_html_join(
            "\n",
            "<div>{}（{}）</div>",
            ((read.member.name, timezone.localtime(read.first_read_at).strftime("%Y-%m-%d %H:%M")) for read in reads),
        )


@admin.register(MemberNotice)
class MemberNoticeAdmin(admin.ModelAdmin):
    list_display = ["subject", "post", "audience", "sent_at", "opened"]
    readonly_fields = ["sent_at", "sent_by", "who_opened"]

    def get_fields(self, request, obj=None):
        fields = ["post", "subject", "message", "audience", "city", "level", "kind"]
        return [*fields, "sent_at", "sent_by", "who_opened"] if obj else fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.sent_at:
            return ["post", "subject", "message", "audience", "city", "level", "kind", *self.readonly_fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False if obj is not None and obj.sent_at else super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not obj.sent_at:
            count = notices.send_notice(obj, request.user)
            messages.success(request, f"通知已发送给 {obj.recipient_units.count()} 个单位的 {count} 位联系人。")

    @admin.display(description="已阅读")
    def opened(self, obj):
        if not obj.sent_at:
            return "未发送"
        total = obj.recipient_units.count()
        read = PostRead.objects.filter(post=obj.post, member__in=obj.recipient_units.all()).count()
        return f"{read} / {total} 个单位"

    @admin.display(description="收件单位与阅读情况")
    def who_opened(self, obj):
        if not obj.sent_at:
            return "-"
        read = dict(PostRead.objects.filter(post=obj.post).values_list("member_id", "first_read_at"))
        rows = (
            (unit.name, timezone.localtime(read[unit.pk]).strftime("%Y-%m-%d %H:%M") if unit.pk in read else "未阅读")
            for unit in obj.recipient_units.order_by("name")
        )
        return format_html_join("\n", "<div>{}：{}</div>", rows)


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    list_display = ["member", "contact", "submitted_at", "status"]
    list_filter = ["status"]
    search_fields = ["member__name"]
    change_form_template = "admin/memberarea/changerequest/change_form.html"
    fields = ["member", "contact", "submitted_at", "status", "proposed_changes", "comment"]
    readonly_fields = ["member", "contact", "submitted_at", "status", "proposed_changes"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="修改内容（现在 → 提议）")
    def proposed_changes(self, obj):
        rows = [
            (label, current, proposed, None if label == "标志" else char_diff(text(current), text(proposed)))
            for label, current, proposed in obj.changes()
        ]
        return render_to_string("admin/memberarea/changerequest/changes.html", {"changes": rows})

    def response_change(self, request, obj):
        if obj.status != ChangeRequest.Status.PENDING:
            return super().response_change(request, obj)
        if "_approve" in request.POST:
            with transaction.atomic():
                obj = ChangeRequest.objects.select_for_update().select_related("member").get(pk=obj.pk)
                if obj.status != ChangeRequest.Status.PENDING:
                    self.message_user(request, "这份申请刚刚已由其他工作人员处理。", messages.WARNING)
                    return redirect(request.path)
                obj.apply(request.user)
            notices.send_decision(obj)
            self.message_user(request, f"已通过，{obj.member} 的信息已更新并公布。")
            return redirect("admin:memberarea_changerequest_changelist")
        if "_return" in request.POST:
            comment = request.POST.get("comment", "").strip()
            if not comment:
                self.message_user(request, "退回时请填写审核意见，告诉会员需要怎样修改。", messages.ERROR)
                return redirect(request.path)
            obj.close(ChangeRequest.Status.RETURNED, request.user, comment)
            notices.send_decision(obj)
            self.message_user(request, "已退回，并已通知提交人。")
            return redirect("admin:memberarea_changerequest_changelist")
        return super().response_change(request, obj)


@admin.register(PostRead)
class PostReadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["post", "member", "first_read_at"]
    list_filter = ["post__section"]
