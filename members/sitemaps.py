from django.contrib.sitemaps import Sitemap

from .models import Member


class MemberSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Member.objects.active().only("id", "updated_at").order_by("pk")

    def lastmod(self, member):
        return member.updated_at
