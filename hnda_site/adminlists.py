"""Admin change lists that answer a bad date in the address with Django's "?e=1" page, not a 500.

Django's ChangeList turns ``?published_at__year=…&__month=…&__day=…`` (date_hierarchy) into a
date range; a year beyond 9999, a 13th month or the last day of 9999 overflow ``datetime`` with
errors it does not catch. Every ModelAdmin with ``date_hierarchy`` or a date filter uses
``SafeDateListMixin`` (a test checks all registered admins).
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class SafeDateChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            # The change list view shows the unfiltered list with "?e=1", as for any bad lookup.
            raise IncorrectLookupParameters(error) from error


class SafeDateListMixin:
    def get_changelist(self, request, **kwargs):
        return SafeDateChangeList
