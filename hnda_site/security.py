"""Site-wide security glue: the lockout page and the editor's Content-Security-Policy.

The policies themselves are settings (hnda_site/settings.py, "Login security"); this
module holds the two places where a library needs a hook of ours.
"""

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    """The Chinese lockout page (django-axes' ``AXES_LOCKOUT_CALLABLE``), status 429."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "axes/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
