from django import template
from django.db.models import Case, OuterRef, Q, Subquery, TextField, Value, When

from hnda_site.richtext import html_to_text, summarize

from ..models import Document, DocumentVersion

register = template.Library()

HOME_EXCERPT_LENGTH = 150
SEARCH_CONTEXT_BEFORE = 30
SEARCH_CONTEXT_AFTER = 70


@register.simple_tag
def association_home():
    """For the home page: an excerpt of 协会简介's current text, and the other documents to link.

    One query: the documents, with the current body of 协会简介 only.
    """
    intro_body = DocumentVersion.objects.published().filter(document=OuterRef("pk")).order_by("-number")
    documents = list(
        Document.objects.live().annotate(
            intro_body=Case(
                When(slug="intro", then=Subquery(intro_body.values("body")[:1])),
                default=Value(""),
                output_field=TextField(),
            )
        )
    )
    intro = next((document for document in documents if document.slug == "intro"), None)
    return {
        "intro": intro,
        "excerpt": summarize(intro.intro_body, HOME_EXCERPT_LENGTH) if intro else "",
        "others": [document for document in documents if document is not intro],
    }


def _excerpt(text, query):
    """(before, match, after) around the first occurrence of ``query`` in ``text``, or None."""
    position = text.casefold().find(query.casefold())
    if position < 0:
        return None
    start = max(0, position - SEARCH_CONTEXT_BEFORE)
    end = position + len(query)
    stop = min(len(text), end + SEARCH_CONTEXT_AFTER)
    return (
        ("…" if start else "") + text[start:position],
        text[position:end],
        text[end:stop] + ("…" if stop < len(text) else ""),
    )


@register.simple_tag
def association_search(query):
    """Documents whose title or current text contains ``query``: title matches first, each with an excerpt.

    One query; a match found only inside the HTML markup (a tag or attribute name) does not count.
    """
    title_hit = Q(document__title__icontains=query) | Q(document__full_title__icontains=query)
    versions = (
        DocumentVersion.objects.current()
        .filter(title_hit | Q(body__icontains=query))
        .select_related("document")
        .annotate(title_rank=Case(When(title_hit, then=Value(0)), default=Value(1)))
        .order_by("title_rank", "document__order", "document_id")
    )
    results = []
    for version in versions:
        text = " ".join(html_to_text(version.body).split())
        excerpt = _excerpt(text, query)
        if excerpt is None and version.title_rank:
            continue
        results.append({"version": version, "document": version.document, "excerpt": excerpt, "text": text})
    return results


@register.filter
def excerpt(body, length=100):
    """The first ``length`` characters of the text of an HTML body (for descriptions)."""
    return summarize(body, length)
