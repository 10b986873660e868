from django import template
from django.db.models import Case, OuterRef, Subquery, TextField, Value, When

from hnda_site.richtext import summarize

from ..models import Document, DocumentVersion

register = template.Library()

HOME_EXCERPT_LENGTH = 150


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


@register.filter
def excerpt(body, length=100):
    """The first ``length`` characters of the text of an HTML body (for descriptions)."""
    return summarize(body, length)
