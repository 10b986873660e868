"""Site-wide security glue: the lockout page and the editor's Content-Security-Policy.

The policies themselves are settings (hnda_site/settings.py, "Login security"); this
module holds the two places where a library needs a hook of ours.
"""

import base64
import hashlib

from axes.helpers import get_cool_off, get_failure_limit
from csp.constants import SELF, UNSAFE_INLINE
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


# django-import-export's import preview marks changed values with diff-match-patch's
# <ins style="background:#e6ffe6;"> and <del style="background:#ffe6e6;">. Exactly these two
# style attributes are allowed in the admin, by hash ('unsafe-hashes' admits hashed
# attributes only, not inline <style> or any other attribute).
ADMIN_STYLE_ATTRIBUTES = ["background:#e6ffe6;", "background:#ffe6e6;"]

# CKEditor 5 writes <style> elements (paste from Word reads Word's list styles through
# one) and style attributes (upload placeholders, table and image sizes) from its script.
# Under style-src 'self' pasted lists lose their structure and uploads their progress
# bar, so the admin pages that show the editor, and only those, allow inline styles.
# Scripts stay 'self' there, and img-src keeps any injected CSS from reaching another host.
EDITOR_STYLES = {"style-src-elem": [SELF, UNSAFE_INLINE], "style-src-attr": [UNSAFE_INLINE]}
EDITOR_SCRIPT = "django_ckeditor_5/"


def csp_hash(source):
    return f"'sha256-{base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()}'"


def shows_the_editor(response):
    media = (getattr(response, "context_data", None) or {}).get("media")
    return media is not None and any(EDITOR_SCRIPT in script for script in media.render_js())


class AdminContentSecurityPolicyMiddleware:
    """Adds the admin's few allowances to its own pages' Content-Security-Policy.

    Public pages keep the one policy of the settings, the same for every visitor. Sits
    below django-csp's middleware in MIDDLEWARE, so that it runs first on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        match = getattr(request, "resolver_match", None)
        if match is None or match.namespace != "admin":
            return response
        if shows_the_editor(response):
            update = EDITOR_STYLES
        else:
            update = {"style-src-attr": ["'unsafe-hashes'", *map(csp_hash, ADMIN_STYLE_ATTRIBUTES)]}
        response._csp_replace = response._csp_replace_ro = update
        return response
