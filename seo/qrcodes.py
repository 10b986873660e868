"""QR codes of page addresses, drawn on the server as inline SVG (segno; no outside service)."""

import io
from functools import lru_cache

import segno
from django.utils.html import escape
from django.utils.safestring import mark_safe

# Every mask gives a valid code; choosing the best of the eight (segno's default) took 11 ms of the 26 ms
# of CPU an article page costs on a page-cache miss, one fixed mask 1 ms.
MASK = 0


@lru_cache(maxsize=1024)
def qr_svg(url, label="本页二维码"):
    """An inline ``<svg role="img">`` QR code of ``url``, dark on an explicit white ground.

    The white ground is drawn, not left transparent, so that the code stays readable in
    high-contrast mode (black page background). Cached: the same page gives the same code.
    """
    code = segno.make(url, error="m", mask=MASK)
    svg = code.svg_inline(scale=3, border=4, dark="#000", light="#fff", svgclass="qr-code", lineclass=None)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" focusable="false" ', 1)
    return mark_safe(svg)  # noqa: S308 - segno's own markup; the label is escaped


# The QR code image of a page (qr_image): drawn at this size, in CSS pixels, whatever the code's version.
IMAGE_SIZE = 123


@lru_cache(maxsize=1024)
def qr_svg_document(url):
    """A standalone SVG image (``image/svg+xml``) of ``url``'s QR code, dark on an explicit white ground,
    scalable (a viewBox, no size): served by ``seo.views.page_qr`` for the ``<img>`` of a page's share box."""
    out = io.BytesIO()
    segno.make(url, error="m", mask=MASK).save(
        out,
        kind="svg",
        scale=3,
        border=4,
        dark="#000",
        light="#fff",
        omitsize=True,
        xmldecl=False,
        svgclass=None,
        lineclass=None,
    )
    return out.getvalue()
