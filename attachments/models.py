"""Files attached to content: an article's 附件, an association document's, or a members-only post's.

One model with a foreign key per kind of parent (exactly one set, a database constraint), not a generic
relation:
whether a file may be downloaded is whether its parent is public, and with real foreign keys that
is one join in SQL (the 下载中心 lists every public attachment with its 栏目 and date in one query,
and ``public()`` is a plain filter), the database keeps the references whole (deleting an article
deletes its attachments), and the admin shows them as inlines without a content-type lookup.
Another kind of parent is another nullable key and a clause in ``public()``.

A 会员专区 post's files are never public: ``public()`` (the 下载中心, search) has no clause for them, and
``visible_to`` lets only those who read the 会员专区 (``memberarea.access.may_read``) download them.
Their text is not extracted: nothing members-only is searched.

A file is typed by its content (``filetypes.inspect``), stored in the default storage under a
random name without an extension (nginx serves no such file from /media/; the download view
``attachments.views.download`` is the only way out), and served with the original name.
"""

import os
import re
import uuid

from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

from association.models import Document, DocumentVersion
from memberarea.models import MemberPost
from news.models import Article
from security.twofactor import can_preview

from . import filetypes
from .filetypes import Kind

EXTRACTABLE = {Kind.PDF, Kind.DOCX, Kind.XLSX}
CHINESE = re.compile(r"[\u3400-\u9fff]")


def random_name(instance, filename):
    """attachments/<32 hex digits>: no extension, so no server guesses a type from the name."""
    return f"attachments/{uuid.uuid4().hex}"


def validate_upload(value):
    """A newly uploaded file must pass ``filetypes.inspect`` (a stored one was checked when it came)."""
    if getattr(value, "_committed", True):
        return
    filetypes.inspect(value.file, value.name)


class AttachmentQuerySet(models.QuerySet):
    def public(self):
        """Attachments the public may download: of a published article whose 发布时间 has come, or of a
        live association document."""
        return self.filter(
            Q(article__in=Article.objects.published()) | Q(document__in=Document.objects.live()),
        )

    def visible_to(self, user):
        """What ``user`` may download: the public ones; a 会员专区 post's, to those who read the 会员专区; the
        rest, to staff who may preview its parent (after the second step, as for every preview)."""
        from memberarea.access import may_read

        user = user or AnonymousUser()
        condition = Q(pk__in=self.public().values("pk"))
        if can_preview(user, "news.change_article"):
            condition |= Q(article__isnull=False)
        if can_preview(user, "association.change_document"):
            condition |= Q(document__isnull=False)
        if can_preview(user, "memberarea.change_memberpost"):
            condition |= Q(member_post__isnull=False)
        elif may_read(user):
            condition |= Q(member_post__in=MemberPost.objects.published())
        return self.filter(condition)

    def with_date(self):
        """``dated``: the article's 发布时间, or when the document's current version was published."""
        current = DocumentVersion.objects.filter(document=OuterRef("document")).newest_published()
        return self.annotate(dated=Coalesce("article__published_at", Subquery(current.values("published_at")[:1])))

    def for_listing(self):
        return self.select_related("article__category", "document").defer(
            "text", "article__body", "article__body_en", "article__search_tokens"
        )


