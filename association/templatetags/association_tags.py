from django import template
from django.utils.html import format_html, format_html_join

from richtext.text import summarize

register = template.Library()

# How a comparison marks text: inserted, deleted, unchanged.
SEGMENT_FORMATS = {"insert": "<ins>{}</ins>", "delete": "<del>{}</del>", "equal": "{}"}


@register.filter
def excerpt(body, length=100):
    """The first ``length`` characters of the text of an HTML body (for descriptions)."""
    return summarize(body, length)


@register.filter
def marked_segments(segments):
    """Equal/insert/delete segments (association.versiondiff.Segment) as escaped HTML: insertions
    in ``<ins>``, deletions in ``<del>``, unchanged text as it is."""
    marked = (format_html(SEGMENT_FORMATS[segment.kind], segment.text) for segment in segments)
    return format_html_join("", "{}", ((part,) for part in marked))


@register.filter
def marked_text(paragraph):
    """A paragraph of a comparison (association.versiondiff.ParagraphChange) as escaped HTML.

    A changed paragraph shows its insertions in ``<ins>`` and deletions in ``<del>``; an added one
    is all ``<ins>``, a removed one all ``<del>``.
    """
    if paragraph.kind == "changed":
        return marked_segments(paragraph.segments)
    if paragraph.kind == "added":
        return format_html(SEGMENT_FORMATS["insert"], paragraph.new)
    if paragraph.kind == "removed":
        return format_html(SEGMENT_FORMATS["delete"], paragraph.old)
    return format_html("{}", paragraph.text)
