"""Admin change lists that answer a bad date in the address with Django's "?e=1" page, not a 500.

Django's ChangeList turns ``?published_at__year=…&__month=…&__day=…`` (date_hierarchy) into a
date range; a year beyond 9999, a 13th month or the last day of 9999 overflow ``datetime`` with
errors it does not catch (and on SQLite, so does year 1, when the query is made). At start-up
(``SiteConfig.ready``) every registered admin that uses Django's own ChangeList gets this one,
third-party admins (login attempts, history…) included; a test covers each one with a date filter.
"""

from django.contrib.admin import ModelAdmin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class SafeDateChangeList(ChangeList):
    # Either way the change list view answers as for any bad lookup: the list with "?e=1".

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        try:
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
