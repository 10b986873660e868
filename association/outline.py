"""The outline of a document: its chapters (第X章) and articles (第X条), with stable anchors.

A charter is stored as rich text; nothing in it marks the articles. This module
finds them in the text, so staff keep writing plain paragraphs:

- a paragraph that starts with 第X章 or 第X条 is a heading;
- an article may also start inside a paragraph (the original charter has
  "…协调服务。 第七条  协会的业务范围是…" in one paragraph): after a sentence end,
  followed by a space, and numbered next in sequence (so a reference such as
  "依照本章程第七条" is never taken for an article);
- numbers are Chinese numerals of any size (十, 二十一, 一百零五, 〇/零) or digits.

An anchor comes from the number (``zhang-2``, ``tiao-5``), so a link to 第五条 works
on every version of the text. Rendering never changes the stored HTML: it returns
a copy in which each heading carries its anchor, and an article that started
mid-paragraph begins a paragraph of its own.
"""

import html
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext

from richtext.text import text_blocks

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_DIGITS = "零一二三四五六七八九"

KINDS = {"章": "zhang", "条": "tiao"}
NUMERAL = r"[零〇一二两三四五六七八九十百千]+|[0-9０-９]+"
SPACE = r"[\s\u3000]"
# A heading at the start of a paragraph (after any spaces).
HEADING_AT_START = re.compile(rf"^{SPACE}*(第({NUMERAL})([章条]))")
# A heading inside a paragraph: after a sentence end, and followed by a space.
HEADING_INLINE = re.compile(rf"(?<=[。；！？;!?]){SPACE}*(第({NUMERAL})([章条])){SPACE}")

# Blocks that may hold a heading in the rendered HTML (the sanitizer allows no nesting of these).
BLOCK = re.compile(r"<(p|h[2-6])(\s[^>]*)?>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
TOKEN = re.compile(r"<[^>]*>|&(?:#\d+|#[xX][0-9a-fA-F]+|\w+);|[^<&]+|[<&]")
TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)")
VOID_TAGS = {"br", "img", "hr", "wbr", "col"}
EXCERPT_LENGTH = 16


def parse_numeral(text):
    """The number written as ``text``: 十一 → 11, 一百零五 → 105, 二〇 → 20, 12 → 12; None if it is not one."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    if not text or any(ch not in DIGITS and ch not in UNITS for ch in text):
        return None
    if not any(ch in UNITS for ch in text):
        # Digit by digit, as in 一〇五.
        return int("".join(str(DIGITS[ch]) for ch in text))
    total = current = 0
    for ch in text:
        if ch in DIGITS:
            current = DIGITS[ch]
        else:
            total += (current or 1) * UNITS[ch]
            current = 0
    return total + current


def chinese_numeral(number):
    """The usual Chinese way to write ``number`` (1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五)."""
    if number < 10:
        return CHINESE_DIGITS[number]
    if number >= 10000:
        return str(number)
    parts = []
    pending_zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // unit % 10
        if digit == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        parts.append(("" if (unit == 10 and digit == 1 and not parts) else CHINESE_DIGITS[digit]) + name)
    return "".join(parts)


def heading_label(kind, number):
    """第五条 for ("tiao", 5), 第二章 for ("zhang", 2)."""
    return f"第{chinese_numeral(number)}{'章' if kind == 'zhang' else '条'}"


@dataclass
class Heading:
    kind: str  # "zhang" (章) or "tiao" (条)
    number: int
    label: str  # as written, e.g. 第五条
    title: str = ""  # a chapter's name, or the first words of an article
    anchor: str = ""
    articles: list = field(default_factory=list)  # a chapter's articles, for the table of contents

    @property
    def is_chapter(self):
        return self.kind == "zhang"


class _Sequence:
    """Remembers the last chapter and article numbers, for the inline-heading rule and unique anchors."""

    def __init__(self):
        self.last = {"zhang": 0, "tiao": 0}
        self.anchors = set()

    def heading(self, match, inline):
        kind, number = KINDS[match.group(3)], parse_numeral(match.group(2))
        if number is None or (inline and number != self.last[kind] + 1):
            return None
        self.last[kind] = number
        anchor = f"{kind}-{number}"
        suffix = 2
        while anchor in self.anchors:  # the same number twice (a typo): keep anchors unique
            anchor = f"{kind}-{number}-{suffix}"
            suffix += 1
        self.anchors.add(anchor)
        return Heading(kind, number, match.group(1), anchor=anchor)

    def split(self, text):
        """[(heading or None, start, label_start, label_end)] for each part of a paragraph's text."""
        start = HEADING_AT_START.match(text)
        heading = start and self.heading(start, inline=False)
        parts = [(heading, 0, start.start(1), start.end(1)) if heading else (None, 0, 0, 0)]
        for match in HEADING_INLINE.finditer(text):
            heading = self.heading(match, inline=True)
            if heading:
                parts.append((heading, match.start(1), match.start(1), match.end(1)))
        for index, (heading, _, _, label_end) in enumerate(parts):
            if heading:
                end = parts[index + 1][1] if index + 1 < len(parts) else len(text)
                words = " ".join(text[label_end:end].split())
                if not heading.is_chapter and len(words) > EXCERPT_LENGTH:
                    words = words[:EXCERPT_LENGTH] + "…"
                heading.title = words
        return parts


