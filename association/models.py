"""The association's own pages (协会简介, 宗旨, 职能, 业务, 章程) as documents with versions.

A document changes by decision, so its text is a series of versions. Which one is
current, or was in force on a day, is a query (``DocumentVersion.objects``), not a
flag. A published version never changes again: the model, its queryset and the
admin all refuse; a mistake is fixed by publishing a new version.
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Count, Exists, Max, Min, OuterRef, Q, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext
from simple_history.models import HistoricalRecords

from hnda_site.dates import PlausibleDateValidator, plausible_range
from hnda_site.languages import Translated, is_english
from hnda_site.models import EditVersioned, staff_member_field
from richtext.text import RichTextField, html_to_text, sanitize_html
from search import fulltext

from . import outline


class PublishedVersionError(Exception):
    """Raised on any attempt to change or delete a published version."""


class DocumentQuerySet(models.QuerySet):
    def live(self):
        """Documents the public can read: those with at least one published version."""
        return self.filter(Exists(DocumentVersion.objects.published().filter(document=OuterRef("pk"))))

    def in_navigation(self):
        """The 关于协会 menu: live documents staff have not taken out of it, in 排序 order."""
        return self.live().filter(show_in_nav=True).only("id", "slug", "title", "title_en", "order")

    def with_current(self):
        """Each document annotated with its current version's number and 生效日期 (one query for a list)."""
        current = DocumentVersion.objects.filter(document=OuterRef("pk")).newest_published()
        return self.annotate(
            current_number=Subquery(current.values("number")[:1]),
            current_effective_date=Subquery(current.values("effective_date")[:1]),
            draft_count=Count("versions", filter=Q(versions__status=DocumentVersion.Status.DRAFT)),
        )

    def home_panel(self):
        """For the home page: 协会简介 (with ``intro_body``, its current text in the page's language, ""
        when that version has no English) and the other live documents.

        One query: the live documents, with the current body of 协会简介 only.
        """
        body = "body_en" if is_english() else "body"
        current = DocumentVersion.objects.filter(document=OuterRef("pk")).newest_published()
        documents = list(
            self.live().annotate(
                intro_body=Case(
                    When(slug="intro", then=Subquery(current.values(body)[:1])),
                    default=Value(""),
                    output_field=TextField(),
                )
            )
        )
        intro = next((document for document in documents if document.slug == "intro"), None)
        return intro, [document for document in documents if document is not intro]

    def current_without_effective_date(self):
        """Documents whose current version has no 生效日期 (the dashboard asks staff to fill it in)."""
        return self.with_current().filter(current_number__isnull=False, current_effective_date__isnull=True)


class Document(EditVersioned):
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
    title_en = models.CharField(
        "英文标题", max_length=100, blank=True, help_text="英文网站的导航和页面显示，例如：Articles of Association。"
    )
    full_title_en = models.CharField("英文完整标题", max_length=200, blank=True, help_text="留空则使用英文标题。")
    order = models.PositiveIntegerField("排序", default=0, help_text="数字小的排在前面（导航和“关于协会”栏目）。")
    show_in_nav = models.BooleanField(
        "显示在“关于协会”菜单",
        default=True,
        help_text="已发布的文件按排序出现在主导航的“关于协会”菜单中；取消勾选则不列入菜单（网页仍可访问）。",
    )
    publish_requires_details = models.BooleanField(
        "发布须填生效日期和修改说明",
        default=False,
        help_text="勾选后（例如协会章程），每个版本发布前必须填写生效日期和修改说明（何时由谁通过）。",
    )

    objects = DocumentQuerySet.as_manager()
    history = HistoricalRecords()

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

    local_title = Translated("title")

    @property
    def heading(self):
        """The page's <h1>: the full title when there is one (湖南省开发区协会章程)."""
        return self.full_title or self.title

    @property
    def local_heading(self):
        """The heading in the page's language: on an English page the English one, else the Chinese one."""
        if is_english() and (self.full_title_en or self.title_en):
            return self.full_title_en or self.title_en
        return self.heading

    @property
    def heading_lang(self):
        """ "zh-CN" when an English page shows the Chinese heading (no English title yet), else ""."""
        return "zh-CN" if is_english() and not (self.full_title_en or self.title_en) else ""

    def get_history_url(self):
        return reverse("association:history", args=[self.slug])


