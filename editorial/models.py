"""The link check's runs and the broken links each one found (``manage.py check_links``)."""

from django.db import models
from django.utils import timezone


class LinkCheck(models.Model):
    """One run of ``manage.py check_links``: when it ran and how many internal links it followed."""

    finished_at = models.DateTimeField("检查时间", default=timezone.now)
    links_checked = models.PositiveIntegerField("检查的链接数", default=0)

    class Meta:
        db_table = "hnda_site_linkcheck"
        ordering = ["-finished_at", "-id"]
        verbose_name = "链接检查"
        verbose_name_plural = "链接检查"

    def __str__(self):
        return f"链接检查 {timezone.localtime(self.finished_at):%Y-%m-%d %H:%M}"


class BrokenLink(models.Model):
    """An internal link in a body (article, document version, member 简介) that leads to no page."""

    check_run = models.ForeignKey(LinkCheck, on_delete=models.CASCADE, related_name="broken_links")
    source_title = models.CharField("所在页面", max_length=300)
    source_admin_url = models.CharField("修改地址", max_length=300)
    href = models.CharField("链接", max_length=2000)

    class Meta:
        db_table = "hnda_site_brokenlink"
        ordering = ["id"]
        verbose_name = "失效链接"
        verbose_name_plural = "失效链接"

    def __str__(self):
        return f"{self.source_title}: {self.href}"