class Attachment(models.Model):
    class TextStatus(models.TextChoices):
        PENDING = "pending", "待提取"
        DONE = "done", "已提取，可搜索"
        NONE = "none", "无需提取"
        ENCRYPTED = "encrypted", "已加密，未编入搜索"
        BROKEN = "broken", "文件损坏或无法读取，未编入搜索"
        TIMEOUT = "timeout", "提取超时，未编入搜索"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments", verbose_name="文章"
    )
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments", verbose_name="协会文件"
    )
    member_post = models.ForeignKey(
        MemberPost,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name="会员专区文章",
    )
    title = models.CharField(
        "名称", max_length=200, blank=True, help_text="访客看到的名称，例如：会议通知；留空则用文件名。"
    )
    file = models.FileField(
        "文件",
        upload_to=random_name,
        max_length=200,
        validators=[validate_upload],
        help_text="PDF、Word、Excel、WPS、ZIP 或图片；类型以文件内容为准。",
    )
    original_name = models.CharField("原文件名", max_length=255, editable=False, default="")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, editable=False, default="")
    size = models.PositiveBigIntegerField("大小（字节）", editable=False, default=0)
    order = models.PositiveIntegerField("排序", default=0, help_text="数字小的排在前面。")
    download_count = models.PositiveIntegerField("下载次数", default=0, editable=False)
    text = models.TextField("提取的文字", blank=True, default="", editable=False)
    text_status = models.CharField(
        "搜索索引", max_length=10, choices=TextStatus.choices, default=TextStatus.NONE, editable=False
    )
    text_note = models.CharField("提取说明", max_length=300, blank=True, default="", editable=False)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = AttachmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["download_count", "text", "text_note"])

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "附件"
        verbose_name_plural = "附件"
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, document__isnull=True, member_post__isnull=True)
                | Q(article__isnull=True, document__isnull=False, member_post__isnull=True)
                | Q(article__isnull=True, document__isnull=True, member_post__isnull=False),
                name="attachment_has_one_parent",
                violation_error_message="附件必须属于一篇文章、一份协会文件或一篇会员专区文章（只能属于其中之一）。",
            ),
        ]
        indexes = [models.Index(fields=["text_status"], name="attachment_text_status_idx")]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            self.kind = filetypes.inspect(self.file.file, self.file.name)
            self.original_name = os.path.basename(self.file.name)[:255]
            self.size = self.file.size
            self.text, self.text_note = "", ""
            extract = self.kind in EXTRACTABLE and not self.member_post_id  # members-only: never searched
            self.text_status = self.TextStatus.PENDING if extract else self.TextStatus.NONE
        if not self.title.strip():
            self.title = os.path.splitext(self.original_name)[0][:200]
        super().save(*args, **kwargs)
        self.refresh_parent_index()

    def get_absolute_url(self):
        return reverse("attachments:download", args=[self.pk])

    def delete(self, *args, **kwargs):
        name, storage = self.file.name, self.file.storage
        result = super().delete(*args, **kwargs)
        self.refresh_parent_index()
        if name:
            transaction.on_commit(lambda: storage.delete(name))
        return result

    @property
    def parent(self):
        return self.article if self.article_id else self.document if self.document_id else self.member_post

    @property
    def display_name(self):
        """会议通知.pdf: the name a visitor sees and downloads, with the extension of its real type."""
        stem = self.title or os.path.splitext(self.original_name)[0]
        ext = os.path.splitext(self.original_name)[1].lower().lstrip(".")
        return f"{stem}.{ext if ext == self.kind or (ext, self.kind) == ('jpeg', 'jpg') else self.kind}"

    @property
    def name_lang(self):
        """ "zh-CN" for a name with Chinese characters (marked so on English pages), else ""."""
        return "zh-CN" if CHINESE.search(self.display_name) else ""

    @property
    def kind_label(self):
        return self.get_kind_display()

    @property
    def size_label(self):
        return filetypes.size_label(self.size)

    @property
    def content_type(self):
        return filetypes.CONTENT_TYPES.get(self.kind, "application/octet-stream")

    def is_searchable(self):
        return self.text_status == self.TextStatus.DONE

    def count_download(self):
        """One atomic ``UPDATE … SET download_count = download_count + 1`` (never read-modify-write).

        Quiet for the page cache: no public page shows the count.
        """
        from pagecache import cache as pagecache

        with pagecache.quiet():
            Attachment.objects.filter(pk=self.pk).update(download_count=F("download_count") + 1)

    def refresh_parent_index(self):
        """The parent's search tokens include its attachments' names and text: recompute them.

        For a document, every version's (the current one is searched; a published version's text never
        changes, so its tokens are written with a plain update, as ``Document.save()`` does).
        """
        if self.document_id:
            for version in DocumentVersion.objects.filter(document_id=self.document_id).select_related("document"):
                version.refresh_search_tokens()
                models.QuerySet.update(
                    DocumentVersion.objects.filter(pk=version.pk), search_tokens=version.search_tokens
                )
            return
        if not self.article_id:
            return
        article = Article.objects.filter(pk=self.article_id).first()
        if article is None:
            return
        article.refresh_search_tokens()
        models.QuerySet.update(Article.objects.filter(pk=article.pk), search_tokens=article.search_tokens)


def texts_for_index(article_id=None, document_id=None):
    """(names, texts) of an article's (or a document's) attachments for its search tokens; texts only of
    extracted files."""
    parent = {"article_id": article_id} if article_id else {"document_id": document_id}
    rows = Attachment.objects.filter(**parent).values_list("title", "original_name", "text", "text_status")
    names = [f"{title} {original}" for title, original, _, _ in rows]
    texts = [text for _, _, text, status in rows if status == Attachment.TextStatus.DONE and text]
    return names, texts