class DocumentVersionQuerySet(models.QuerySet):
    def published(self):
        """Versions the public may read (whatever their 生效日期)."""
        return self.filter(status=DocumentVersion.Status.PUBLISHED)

    def drafts(self):
        return self.filter(status=DocumentVersion.Status.DRAFT)

    def newest_published(self):
        """Published versions, newest first (filter by document first: the first one is its current text)."""
        return self.published().order_by("-number")

    def current(self):
        """The current version of each document: its newest published one."""
        newest = self.model.objects.filter(document=OuterRef("document")).newest_published()
        return self.published().filter(number=Subquery(newest.values("number")[:1]))

    def in_force_on(self, day):
        """Published versions in force on ``day``, newest first: the first one is the text of that day.

        A version is in force from its 生效日期; one without a 生效日期 from the day it
        was published on this site (Beijing time), since nothing earlier is known.
        """
        since = Coalesce("effective_date", TruncDate("published_at", tzinfo=ZoneInfo(settings.TIME_ZONE)))
        return self.newest_published().alias(in_force_since=since).filter(in_force_since__lte=day)

    def next_taking_effect(self):
        """The start (Beijing time) of the next day a published version takes effect, or None.

        Pages say "takes effect on …" until then: the page cache moves on at that moment.
        """
        day = self.published().filter(effective_date__gt=timezone.localdate()).aggregate(day=Min("effective_date"))
        if day["day"] is None:
            return None
        return timezone.make_aware(datetime.combine(day["day"], time.min))

    def with_latest_number(self):
        """Annotate ``latest_number``: the number of the document's current version (to say "not current")."""
        newest = self.model.objects.filter(document=OuterRef("document")).newest_published()
        return self.annotate(latest_number=Subquery(newest.values("number")[:1]))

    def search(self, query):
        """Versions matching every word of ``query`` (see search.fulltext): best rank first.

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


class DocumentVersion(EditVersioned):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions", verbose_name="文件")
    number = models.PositiveIntegerField("版本号", editable=False, help_text="自动编号：第 1 版、第 2 版……")
    body = RichTextField("正文", blank=True)
    body_en = RichTextField(
        "英文正文",
        blank=True,
        help_text="这一版的英文译文，显示在英文网站上；留空则英文页面说明暂无英文版并链接中文文本。"
        "已发布的版本也可以补充或修改英文译文（中文正文不变）。",
    )
    effective_date = models.DateField(
        "生效日期",
        null=True,
        blank=True,
        validators=[PlausibleDateValidator(years_ahead=1)],
        help_text="这一版开始生效的日期，例如章程经会员大会通过的日期。可以晚于今天，但不能晚于一年以后。",
    )
    change_note = models.CharField(
        "修改说明",
        max_length=300,
        blank=True,
        help_text="由谁通过、为何修改，例如：经第三届会员大会第二次会议审议通过。显示在历史版本页。",
    )
    based_on = models.PositiveIntegerField(
        "基于版本",
        null=True,
        blank=True,
        help_text="新建这份草稿时的现行版本号。发布前若已有更新的版本发布，这份草稿不能发布（以免覆盖别人的修改）。",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)
    published_by = staff_member_field("发布人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = staff_member_field("创建人")
    search_tokens = models.TextField("搜索索引", blank=True, default="", editable=False)

    objects = DocumentVersionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_tokens"])

    class Meta:
        ordering = ["document_id", "-number"]
        verbose_name = "文件版本"
        verbose_name_plural = "文件版本"
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number_unique"),
            models.CheckConstraint(
                condition=plausible_range("effective_date"),
                name="document_version_effective_date_plausible",
                violation_error_message="生效日期应在1949年至2100年之间。",
            ),
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
                if self.body_en == stored.body_en:
                    return  # nothing to write
                super().save(*args, **kwargs)  # its English translation, added or corrected
                return
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        if self.number:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            self.lock_document()
            latest = DocumentVersion.objects.filter(document_id=self.document_id).aggregate(n=Max("number"))["n"]
            self.number = (latest or 0) + 1
            if self.based_on is None and not self.is_published:
                # A draft made without the admin's form amends the version current now.
                self.based_on = self._current_number()
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("association:version", args=[self.document.slug, self.number])

    def refresh_search_tokens(self):
        """Recompute ``search_tokens`` from the document's titles and the body (save() does), and the names
        and extracted text of the document's attachments (``attachments``)."""
        from attachments.models import texts_for_index

        document = self.document if self.document_id else None
        titles = (document.title, document.full_title) if document else ()
        english_titles = (document.title_en, document.full_title_en) if document else ()
        names, texts = texts_for_index(document_id=self.document_id) if self.document_id else ([], [])
        self.search_tokens = fulltext.index_text(
            html_to_text(sanitize_html(self.body)),
            *names,
            *texts,
            titles=titles,
            english=[html_to_text(sanitize_html(self.body_en))],
            english_titles=english_titles,
        )

    @property
    def local_body(self):
        """The text in the page's language: on an English page the English one, "" if there is none."""
        return self.body_en if is_english() else self.body

    @property
    def has_english(self):
        return bool(html_to_text(self.body_en).strip())

    def delete(self, *args, **kwargs):
        if DocumentVersion.objects.filter(pk=self.pk).published().exists():
            raise PublishedVersionError(f"{self}已发布，不能删除。")
        return super().delete(*args, **kwargs)

    def clean(self):
        if not self.is_published or not self.document_id:
            return
        if self.pk is not None and DocumentVersion.objects.filter(pk=self.pk).published().exists():
            return  # published already, checked then (only its English translation may change now)
        errors = {}
        document = self.document
        if not html_to_text(self.body).strip():
            errors["body"] = "正文为空，不能发布。"
        if document.publish_requires_details:
            if not self.effective_date:
                errors["effective_date"] = f"发布{document.title}必须填写生效日期。"
            if not self.change_note.strip():
                errors["change_note"] = f"发布{document.title}必须填写修改说明（例如：经哪次会员大会审议通过）。"
        overtaken = self._overtaken_message()
        if overtaken:
            errors["__all__"] = overtaken
        if errors:
            raise ValidationError(errors)

    def _current_number(self):
        current = DocumentVersion.objects.published().filter(document_id=self.document_id).exclude(pk=self.pk)
        return current.aggregate(n=Max("number"))["n"]

    def _overtaken_message(self):
        """Why this draft may not be published: a version newer than the one it amends is out (or None).

        The draft amends ``based_on`` (the version current when it was started); a draft from
        before that was recorded amends whatever was current when it took its number.
        """
        current = self._current_number()
        if self.based_on is not None and (current is None or self.based_on > current):
            # Only a hand-made form gets here: versions are numbered in order and never removed.
            return f"这份草稿记录的基于版本（第{self.based_on}版）不存在，请以现行文本新建版本。"
        base = self.based_on if self.based_on is not None else (self.number - 1 if self.number else None)
        if current is None or base is None or current <= base:
            return None
        compare_url = reverse("association:compare", args=[self.document.slug, base, current])
        return format_html(
            "这份草稿以第{}版为基础，而{}已发布了更新的第{}版：发布它会丢掉第{}版的修改。"
            '请先<a href="{}">比较第{}版与第{}版</a>，再以现行文本新建版本，把修改写进去后发布。',
            base,
            self.document.title,
            current,
            current,
            compare_url,
            base,
            current,
        )

    def lock_document(self):
        """Lock this version's document row until the transaction ends (PostgreSQL).

        Numbering and publishing hold it, so two staff members saving or publishing at once
        go one after the other; SQLite's IMMEDIATE transactions already serialize writers.
        """
        Document.objects.select_for_update().filter(pk=self.document_id).exists()

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def is_current(self):
        """True for the current version; needs ``with_latest_number()``."""
        return self.is_published and self.number == self.latest_number

    @property
    def status_note(self):
        """（现行） for the current version, （草稿） for a draft, else nothing; needs ``with_latest_number()``."""
        if not self.is_published:
            return gettext("（草稿）")
        return gettext("（现行）") if self.is_current else ""

    @property
    def takes_effect_later(self):
        return self.effective_date is not None and self.effective_date > timezone.localdate()

    @cached_property
    def outline(self):
        """The chapters and articles of the text, and the text with their anchors (see association.outline)."""
        return outline.build(self.body)

    def section_anchor(self, query):
        """The anchor (``tiao-5``) of the first 章 or 条 whose text has a word of the search ``query``, or ""."""
        words = query.words + [term.plain for term in query.terms]
        for section, text in outline.paragraphs(self.body):
            normalized = fulltext.normalize(text)
            if any(word in normalized for word in words):
                return f"{section[0]}-{section[1]}" if section else ""
        return ""

    def publish(self, user=None):
        """Turn this draft into a published version, once; ValidationError if it may not be published yet.

        The document is locked first, and the checks are made under the lock with what is stored
        now: of two staff members publishing at once, the second sees the first one's version
        (and is refused if his draft did not start from it), and a draft already published by
        someone else is refused (PublishedVersionError) rather than published again.
        """
        with transaction.atomic():
            self.lock_document()
            self.refuse_if_published_meanwhile()
            self.status = self.Status.PUBLISHED
            try:
                self.full_clean()
            except ValidationError:
                self.status = self.Status.DRAFT
                raise
            self.published_by = user
            self._change_reason = "发布版本"
            if user is not None:
                self._history_user = user
            self.save()

    def refuse_if_published_meanwhile(self):
        """PublishedVersionError if this version is published (in the database, whatever this copy says)."""
        if self.pk is None:
            return
        stored = DocumentVersion.objects.filter(pk=self.pk).select_related("published_by").first()
        if stored is not None and stored.is_published:
            by = f"由{stored.published_by}" if stored.published_by else ""
            at = timezone.localtime(stored.published_at)
            when = f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"
            raise PublishedVersionError(f"“{stored}”已于{when}{by}发布，不能再次发布。")

    def _differs_from(self, stored):
        return any(
            field.value_from_object(self) != field.value_from_object(stored)
            for field in self._meta.concrete_fields
            # search_tokens: derived; body_en: the English translation may be added to a published version.
            if field.name not in ("search_tokens", "body_en")
        )
