from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse

from editorial.admin_mixins import StaffEditAdmin

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
class FriendlyLinkAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "url", "group", "order", "visible"]
    list_display_links = ["name"]
    list_editable = ["group", "order", "visible"]
    list_filter = ["group", "visible"]
    search_fields = ["name", "name_en", "url"]
