from django.conf import settings
from django.utils.encoding import escape_uri_path
from django.utils.functional import SimpleLazyObject

from . import pagecache
from .models import FriendlyLink, SiteSettings
from .preferences import ReadingPreferences


def site(request):
    """The site settings record and the 友情链接 (footer, home page), each read when a template first uses it.

    Both are kept per process until content changes (the page cache's stamp), not read per request.
    """
    return {
        "site": SimpleLazyObject(SiteSettings.current),
        "link_groups": SimpleLazyObject(lambda: pagecache.memoize("link-groups", FriendlyLink.objects.grouped)),
    }


def reading_preferences(request):
    """The visitor's 字号 and 高对比度 choices (hnda_site.preferences), for ``<html>`` and the toolbar."""
    return {"reading": ReadingPreferences.from_cookies(request.COOKIES)}


def page_address(request):
    """``canonical_url``: this page's absolute address, from settings.SITE_URL and the path only.

    The query string is dropped (filters and forms are not separate pages) except a list's
    page number. Never built from the Host header: the page cache shares one copy per URL.
    """
    path = settings.SITE_URL + escape_uri_path(request.path)
    page = request.GET.get("page", "")
    if page.isascii() and page.isdigit() and int(page) > 1:
        path += f"?page={int(page)}"
    return {"canonical_url": path}
