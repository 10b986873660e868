from seo.sitemaps import SiteSitemap

from .models import Member


class MemberSitemap(SiteSitemap):
    changefreq = "monthly"
    url_name = "members:detail"

    def items(self):
        return Member.objects.active().only("id", "updated_at").order_by("pk")

    def lastmod(self, member):
        return member.updated_at
