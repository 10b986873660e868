from django import template

register = template.Library()


@register.filter
def elided_pages(page_obj):
    """Page numbers around the current page, with … where pages are left out."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with ``changes`` applied (a value of None removes the key).

    Keeps a search or filter while moving between pages.
    """
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
