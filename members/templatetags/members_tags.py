from django import template
from django.template.defaulttags import querystring

register = template.Library()


@register.simple_tag(takes_context=True)
def facet_url(context, name, value=None):
    """The current URL's query string with filter ``name`` set to ``value`` (None removes it), from page 1.

    Django's ``{% querystring %}`` with a parameter name that comes from a variable.
    """
    return querystring(context, **{name: value, "page": None})
