"""图片库: an image is uploaded once, with its description, and inserted into any body from the library.

The file is re-encoded by Pillow (``richtext.images.reencode``: only the pixels are kept) and
stored under a random name; bodies hold a plain ``<img src alt>`` pointing at it, so a page
never depends on the library at display time. Deleting an image that a body still shows is
refused (``ImageInUse``), and the admin lists those pages.
"""

import uuid
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from association.models import DocumentVersion
from hnda_site.models import staff_member_field
from members.models import Member
from news.models import Article
from richtext import images


class ImageInUse(Exception):
    """Raised when an image that a page shows is deleted; ``usages`` lists those pages."""

    def __init__(self, usages):
        super().__init__("图片正在使用中，不能删除。")
        self.usages = usages


def library_name(instance, filename):
    return f"library/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class LibraryImageQuerySet(models.QuerySet):
    def search(self, words):
        """Images whose 名称 or 替代文字 hold every word."""
        queryset = self
        for word in words.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(alt__icontains=word))
        return queryset


class LibraryImage(models.Model):
    title = models.CharField("名称", max_length=200, help_text="便于在图片库中查找，例如：2024年年会合影。")
    image = models.ImageField(
        "图片",
        upload_to=library_name,
        width_field="width",
        height_field="height",
        max_length=200,
        help_text="JPG、PNG、GIF 或 WebP；上传时自动去除位置等隐藏信息。",
    )
    alt = models.CharField(
        "替代文字",
        max_length=250,
        blank=True,
        help_text="向看不到图片的读者（读屏软件）描述图片内容，例如：协会会长在年会上致辞。插入正文时一并插入。",
    )
    decorative = models.BooleanField(
        "装饰性图片", default=False, help_text="只起装饰作用、不传达信息的图片勾选此项，替代文字可留空。"
    )
    width = models.PositiveIntegerField("宽", editable=False, default=0)
    height = models.PositiveIntegerField("高", editable=False, default=0)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True, db_index=True)
    uploaded_by = staff_member_field("上传人")

    objects = LibraryImageQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "图片库图片"
        verbose_name_plural = "图片库"
        constraints = [
            models.CheckConstraint(
                condition=Q(decorative=True) | ~Q(alt=""),
                name="library_image_alt_or_decorative",
                violation_error_message="请填写替代文字，或勾选“装饰性图片”。",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.decorative:
            self.alt = ""
        if self.image and not self.image._committed:
            self.image = images.reencode(self.image.file)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.image.url

    def clean(self):
        if not self.decorative and not self.alt.strip():
            raise ValidationError({"alt": "请填写替代文字（描述图片内容），或勾选“装饰性图片”。"})

    def delete(self, *args, **kwargs):
        usages = self.usages()
        if usages:
            raise ImageInUse(usages)
        name, storage = self.image.name, self.image.storage
        result = super().delete(*args, **kwargs)
        if name:
            storage.delete(name)
        return result

    @property
    def alt_text(self):
        """What goes into <img alt>: "" for a decorative image."""
        return "" if self.decorative else self.alt

    def usages(self):
        """[(label, admin URL)] of the articles and document versions whose body shows this image."""
        if not self.image:
            return []
        name = self.image.name
        found = []
        for article in Article.objects.filter(Q(body__contains=name) | Q(body_en__contains=name)).only("id", "title"):
            found.append((f"文章：{article.title}", reverse("admin:news_article_change", args=[article.pk])))
        versions = DocumentVersion.objects.filter(Q(body__contains=name) | Q(body_en__contains=name))
        for version in versions.select_related("document").only("id", "number", "status", "document__title"):
            found.append(
                (f"协会文件：{version}", reverse("admin:association_documentversion_change", args=[version.pk]))
            )
        members = Member.objects.filter(Q(introduction__contains=name) | Q(introduction_en__contains=name))
        for member in members.only("id", "name"):
            found.append((f"会员单位：{member.name}", reverse("admin:members_member_change", args=[member.pk])))
        return found
