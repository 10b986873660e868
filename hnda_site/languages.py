"""The site in two languages: Chinese at the site's own addresses, English under /en/.

Chinese is the original: every record has it. English is an edition that staff add when they
have one, in each translated field's ``<field>_en`` column (the same model, the same form, the
same history). What an English page shows of a record:

- text that must be English or nothing (an article's title and body): the page exists only when
  staff wrote it (``Article.objects.readable()``, ``DocumentVersion.has_english``);
- names (栏目, documents, members, 友情链接): the English name when there is one, else the Chinese
  one marked ``lang="zh-Hans"`` for screen readers (``{% local obj "name" %}``, :class:`Translated`).

Each page says which of its languages exist (:func:`exists_only_in`); the language switch and the
``hreflang`` links follow (``context_processors.languages``).
"""

from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.html import format_html

ENGLISH = "en"
CHINESE = settings.LANGUAGE_CODE
# The value of lang="" and hreflang="" for each of settings.LANGUAGES.
HTML_LANG = {CHINESE: "zh-CN", ENGLISH: "en"}
# hreflang="" of each page's alternates: the language codes, as the sitemap gives them too.
HREFLANG = {CHINESE: "zh-Hans", ENGLISH: "en"}
SWITCH_LABELS = {CHINESE: "中文", ENGLISH: "English"}


def is_english():
    return translation.get_language() == ENGLISH


def localized(obj, field):
    """``(text, lang)``: the field in the page's language, and ``lang`` when it is not that language.

    On an English page the ``<field>_en`` value (or the model's ``english_fields[field]``) when staff
    filled it in, else the Chinese value
    with ``lang`` "zh-CN" (a screen reader then reads it as Chinese). On a Chinese page the
    Chinese value and "".
    """
    if is_english():
        english_field = getattr(obj, "english_fields", {}).get(field, f"{field}_en")
        english = getattr(obj, english_field, "")
        if english:
            return english, ""
        return getattr(obj, field), HTML_LANG[CHINESE]
    return getattr(obj, field), ""


def render_localized(obj, field):
    """The field's text for a template, wrapped in ``<span lang="zh-CN">`` when it falls back to Chinese."""
    text, lang = localized(obj, field)
    if lang and text:
        return format_html('<span lang="{}">{}</span>', lang, text)
    return text


class Translated:
    """``local_name = Translated("name")``: the field in the page's language (see :func:`localized`)."""

    def __init__(self, field):
        self.field = field

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return localized(obj, self.field)[0]


def exists_only_in(request, language):
    """Say that the page of ``request`` exists only in ``language`` (an article or a document version
    without English): no ``hreflang`` is given; the switch leads to the page in ``language`` when it
    is shown in the other one (an English page saying the text is not translated), else to the other
    language's home."""
    request.page_languages = (language,)


def page_in(request, language):
    """The path of the page of ``request`` in ``language`` (query string kept), or None if it has none."""
    languages = getattr(request, "page_languages", None)
    if request.resolver_match is None or (languages is not None and language not in languages):
        return None
    path = request.get_full_path()
    translated = translate_url(path, language)
    if translated == path and language != translation.get_language():
        return None  # not a page of the language-prefixed URLs
    return translated


def home_of(language):
    with translation.override(language):
        return reverse("home")
