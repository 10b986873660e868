from django.contrib import admin
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse

from editorial.admin_mixins import StaffEditAdmin, save_each_action

from .models import FriendlyLink, SiteSettings


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
