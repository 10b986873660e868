"""Where a search's words are in an article's attachments: for the line 「附件：会议通知.pdf …」 of a result."""

from django.db.models import Q

from search import fulltext

from .models import Attachment


def attachment_hits(query, article_ids=(), document_ids=()):
    """({article id: hit}, {document id: hit}), a hit being (attachment name, highlighted excerpt): the first
    attachment of each article or document whose name or extracted text holds a word of ``query``.

    One query for a page of results (none when there is no result).
    """
    found = ({}, {})
    if not query or not (article_ids or document_ids):
        return found
    candidates = query.words + [term.plain for term in query.terms]
    rows = Attachment.objects.filter(Q(article_id__in=article_ids) | Q(document_id__in=document_ids)).only(
        "id", "article_id", "document_id", "title", "original_name", "kind", "text", "text_status"
    )
    for attachment in rows:
        hits, parent_id = (
            (found[0], attachment.article_id) if attachment.article_id else (found[1], attachment.document_id)
        )
        if parent_id in hits:
            continue
        name = attachment.display_name
        text = attachment.text if attachment.is_searchable() else ""
        if any(word in fulltext.normalize(name) for word in candidates):
            hits[parent_id] = (fulltext.highlight(name, query), "")
        elif text and any(word in fulltext.normalize(text) for word in candidates):
            hits[parent_id] = (name, fulltext.snippet(text, query, is_html=False))
    return found
