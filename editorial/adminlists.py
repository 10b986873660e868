"""Admin change lists that answer a bad date in the address with Django's "?e=1" page, not a 500.

Django's ChangeList turns ``?published_at__year=…&__month=…&__day=…`` (date_hierarchy) into a
date range; a year beyond 9999, a 13th month or the last day of 9999 overflow ``datetime`` with
errors it does not catch (and on SQLite, so does year 1, when the query is made). At start-up
(``SiteConfig.ready``) every registered admin that uses Django's own ChangeList gets this one,
third-party admins (login attempts, history…) included; a test covers each one with a date filter.

The same change list keeps the site's rule for page numbers (``hnda_site.pagination``): ``?p=``
that names no page of the list is a 404, where Django shows page 1 or the "?e=1" page.
"""

from django.contrib.admin import ModelAdmin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ALL_VAR, PAGE_VAR, ChangeList
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from hnda_site.pagination import page_number_or_404


class SafeDateChangeList(ChangeList):
    # Either way the change list view answers as for any bad lookup: the list with "?e=1".

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        number = page_number_or_404(request.GET.get(PAGE_VAR))
        try:
            if number > 1 and ALL_VAR not in request.GET:
                # Django looks the page up only when there is more than one; count here to know.
                paginator = self.model_admin.get_paginator(request, self.queryset, self.list_per_page)
                if number > paginator.num_pages:
                    raise Http404(_("页码无效。"))
            return super().get_results(request)
        except (OverflowError, ValueError) as error:
            # SQLite: a date near year 1 or 9999 in Beijing time has no UTC equivalent to query with;
            # a year below 1 on a list filtered by a year lookup (login attempts…) fails while querying.
            raise IncorrectLookupParameters(error) from error


def _safe_changelist(request, **kwargs):
    return SafeDateChangeList


def use_safe_change_lists(site):
    """Give each admin on ``site`` that has Django's default ``get_changelist`` the safe change list."""
    for model_admin in site._registry.values():
        if type(model_admin).get_changelist is ModelAdmin.get_changelist:
            model_admin.get_changelist = _safe_changelist


class BoundedCountPaginator(Paginator):
    """A change list's pages over a count that stops at ``bound`` (``search.fulltext.bounded_count``):
    counting every one of 100,000 articles, or of the 90,000 a common word finds, read each of them. Past
    the bound the list says "1000+" (``more``) and pages through the first ``bound`` rows; a search or a
    filter narrows it. ``estimate``: the parsed search, whose statistics may tell "more" without counting.
    """

    bound = 1000

    def __init__(self, *args, estimate=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.estimate = estimate

    @cached_property
    def _bounded(self):
        from search import fulltext

        return fulltext.bounded_count(self.object_list, self.bound, estimate=self.estimate)

    @cached_property
    def count(self):
        """The count, or past the bound ``AtLeast(bound)``: Django's pages, the "N 篇文章" under the list and
        the search box's "N 条结果" then read "1000+"."""
        return AtLeast(self.bound) if self.more else self._bounded

    @property
    def more(self):
        return self._bounded > self.bound


class AtLeast(int):
    """A count that is a lower bound: a number in every calculation, shown as "1000+"."""

    def __str__(self):
        return f"{int(self)}+"
