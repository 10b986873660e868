import re

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .. import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def main_navigation(context):
    """The main navigation's items, the current section marked (see hnda_site.navigation)."""
    return navigation.main_navigation(context.get("request"), context.get("nav_section"))


@register.filter
def elided_pages(page_obj):
    """Page numbers around the current page, with … where pages are left out."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


TABLE_TAG = re.compile(r"<table\b[^>]*>.*?</table>", re.DOTALL | re.IGNORECASE)


@register.filter
def rich_text(html):
    """A rich-text body (sanitized on save) ready to show: each table in its own scrolling box.

    A wide table scrolls sideways inside the box on a phone and stays a real table for
    screen readers (``display: block`` on the table itself would lose that in some browsers).
    Only for bodies stored through RichTextField, which are sanitized when saved.
    """
    opening = f'<div class="table-scroll" role="region" aria-label="{_("表格")}" tabindex="0">'
    wrapped = TABLE_TAG.sub(
        lambda match: f"{opening}{match.group(0)}</div>",
        str(html),
    )
    return mark_safe(wrapped)  # noqa: S308 - sanitized on save (richtext.text)
