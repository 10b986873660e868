from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse

from .admin_mixins import ReadOnlyAdminMixin
from .links import check_links
from .models import BrokenLink, LinkCheck


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
        run = path("run/", self.admin_site.admin_view(self.run_view), name="editorial_linkcheck_run")
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
