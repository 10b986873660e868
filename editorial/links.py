"""Internal links in rich-text bodies that lead to no page (run by ``manage.py check_links``).

A link is internal when it starts with ``/`` or names one of the site's own hosts (ALLOWED_HOSTS).
Its path is resolved with Django's URL resolver, and pages that show a record (an article, a
栏目, a document or one of its versions, a member) are looked up as the public would see them: a
link to a draft or a hidden member is broken for a visitor. Uploaded files are looked up in storage.
"""

import re
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import Resolver404, resolve, reverse

from association.models import Document, DocumentVersion
from attachments.models import Attachment
from members.models import Member
from news.models import Article, Category

from .models import BrokenLink, LinkCheck

HREF = re.compile(r"""<a\s[^>]*?href\s*=\s*["']([^"']*)["']""", re.IGNORECASE)

# Pages that show one record: does the record behind the URL exist for the public?
RECORD_PAGES = {
    "news:detail": lambda pk: Article.objects.published().filter(pk=pk).exists(),
    "news:category": lambda slug: Category.objects.filter(slug=slug).exists(),
    "association:document": lambda slug: Document.objects.live().filter(slug=slug).exists(),
    "association:history": lambda slug: Document.objects.live().filter(slug=slug).exists(),
    "association:version": lambda slug, number: (
        DocumentVersion.objects.published().filter(document__slug=slug, number=number).exists()
    ),
    "members:detail": lambda pk: Member.objects.active().filter(pk=pk).exists(),
    # An attachment's download: a file of an unpublished article or a deleted attachment is a 404.
    "attachments:download": lambda pk: Attachment.objects.public().filter(pk=pk).exists(),
}


def internal_path(href):
    """The path of ``href`` if it points into this site, else None (other sites, mailto:, #anchors)."""
    parts = urlsplit(href.strip())
    if parts.scheme in {"http", "https"}:
        hosts = {host for host in settings.ALLOWED_HOSTS if host and not host.startswith(".") and host != "*"}
        return (parts.path or "/") if parts.hostname in hosts else None
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return parts.path


def leads_nowhere(path):
    """True when the internal ``path`` shows no page to a visitor."""
    path = unquote(path)
    if path.startswith(settings.MEDIA_URL):
        return not default_storage.exists(path.removeprefix(settings.MEDIA_URL))
    if path.startswith(settings.STATIC_URL):
        return False  # the site's own files, not content
    for candidate in (path, path if path.endswith("/") else f"{path}/"):  # CommonMiddleware adds the slash
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        lookup = RECORD_PAGES.get(match.view_name)
        return lookup is not None and not lookup(**match.kwargs)
    return True


def bodies():
    """(title, admin URL, HTML) of every body the public may read: articles, current documents, members."""
    for article in Article.objects.published().only("id", "title", "body"):
        yield article.title, reverse("admin:news_article_change", args=[article.pk]), article.body
    for version in DocumentVersion.objects.current().select_related("document"):
        yield str(version), reverse("admin:association_documentversion_change", args=[version.pk]), version.body
    for member in Member.objects.active().only("id", "name", "introduction"):
        yield member.name, reverse("admin:members_member_change", args=[member.pk]), member.introduction


def check_links():
    """Follow every internal link, store the run and its broken links (replacing older runs); return the run."""
    broken = []
    checked = 0
    verdicts = {}
    for title, admin_url, html in bodies():
        for href in HREF.findall(html or ""):
            path = internal_path(href)
            if path is None:
                continue
            checked += 1
            if path not in verdicts:
                verdicts[path] = leads_nowhere(path)
            if verdicts[path]:
                broken.append(BrokenLink(source_title=title[:300], source_admin_url=admin_url, href=href[:2000]))
    for attachment in Attachment.objects.public().select_related("article", "document"):
        # Every listed attachment is a link under its page: its file must still be in storage.
        checked += 1
        if not attachment.file or not default_storage.exists(attachment.file.name):
            admin_name = "admin:news_article_change" if attachment.article_id else "admin:association_document_change"
            broken.append(
                BrokenLink(
                    source_title=f"{attachment.parent}（附件：{attachment.display_name}）"[:300],
                    source_admin_url=reverse(admin_name, args=[attachment.article_id or attachment.document_id]),
                    href=attachment.get_absolute_url(),
                )
            )
    with transaction.atomic():
        LinkCheck.objects.all().delete()
        run = LinkCheck.objects.create(links_checked=checked)
        for link in broken:
            link.check_run = run
        BrokenLink.objects.bulk_create(broken)
    return run