def _text_with_offsets(fragment):
    """The text of an HTML fragment and, for each character, the offset in ``fragment`` where it starts."""
    chars, offsets = [], []
    for token in TOKEN.finditer(fragment):
        value = token.group()
        if value.startswith("<") and len(value) > 1:
            continue
        decoded = html.unescape(value)
        for i, ch in enumerate(decoded):
            chars.append(ch)
            # A run of plain characters maps one to one; an entity maps to where it starts.
            offsets.append(token.start() + (i if decoded == value else 0))
    return "".join(chars), offsets


def _open_tags(fragment):
    """The inline tags still open at the end of ``fragment``, as written (to close and reopen them)."""
    stack = []
    for token in re.finditer(r"<[^>]*>", fragment):
        match = TAG_NAME.match(token.group())
        if not match or token.group().endswith("/>"):
            continue
        closing, name = match.group(1), match.group(2).lower()
        if name in VOID_TAGS:
            continue
        if closing:
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == name:
                    del stack[i:]
                    break
        else:
            stack.append((name, token.group()))
    return stack


def _with_attributes(attrs, anchor, css_class):
    attrs = attrs or ""
    if re.search(r'\sclass="', attrs):
        attrs = re.sub(r'\sclass="', f' class="{css_class} ', attrs, count=1)
    else:
        attrs += f' class="{css_class}"'
    return f' id="{anchor}"{attrs}'


def _permalink(heading):
    title = gettext("本条的链接，可复制分享")
    label = gettext("%(article)s的链接") % {"article": heading.label}
    return f'<a class="clause-link" href="#{heading.anchor}" title="{title}" aria-label="{label}">¶</a>'


@dataclass
class Outline:
    """What :func:`build` finds in a body: its headings, a table of contents and the anchored HTML."""

    headings: list
    html: str

    @property
    def toc(self):
        """Chapters with their articles (articles before any chapter come first, on their own)."""
        entries, chapter = [], None
        for heading in self.headings:
            if heading.is_chapter:
                chapter = Heading(heading.kind, heading.number, heading.label, heading.title, heading.anchor)
                entries.append(chapter)
            elif chapter is not None:
                chapter.articles.append(heading)
            else:
                entries.append(heading)
        return entries

    @property
    def articles(self):
        return [heading for heading in self.headings if not heading.is_chapter]

    def __bool__(self):
        return bool(self.headings)


def build(body):
    """The outline of an HTML body, and the body with anchors (the stored HTML is not changed).

    Each heading paragraph gets ``id="zhang-N"``/``id="tiao-N"``; an article that
    starts inside a paragraph is split off into a paragraph of its own (inline tags
    open at that point are closed and reopened); each article gets a ``¶`` link to itself.
    """
    sequence = _Sequence()
    headings = []

    def render(block):
        tag, attrs, inner = block.group(1), block.group(2) or "", block.group(3)
        text, offsets = _text_with_offsets(inner)
        parts = sequence.split(text)
        if len(parts) == 1 and parts[0][0] is None:
            return block.group(0)
        pieces = []
        for index, (heading, start, label_start, label_end) in enumerate(parts):
            html_start = 0 if index == 0 else offsets[start]
            html_end = offsets[parts[index + 1][1]] if index + 1 < len(parts) else len(inner)
            piece = inner[html_start:html_end]
            reopen = "".join(tag_text for _, tag_text in _open_tags(inner[:html_start]))
            close = "".join(f"</{name}>" for name, _ in reversed(_open_tags(inner[:html_end])))
            if heading is None:
                pieces.append(f"<{tag}{attrs}>{reopen}{piece}{close}</{tag}>")
                continue
            headings.append(heading)
            if heading.kind == "tiao":
                # The label (第五条) is set off, unless markup runs through it; the ¶ link follows it.
                begin = offsets[label_start] - html_start
                end = offsets[label_end - 1] + 1 - html_start
                if "<" in piece[begin:end]:
                    end = (offsets[label_end] if label_end < len(offsets) else len(inner)) - html_start
                    piece = piece[:end] + _permalink(heading) + piece[end:]
                else:
                    label = f'<span class="clause-label">{piece[begin:end]}</span>{_permalink(heading)}'
                    piece = piece[:begin] + label + piece[end:]
            css_class = "outline-chapter" if heading.is_chapter else "outline-article"
            pieces.append(
                f"<{tag}{_with_attributes(attrs, heading.anchor, css_class)}>{reopen}{piece.rstrip()}{close}</{tag}>"
            )
        return "".join(pieces)

    anchored = BLOCK.sub(render, body or "")
    return Outline(headings=headings, html=anchored)


def paragraphs(body):
    """[(section, text)] for each paragraph of the body, an inline article split off as its own paragraph.

    ``section`` is the chapter or article the paragraph belongs to, as ("zhang"|"tiao", number),
    or None before the first heading.
    """
    sequence = _Sequence()
    result = []
    section = None
    for text in text_blocks(body, line_break=" "):
        parts = sequence.split(text)
        for index, (heading, start, _, _) in enumerate(parts):
            end = parts[index + 1][1] if index + 1 < len(parts) else len(text)
            if heading is not None:
                section = (heading.kind, heading.number)
            piece = text[start:end].strip()
            if piece:
                result.append((section, piece))
    return result


def sections(body):
    """{section: [paragraph texts]} in document order; see :func:`paragraphs` for the keys."""
    result = {}
    for section, text in paragraphs(body):
        result.setdefault(section, []).append(text)
    return result
