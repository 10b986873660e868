from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse

from .admin_mixins import StaffEditAdmin
from .models import SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(StaffEditAdmin):
    """One record: the list goes straight to it; it cannot be added twice or deleted."""

    fieldsets = [
        (None, {"fields": ["name", "english_name", "welcome"]}),
        ("联系方式", {"fields": ["address", "phone", "email"]}),
        ("备案与页脚", {"fields": ["icp_number", "police_number", "footer_text"]}),
    ]

    def changelist_view(self, request, extra_context=None):
        settings = SiteSettings.load()
        return redirect(reverse("admin:hnda_site_sitesettings_change", args=[settings.pk]))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
