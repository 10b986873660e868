"""Reading preferences for older readers (适老化): text size and high contrast.

Both live in cookies that the server reads to put classes on ``<html>`` and that
static/js/a11y.js changes in place, so the toolbar works with and without JavaScript.
The page cache keys its entries on what these two cookies mean (``cache_variant``, its
``PAGE_CACHE_VARIANT``): a page may depend on them and on its URL, nothing else.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

FONTSIZE_COOKIE = "fontsize"
CONTRAST_COOKIE = "contrast"
# Largest first, as the toolbar shows them.
FONT_SIZES = {"large": _("大"), "medium": _("中"), "small": _("小")}
DEFAULT_FONTSIZE = "medium"
HIGH_CONTRAST = "high"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365


@dataclass(frozen=True)
class ReadingPreferences:
    fontsize: str = DEFAULT_FONTSIZE
    high_contrast: bool = False

    @classmethod
    def from_cookies(cls, cookies):
        """The visitor's choices; an unknown or forged cookie value counts as not chosen."""
        fontsize = cookies.get(FONTSIZE_COOKIE, "")
        return cls(
            fontsize=fontsize if fontsize in FONT_SIZES else DEFAULT_FONTSIZE,
            high_contrast=cookies.get(CONTRAST_COOKIE) == HIGH_CONTRAST,
        )

    @property
    def html_class(self):
        """Classes for ``<html>`` (static/css/a11y.css); empty for the default look."""
        classes = []
        if self.fontsize != DEFAULT_FONTSIZE:
            classes.append(f"a11y-text-{self.fontsize}")
        if self.high_contrast:
            classes.append("a11y-contrast-high")
        return " ".join(classes)

    @property
    def is_default(self):
        return self.fontsize == DEFAULT_FONTSIZE and not self.high_contrast

    def font_size_options(self):
        """(value, label, chosen) for each text size, for the toolbar."""
        return [(value, label, value == self.fontsize) for value, label in FONT_SIZES.items()]


def cache_variant(cookies):
    """The page cache's key for these cookies: "" for the default look, so that forged or unknown values
    (``fontsize=x1``, ``x2``, …) share the default page's one entry instead of making one each."""
    reading = ReadingPreferences.from_cookies(cookies)
    return "" if reading.is_default else f"{reading.fontsize}:{int(reading.high_contrast)}"


def store(response, *, fontsize=None, high_contrast=None, secure=False):
    """Write the given choices on ``response``; the default value removes its cookie."""
    options = {"max_age": COOKIE_MAX_AGE, "samesite": "Lax", "secure": secure}
    if fontsize is not None:
        if fontsize == DEFAULT_FONTSIZE:
            response.delete_cookie(FONTSIZE_COOKIE, samesite="Lax")
        else:
            response.set_cookie(FONTSIZE_COOKIE, fontsize, **options)
    if high_contrast is not None:
        if high_contrast:
            response.set_cookie(CONTRAST_COOKIE, HIGH_CONTRAST, **options)
        else:
            response.delete_cookie(CONTRAST_COOKIE, samesite="Lax")
    return response
