from django import template
from django.db.models import Count, Window
from django.template.defaulttags import querystring

from ..models import Member

register = template.Library()

SEARCH_RESULTS_COUNT = 5


@register.simple_tag
def member_stats():
    """How many members the website shows, and in how many 市州 (one query)."""
    return Member.objects.active().aggregate(total=Count("pk"), cities=Count("city", distinct=True))


@register.simple_tag
def member_search(query, limit=SEARCH_RESULTS_COUNT):
    """The first ``limit`` active members whose full or short name matches ``query``, and how many match.

    One query: the total is a window count over the same rows.
    """
    members = list(Member.objects.active().search(query).for_list().annotate(total=Window(Count("pk")))[:limit])
    return {"members": members, "total": members[0].total if members else 0}


@register.simple_tag(takes_context=True)
def facet_url(context, name, value=None):
    """The current URL's query string with filter ``name`` set to ``value`` (None removes it), from page 1.

    Django's ``{% querystring %}`` with a parameter name that comes from a variable.
    """
    return querystring(context, **{name: value, "page": None})
