"""The association's own pages (协会简介, 宗旨, 职能, 业务, 章程) as documents with versions.

A document changes by decision, so its text is a series of versions. Which one is
current, or was in force on a day, is a query (``DocumentVersion.objects``), not a
flag. A published version never changes again: the model, its queryset and the
admin all refuse; a mistake is fixed by publishing a new version.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from hnda_site import search as fulltext
from hnda_site.models import staff_member_field
from hnda_site.richtext import RichTextField, html_to_text, sanitize_html

from . import outline


class PublishedVersionError(Exception):
    """Raised on any attempt to change or delete a published version."""


class DocumentQuerySet(models.QuerySet):
    def live(self):
        """Documents the public can read: those with at least one published version."""
        return self.filter(Exists(DocumentVersion.objects.published().filter(document=OuterRef("pk"))))

    def with_current(self):
        """Each document annotated with its current version's number and 生效日期 (one query for a list)."""
        current = DocumentVersion.objects.published().filter(document=OuterRef("pk")).order_by("-number")
        return self.annotate(
            current_number=Subquery(current.values("number")[:1]),
            current_effective_date=Subquery(current.values("effective_date")[:1]),
            draft_count=Count("versions", filter=Q(versions__status=DocumentVersion.Status.DRAFT)),
        )


class Document(models.Model):
    slug = models.SlugField(
        "网址名",
        max_length=50,
        unique=True,
        help_text="用于网址的英文名，例如 charter（网址为 /about/charter/）。已有链接和主导航依赖它，请勿随意修改。",
    )
    title = models.CharField("标题", max_length=50, unique=True, help_text="导航栏和列表中显示，例如：协会章程。")
    full_title = models.CharField(
        "完整标题",
        max_length=100,
        blank=True,
        help_text="页面大标题，例如：湖南省开发区协会章程；留空则使用标题。",
    )
    order = models.PositiveIntegerField("排序", default=0, help_text="数字小的排在前面（导航和“关于协会”栏目）。")
    publish_requires_details = models.BooleanField(
        "发布须填生效日期和修改说明",
        default=False,
        help_text="勾选后（例如协会章程），每个版本发布前必须填写生效日期和修改说明（何时由谁通过）。",
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "协会文件"
        verbose_name_plural = "协会文件"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The versions' search tokens include the title.
        for version in self.versions.all():
            version.document = self
            version.refresh_search_tokens()
            models.QuerySet.update(DocumentVersion.objects.filter(pk=version.pk), search_tokens=version.search_tokens)

    def get_absolute_url(self):
        return reverse("association:document", args=[self.slug])

    @property
    def heading(self):
        """The page's <h1>: the full title when there is one (湖南省开发区协会章程)."""
        return self.full_title or self.title

    def get_history_url(self):
        return reverse("association:history", args=[self.slug])


class DocumentVersionQuerySet(models.QuerySet):
    def published(self):
        """Versions the public may read (whatever their 生效日期)."""
        return self.filter(status=DocumentVersion.Status.PUBLISHED)

    def drafts(self):
        return self.filter(status=DocumentVersion.Status.DRAFT)

    def current(self):
        """The current version of each document: its newest published one."""
        newest = self.model.objects.published().filter(document=OuterRef("document")).order_by("-number")
        return self.published().filter(number=Subquery(newest.values("number")[:1]))

    def in_force_on(self, day):
        """Published versions in force on ``day``, newest first: the first one is the text of that day.

        A version is in force from its 生效日期; one without a 生效日期 from the day it
        was published on this site (Beijing time), since nothing earlier is known.
        """
        since = Coalesce("effective_date", TruncDate("published_at", tzinfo=ZoneInfo(settings.TIME_ZONE)))
        return self.published().alias(in_force_since=since).filter(in_force_since__lte=day).order_by("-number")

    def with_latest_number(self):
        """Annotate ``latest_number``: the number of the document's current version (to say "not current")."""
        newest = self.model.objects.published().filter(document=OuterRef("document")).order_by("-number")
        return self.annotate(latest_number=Subquery(newest.values("number")[:1]))

    def search(self, query):
        """Versions matching every word of ``query`` (see hnda_site.search): best rank first.

        Call it on ``current()`` for what the public reads; the title is the document's.
        """
        return fulltext.search(self, query).order_by("search_rank", "document__order", "document_id")

    def delete(self):
        if self.published().exists():
            raise PublishedVersionError("已发布的版本不能删除。")
        return super().delete()

    def update(self, **kwargs):
        if self.published().exists():
            raise PublishedVersionError("已发布的版本不能修改。")
        return super().update(**kwargs)


class DocumentVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions", verbose_name="文件")
    number = models.PositiveIntegerField("版本号", editable=False, help_text="自动编号：第 1 版、第 2 版……")
    body = RichTextField("正文", blank=True)
    effective_date = models.DateField(
        "生效日期",
        null=True,
        blank=True,
        help_text="这一版开始生效的日期，例如章程经会员大会通过的日期。可以晚于今天。",
    )
    change_note = models.CharField(
        "修改说明",
        max_length=300,
        blank=True,
        help_text="由谁通过、为何修改，例如：经第三届会员大会第二次会议审议通过。显示在历史版本页。",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)
    published_by = staff_member_field("发布人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = staff_member_field("创建人")
    search_tokens = models.TextField("搜索索引", blank=True, default="", editable=False)

    objects = DocumentVersionQuerySet.as_manager()

    class Meta:
        ordering = ["document_id", "-number"]
        verbose_name = "文件版本"
        verbose_name_plural = "文件版本"
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number_unique"),
        ]
        indexes = [models.Index(fields=["document", "status", "-number"], name="document_version_list_idx")]

    def __str__(self):
        label = f"{self.document} 第{self.number}版" if self.number else f"{self.document} 新版本"
        return label if self.is_published else f"{label}（草稿）"

    def save(self, *args, **kwargs):
        self.refresh_search_tokens()
        if self.pk is not None and not self._state.adding:
            stored = DocumentVersion.objects.filter(pk=self.pk).first()
            if stored is not None and stored.is_published:
                if self._differs_from(stored):
                    raise PublishedVersionError(f"{stored}已发布，不能修改；请新建一个版本。")
                return  # nothing to write
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        if self.number:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            # Lock the document so that two staff members saving at once get different numbers
            # (PostgreSQL; SQLite's IMMEDIATE transactions already serialize writers).
            Document.objects.select_for_update().filter(pk=self.document_id).exists()
            latest = DocumentVersion.objects.filter(document_id=self.document_id).aggregate(n=Max("number"))["n"]
            self.number = (latest or 0) + 1
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("association:version", args=[self.document.slug, self.number])

    def refresh_search_tokens(self):
        """Recompute ``search_tokens`` from the document's titles and the body (save() does)."""
        document = self.document if self.document_id else None
        titles = (document.title, document.full_title) if document else ()
        self.search_tokens = fulltext.index_text(html_to_text(sanitize_html(self.body)), titles=titles)

    def delete(self, *args, **kwargs):
        if DocumentVersion.objects.filter(pk=self.pk).published().exists():
            raise PublishedVersionError(f"{self}已发布，不能删除。")
        return super().delete(*args, **kwargs)

    def clean(self):
        if not self.is_published or not self.document_id:
            return
        errors = {}
        document = self.document
        if not html_to_text(self.body).strip():
            errors["body"] = "正文为空，不能发布。"
        if document.publish_requires_details:
            if not self.effective_date:
                errors["effective_date"] = f"发布{document.title}必须填写生效日期。"
            if not self.change_note.strip():
                errors["change_note"] = f"发布{document.title}必须填写修改说明（例如：经哪次会员大会审议通过）。"
        # A new version takes the next number; an existing draft may have been overtaken.
        newer = self.number and (
            DocumentVersion.objects.published()
            .filter(document_id=self.document_id, number__gt=self.number)
            .order_by("-number")
            .first()
        )
        if newer:
            errors["__all__"] = (
                f"这份草稿编号较早，而{document.title}已发布了更新的第{newer.number}版；"
                "请以现行文本新建版本后再修改发布。"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def is_current(self):
        """True for the current version; needs ``with_latest_number()``."""
        return self.is_published and self.number == self.latest_number

    @property
    def in_force_since(self):
        """The 生效日期, or else the day it was published on this site (see ``in_force_on``)."""
        if self.effective_date:
            return self.effective_date
        return timezone.localdate(self.published_at) if self.published_at else None

    @property
    def takes_effect_later(self):
        return self.effective_date is not None and self.effective_date > timezone.localdate()

    @cached_property
    def outline(self):
        """The chapters and articles of the text, and the text with their anchors (see association.outline)."""
        return outline.build(self.body)

    def section_anchor(self, query):
        """The anchor (``tiao-5``) of the first 章 or 条 whose text has a word of the search ``query``, or ""."""
        words = query.words + [term.text for term in query.terms]
        for section, text in outline.paragraphs(self.body):
            normalized = fulltext.normalize(text)
            if any(word in normalized for word in words):
                return f"{section[0]}-{section[1]}" if section else ""
        return ""

    def publish(self, user=None):
        """Turn this draft into a published version, once; ValidationError if it may not be published yet."""
        if self.is_published:
            raise PublishedVersionError(f"{self}已发布。")
        self.status = self.Status.PUBLISHED
        try:
            self.full_clean()
        except ValidationError:
            self.status = self.Status.DRAFT
            raise
        self.published_by = user
        self.save()

    def _differs_from(self, stored):
        return any(
            field.value_from_object(self) != field.value_from_object(stored)
            for field in self._meta.concrete_fields
            if field.name != "search_tokens"  # derived, and rebuilt by rebuild_search_index
        )
