"""Rich text: the one place where HTML from the editor is made safe.

Every body written in the admin (articles, document versions, member
introductions) is a ``RichTextField``: edited with CKEditor 5 and sanitized
with nh3 against an allow-list each time the model is saved, whatever the
editor or a hand-made POST sent. Templates may then mark it ``|safe``.
"""

import html
import os
import re
from datetime import date

import nh3
from django.utils.html import strip_tags
from django_ckeditor_5.fields import CKEditor5Field

from .storage import OnDefaultStorage

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
    "strong", "b", "em", "i", "u", "s", "sub", "sup", "span",
    "ul", "ol", "li", "blockquote",
    "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "target"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "ol": {"start", "reversed"},
}

# CKEditor marks alignment and image placement with classes: only these survive.
ALLOWED_CLASSES = {
    "p": {"text-align-left", "text-align-center", "text-align-right", "text-align-justify"},
    "h2": {"text-align-center", "text-align-right"},
    "h3": {"text-align-center", "text-align-right"},
    "h4": {"text-align-center", "text-align-right"},
    "figure": {
        "image",
        "table",
        "image-style-align-left",
        "image-style-align-center",
        "image-style-align-right",
        "image-style-side",
        "image_resized",
    },
    "span": {"text-tiny", "text-small", "text-big", "text-huge"},
}


def _strip_heading_h1(value):
    # Each page has exactly one <h1> (its title); a pasted <h1> becomes <h2>.
    return re.sub(r"<(/?)h1\b", r"<\1h2", value, flags=re.IGNORECASE)


def sanitize_html(value):
    """Return ``value`` with everything outside the allow-list removed.

    Scripts, styles, event handlers, ``javascript:``/``data:`` URLs, iframes
    and unknown tags never survive; external links get ``rel="noopener
    noreferrer"``.
    """
    if not value:
        return ""
    cleaned = nh3.clean(
        _strip_heading_h1(value),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # nh3 leaves class="" where every class was dropped (Word's MsoNormal…).
    return cleaned.replace(' class=""', "").strip()


def html_to_text(value):
    """Plain text of an HTML fragment, one line per block, for summaries and diffs."""
    text = re.sub(r"(?i)<br\s*/?>|</(p|h[1-6]|li|tr|blockquote|figcaption)>", "\n", value or "")
    text = html.unescape(strip_tags(text))
    lines = (line.strip().replace("\xa0", " ") for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def summarize(value, length=120):
    """The first ``length`` characters of the text of an HTML fragment."""
    text = " ".join(html_to_text(value).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


class RichTextField(CKEditor5Field):
    """A CKEditor 5 field whose HTML is sanitized with nh3 on every save."""

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value


class EditorUploadStorage(OnDefaultStorage):
    """Editor uploads go to uploads/<year>/<month>/ in the default storage, never overwriting.

    Files are kept for ever: old document versions may still show them.
    """

    def save(self, name, content, max_length=None):
        folder = f"uploads/{date.today():%Y/%m}"
        return super().save(f"{folder}/{os.path.basename(name)}", content, max_length)
