"""Where a search's words are in an article's attachments: for the line 「附件：会议通知.pdf …」 of a result."""

from hnda_site import search as fulltext

from .models import Attachment


def attachment_hits(article_ids, query):
    """{article id: (attachment name, highlighted excerpt)} for the first attachment of each article whose
    name or extracted text holds a word of ``query``. One query for a page of results."""
    if not article_ids or not query:
        return {}
    candidates = query.words + [term.plain for term in query.terms]
    rows = Attachment.objects.filter(article_id__in=article_ids).only(
        "id", "article_id", "title", "original_name", "kind", "text", "text_status"
    )
    hits = {}
    for attachment in rows:
        if attachment.article_id in hits:
            continue
        name = attachment.display_name
        text = attachment.text if attachment.is_searchable() else ""
        if any(word in fulltext.normalize(name) for word in candidates):
            hits[attachment.article_id] = (fulltext.highlight(name, query), "")
        elif text and any(word in fulltext.normalize(text) for word in candidates):
            hits[attachment.article_id] = (name, fulltext.snippet(text, query, is_html=False))
    return hits
