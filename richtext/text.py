"""Rich text: the one place where HTML from the editor is made safe.

Every body written in the admin (articles, document versions, member
introductions) is a ``RichTextField``: edited with CKEditor 5 and sanitized
with nh3 against an allow-list each time the model is saved, whatever the
editor or a hand-made POST sent. Templates may then mark it ``|safe``.
"""

import html
import re
import uuid
from pathlib import Path

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import strip_tags
from django_ckeditor_5.fields import CKEditor5Field

from . import images
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


# Elements whose content is code, dropped together with their tags.
DROPPED_WITH_CONTENT = {"script", "style"}

# An opening <style>/<script> with no closing tag anywhere after it, and the text up to the next tag.
_UNCLOSED_RAW_TEXT = re.compile(r"(<(style|script)\b[^>]*>)(?![\s\S]*?</\2\s*>)([^<]*)", re.IGNORECASE)


def _close_raw_text(value):
    # An HTML parser reads everything after an unclosed <style> as CSS, so the rest of
    # the body would vanish with it: end such an element at the next tag instead.
    return _UNCLOSED_RAW_TEXT.sub(r"\1\3</\2>", value)


def sanitize_html(value):
    """Return ``value`` with everything outside the allow-list removed.

    Scripts and styles are dropped with their content (an unclosed one ends at
    the next tag); event handlers, ``javascript:``/``data:`` URLs, iframes and
    unknown tags never survive; external links get ``rel="noopener noreferrer"``.
    """
    if not value:
        return ""
    cleaned = nh3.clean(
        _close_raw_text(_strip_heading_h1(value)),
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # nh3 leaves class="" where every class was dropped (Word's MsoNormal…).
    return cleaned.replace(' class=""', "").strip()


# Tags that begin or end a block of text; a <br> is a line break inside its block.
BLOCK_BOUNDARY = re.compile(
    r"</?(?:p|h[1-6]|li|ul|ol|tr|td|th|table|thead|tbody|tfoot|caption|blockquote|figure|figcaption|div|hr|pre)\b[^>]*>",
    re.IGNORECASE,
)
LINE_BREAK = re.compile(r"<br\b[^>]*>", re.IGNORECASE)
# Stand-ins for block and line boundaries while the tags are stripped (removed from the input first).
_BLOCK_MARK, _LINE_MARK = "\x1e", "\x1f"


def text_blocks(value, line_break="\n"):
    """The text of each block of an HTML fragment (paragraph, heading, list item, table cell…), in order.

    The one reading of rich text as plain text: summaries, the publish check, search and diffs all
    use it. Entities are decoded and runs of spaces become one; empty blocks are left out. A ``<br>``
    starts a new line inside its block, joined with ``line_break`` (the charter's diff, which
    compares paragraphs, passes a space).
    """
    value = (value or "").replace(_BLOCK_MARK, "").replace(_LINE_MARK, "")
    value = LINE_BREAK.sub(_LINE_MARK, BLOCK_BOUNDARY.sub(_BLOCK_MARK, value))
    text = html.unescape(strip_tags(value))
    blocks = []
    for block in text.split(_BLOCK_MARK):
        lines = (" ".join(line.split()) for line in block.split(_LINE_MARK))
        block = line_break.join(line for line in lines if line)
        if block:
            blocks.append(block)
    return blocks


def html_to_text(value):
    """Plain text of an HTML fragment, one line per block and per ``<br>``, for summaries and diffs."""
    return "\n".join(text_blocks(value))


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


# Pictures uploaded in the editor: wide enough for any page of the site (bigger ones are scaled down).
EDITOR_IMAGE_MAX_SIDE = 2400

# Uploading a picture is part of writing one of these: it needs their add or change permission.
EDITOR_MODELS = ["news.article", "association.documentversion", "members.member"]


class EditorUploadStorage(OnDefaultStorage):
    """Editor uploads go to uploads/<year>/<month>/<random>.<ext> in the default storage (folder or S3).

    Random names: the uploader's file name says nothing on the site and guesses nothing.
    Files are kept for ever: old document versions may still show them.
    """

    def save(self, name, content, max_length=None):
        name = f"uploads/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{Path(name).suffix.lower()}"
        return super().save(name, content, max_length)


def may_upload_images(user):
    """True for an active staff account that may add or change an article, a document version or a member."""
    if not (user.is_active and user.is_staff):
        return False
    return any(
        user.has_perm(f"{app}.{action}_{model}")
        for app, model in (label.split(".") for label in EDITOR_MODELS)
        for action in ("add", "change")
    )


def store_editor_image(upload):
    """Check a picture uploaded in the editor, rewrite it (``images.reencode``), store it; return its URL.

    ValidationError, with the reason in Chinese, for anything that is not a JPEG, PNG, GIF
    or WebP picture within the size and pixel limits.
    """
    extensions = settings.CKEDITOR_5_UPLOAD_FILE_TYPES
    if upload is None or Path(upload.name).suffix.lower().lstrip(".") not in extensions:
        raise ValidationError("只能上传 JPG、PNG、GIF 或 WebP 格式的图片。", code="extension")
    limit = settings.CKEDITOR_5_MAX_FILE_SIZE * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            f"图片不能超过 {filesizeformat(limit)}，此文件为 {filesizeformat(upload.size)}。请压缩后再上传。",
            code="file_too_large",
        )
    image = images.reencode(upload, max_side=EDITOR_IMAGE_MAX_SIDE)
    storage = EditorUploadStorage()
    return storage.url(storage.save(image.name, image))
