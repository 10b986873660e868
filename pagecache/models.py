from django.db import models


class PageCacheStamp(models.Model):
    """The page cache's shared generation stamp: one row (see ``pagecache.cache``).

    Every change to content moves ``generation`` on; ``next_change_us`` is the next
    scheduled change (e.g. a 发布时间), in microseconds since 1970, when pages change by themselves.
    """

    generation = models.BigIntegerField(default=0)
    next_change_us = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "hnda_site_pagecachestamp"
        verbose_name = "页面缓存版本"
        verbose_name_plural = "页面缓存版本"

    def __str__(self):
        return f"页面缓存版本 {self.generation}"
