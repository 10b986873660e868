"""The one rule for page numbers in addresses, public lists and admin lists alike.

``?page=`` (``?p=`` in the admin) names a page in ASCII digits, from 1; without it a list shows
its first page; the news and member lists also take ``last``, as Django's list views do. Anything
else (0, negative, a fraction, ``1_0``, other scripts' digits, more digits than any integer column
holds) and a number past the last page are a 404, never a 500 and never a silent jump to another page.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from .numbers import parse_digits


def page_number(value):
    """The page ``value`` names (1 when absent or empty), or None when it names none."""
    if value is None or value == "":
        return 1
    return parse_digits(value) or None


def page_number_or_404(value):
    number = page_number(value)
    if number is None:
        raise Http404(_("页码无效。"))
    return number


class PageNumberMixin:
    """For a ListView: ``?page=`` follows the rule above (Django's own takes ``1_0``, ``٣``, 5000 digits…)."""

    def paginate_queryset(self, queryset, page_size):
        value = self.request.GET.get(self.page_kwarg)
        if value != "last":
            page_number_or_404(value)
        return super().paginate_queryset(queryset, page_size)


def page_or_404(paginator, value):
    """The page of ``paginator`` that ``value`` (a ``?page=`` value) names, by the rule above."""
    number = page_number_or_404(value)
    if number > paginator.num_pages:
        raise Http404(_("页码无效。"))
    return paginator.page(number)
