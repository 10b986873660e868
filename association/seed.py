"""The five association documents as the original site shows them: version 1 of each.

The text is kept exactly, quirks included (ASCII commas and colons, the non-breaking
spaces after 第X条, the repeated (七) of 协会业务, which staff can correct with a
version 2). The original prefixes 协会简介 with the label "协会简介:" and puts
"协会宗旨:" etc. on a line of their own: those labels are the documents' titles
(the page heading), not part of their text. The charter's title line
"湖南省开发区协会章程2017年9月29日" is its full title and its 生效日期.
"""

from datetime import date

from django.utils import timezone

from hnda_site.seeding import load_pieces, paragraphs_html

from .models import Document, DocumentVersion

CHANGE_NOTE = "网站初始内容，录自协会原网站。"

DOCUMENTS = [
    # slug, title, full title, 生效日期, required details to publish
    ("intro", "协会简介", "", None, False),
    ("purpose", "协会宗旨", "", None, False),
    ("functions", "协会职能", "", None, False),
    ("business", "协会业务", "", None, False),
    ("charter", "协会章程", "湖南省开发区协会章程", date(2017, 9, 29), True),
]


def document_creator(order, slug, title, full_title, effective_date, requires_details):
    def create():
        document, _ = Document.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "full_title": full_title,
                "order": order,
                "publish_requires_details": requires_details,
            },
        )
        DocumentVersion.objects.create(
            document=document,
            body=paragraphs_html("association", f"{slug}.txt"),
            effective_date=effective_date,
            change_note=CHANGE_NOTE,
            status=DocumentVersion.Status.PUBLISHED,
            published_at=timezone.now(),
        )

    return create


PIECES = [
    (f"association.document.{slug}", document_creator(order, slug, *details))
    for order, (slug, *details) in enumerate(DOCUMENTS, start=1)
]


def load():
    return load_pieces(PIECES)
