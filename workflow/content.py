"""What the workflow needs to know about each kind of content it reviews (articles, document versions).

One small adapter per model: its publish permission, whether an item is published, which
workflow applies, the texts checked for expressions, how approval publishes it, and what
changed since the published text. ``adapter_for(item)`` finds it.
"""

from django.urls import reverse

from association.models import DocumentVersion
from association.versiondiff import compare
from news.models import Article
from richtext.text import html_to_text

# Other apps add texts to check: callables item -> [(label, text)].
TEXT_SOURCES = []


def attachment_names(item):
    """The names of an article's or a document version's document's 附件 (as visitors read them, and as uploaded)."""
    owner = item.document if hasattr(item, "document_id") else item
    if owner.pk is None:
        return []
    return [
        ("附件名称", f"{attachment.title} {attachment.original_name}".strip()) for attachment in owner.attachments.all()
    ]


TEXT_SOURCES.append(attachment_names)


class ArticleContent:
    model = Article
    publish_perm = "news.publish_article"
    change_perm = "news.change_article"
    kind = "文章"
    # A change to one of these is a change of what the public reads (pinning and 焦点图 are not).
    content_fields = [
        "title",
        "category_id",
        "publisher",
        "summary",
        "body",
        "title_en",
        "summary_en",
        "body_en",
        "cover",
    ]

    def is_published(self, item):
        return item.status == Article.Status.PUBLISHED

    def workflow(self, item):
        from .models import Workflow

        return Workflow.objects.filter(enabled=True, category_assignments__category_id=item.category_id).first()

    def title(self, item):
        return item.title

    def section(self, item):
        return item.category.name if item.category_id else ""

    def texts(self, item):
        texts = [
            ("标题", item.title),
            ("摘要", item.summary),
            ("正文", html_to_text(item.body)),
            ("英文标题", item.title_en),
            ("英文摘要", item.summary_en),
            ("英文正文", html_to_text(item.body_en)),
        ]
        return [(label, text) for label, text in texts if text] + [t for source in TEXT_SOURCES for t in source(item)]

    def publish(self, item, user, reason):
        item.status = Article.Status.PUBLISHED
        item._workflow_authorized = True
        item._history_user = user
        item._change_reason = reason
        item.updated_by = user
        item.save()

    def preview_url(self, item):
        return item.get_absolute_url()

    def admin_url(self, item):
        return reverse("admin:news_article_change", args=[item.pk])

    def published_text(self, item):
        """(title, body) of the last published copy in the history, or None if never published."""
        record = item.history.filter(status=Article.Status.PUBLISHED).only("title", "body").first()
        return (record.title, record.body) if record else None


class DocumentVersionContent:
    model = DocumentVersion
    publish_perm = "association.publish_documentversion"
    change_perm = "association.change_documentversion"
    kind = "协会文件版本"
    content_fields = ["document_id", "body", "body_en", "effective_date", "change_note"]

    def is_published(self, item):
        return item.status == DocumentVersion.Status.PUBLISHED

    def workflow(self, item):
        from .models import Workflow

        return Workflow.objects.filter(enabled=True, document_assignments__document_id=item.document_id).first()

    def title(self, item):
        return f"{item.document.title} 第{item.number}版" if item.number else f"{item.document.title} 新版本"

    def section(self, item):
        return item.document.title

    def texts(self, item):
        texts = [
            ("正文", html_to_text(item.body)),
            ("修改说明", item.change_note),
            ("英文正文", html_to_text(item.body_en)),
        ]
        return [(label, text) for label, text in texts if text] + [t for source in TEXT_SOURCES for t in source(item)]

    def publish(self, item, user, reason):
        item._workflow_authorized = True
        item.publish(user=user)

    def preview_url(self, item):
        return item.get_absolute_url()

    def admin_url(self, item):
        return reverse("admin:association_documentversion_change", args=[item.pk])

    def published_text(self, item):
        current = DocumentVersion.objects.filter(document_id=item.document_id).newest_published().exclude(pk=item.pk)
        current = current.only("number", "body").first()
        return (f"第{current.number}版", current.body) if current else None


ADAPTERS = {Article: ArticleContent(), DocumentVersion: DocumentVersionContent()}


def adapter_for(item_or_model):
    model = item_or_model if isinstance(item_or_model, type) else type(item_or_model)
    return ADAPTERS[model._meta.concrete_model]


def changes_since_published(item):
    """(what it is compared with, versiondiff Comparison) or (None, None) for a first publication."""
    published = adapter_for(item).published_text(item)
    if published is None:
        return None, None
    label, body = published
    return label, compare(body, item.body)
