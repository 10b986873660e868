"""``{% local obj "name" %}``: a record's field in the page's language (see hnda_site.languages)."""

from django import template

from hnda_site.languages import render_localized

register = template.Library()


@register.simple_tag
def local(obj, field):
    """The English value on an English page when staff gave one, else the Chinese one, marked
    ``<span lang="zh-CN">`` on an English page (a screen reader then reads it as Chinese)."""
    return render_localized(obj, field)
