from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse

from .admin_mixins import ReadOnlyAdminMixin, StaffEditAdmin, save_each_action
from .links import check_links
from .models import BrokenLink, FriendlyLink, LinkCheck, SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(StaffEditAdmin):
    """One record: the list goes straight to it; it cannot be added twice or deleted."""

    fieldsets = [
        (None, {"fields": ["name", "english_name", "welcome", "welcome_en"]}),
        ("栏目", {"fields": ["default_category"]}),
        (
            "联系方式（页脚和“联系我们”页面）",
            {"fields": ["address", "address_en", "phone", "email", "office_hours", "office_hours_en", "map_image"]},
        ),
        ("备案与页脚", {"fields": ["icp_number", "police_number", "footer_text"]}),
        ("分享", {"fields": ["share_image"]}),
    ]

    def changelist_view(self, request, extra_context=None):
        settings = SiteSettings.load()
        return redirect(reverse("admin:hnda_site_sitesettings_change", args=[settings.pk]))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BrokenLinkInline(admin.TabularInline):
    model = BrokenLink
    fields = ["source_title", "source_admin_url", "href"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LinkCheck)
class LinkCheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The last run of ``manage.py check_links``; staff may start a new one from the admin index."""

    list_display = ["finished_at", "links_checked", "broken_count"]
    fields = ["finished_at", "links_checked"]
    readonly_fields = fields
    inlines = [BrokenLinkInline]

    @admin.display(description="失效链接数")
    def broken_count(self, run):
        return run.broken_links.count()

    def get_urls(self):
        run = path("run/", self.admin_site.admin_view(self.run_view), name="hnda_site_linkcheck_run")
        return [run, *super().get_urls()]

    def run_view(self, request):
        """POST: check every internal link now (a few seconds), then back to the admin index."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        result = check_links()
        broken = result.broken_links.count()
        self.message_user(
            request,
            f"链接检查完成：检查了 {result.links_checked} 个站内链接，{broken} 个失效。",
            messages.WARNING if broken else messages.SUCCESS,
        )
        return redirect(reverse("admin:index"))


@admin.register(FriendlyLink)
class FriendlyLinkAdmin(StaffEditAdmin):
    """Every change, in the form, in the list or by an action, is in the history with its values."""

    list_display = ["name", "name_en", "url", "group", "order", "visible"]
    list_display_links = ["name"]
    list_editable = ["group", "order", "visible"]
    list_filter = ["group", "visible"]
    search_fields = ["name", "name_en", "url"]
    fields = ["name", "name_en", "url", "group", "order", "visible"]
    actions = ["show_on_site", "hide_from_site"]
    formfield_overrides = {**StaffEditAdmin.formfield_overrides, models.URLField: {"assume_scheme": "https"}}

    show_on_site = save_each_action("显示所选友情链接", "批量操作：显示", "已显示 {count} 个友情链接。", visible=True)
    hide_from_site = save_each_action(
        "不显示所选友情链接", "批量操作：隐藏", "已隐藏 {count} 个友情链接。", visible=False
    )
