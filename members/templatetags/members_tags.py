from django import template
from django.db.models import Count
from django.template.defaulttags import querystring

from ..models import Member

register = template.Library()


@register.simple_tag
def member_stats():
    """How many members the website shows, and in how many 市州 (one query)."""
    return Member.objects.active().aggregate(total=Count("pk"), cities=Count("city", distinct=True))


@register.simple_tag(takes_context=True)
def facet_url(context, name, value=None):
    """The current URL's query string with filter ``name`` set to ``value`` (None removes it), from page 1.

    Django's ``{% querystring %}`` with a parameter name that comes from a variable.
    """
    return querystring(context, **{name: value, "page": None})
