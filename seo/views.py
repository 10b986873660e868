"""The QR code of a page's address as an image (partials/share_box.html)."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.encoding import escape_uri_path
from django.views.decorators.http import require_safe

from pagecache import cache as pagecache

from .qrcodes import qr_svg_document

# The pages that show a share box: only their addresses are drawn.
QR_PAGES = frozenset({"news:detail", "association:document", "association:version"})
MAX_PATH_LENGTH = 300


@pagecache.reads_query("page")
@require_safe
def page_qr(request):
    """``?page=/news/12/``: the QR code of that page's canonical address (settings.SITE_URL and the path), an
    SVG image. A separate image, not drawn into the page: a phone hides the code (it is for scanning with
    one) and loads nothing for it, and a page rendered for the first time does not draw a code (about 1 ms).
    Any other path: 404. The language is the address's own (``/en/qr.svg?page=/en/news/12/``)."""
    path = request.GET.get("page", "")
    if not path.startswith("/") or len(path) > MAX_PATH_LENGTH:
        raise Http404
    try:
        match = resolve(path)
    except Resolver404:
        raise Http404 from None
    if match.view_name not in QR_PAGES:
        raise Http404
    return HttpResponse(qr_svg_document(settings.SITE_URL + escape_uri_path(path)), content_type="image/svg+xml")
