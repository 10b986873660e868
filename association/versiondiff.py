"""What changed between two versions of a document: paragraphs, then characters, then articles.

The versions are compared as text, never as HTML, and after normalizing away what
is only formatting: NFKC folds full-width punctuation and digits into their usual
forms (，→, ０→0 （→( ：→:), and spaces and line breaks are ignored. So a version
that only retypes punctuation or re-wraps lines reports no change.

Paragraphs are matched with difflib; a changed paragraph is then compared
character by character (Chinese has no spaces between words, so characters are
the unit). The result is plain data: templates render it, and escape it.
"""

import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.translation import gettext, gettext_lazy, pgettext

from . import outline

# Two paragraphs this similar (difflib ratio) are the same paragraph, changed; less is remove + add.
SAME_PARAGRAPH = 0.5
# Unchanged paragraphs shown around a change; longer runs fold away.
CONTEXT = 1
# How the comparison page labels a paragraph that changed.
PARAGRAPH_CHANGE_LABELS = {
    "changed": gettext_lazy("修改"),
    "added": gettext_lazy("新增段落"),
    "removed": gettext_lazy("删除段落"),
}
INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\xad"}


def _key(ch):
    """What a character means for the comparison ("" for whitespace, which never counts)."""
    if ch.isspace() or ch in INVISIBLE:
        return ""
    key = unicodedata.normalize("NFKC", ch)
    return "" if key.isspace() else key


def normalize(text):
    """``text`` reduced to what counts as an amendment: NFKC, without any whitespace."""
    return "".join(_key(ch) for ch in text)


@dataclass
class Segment:
    kind: str  # "equal", "insert" or "delete"
    text: str


@dataclass
class ParagraphChange:
    kind: str  # "unchanged", "added", "removed" or "changed"
    old: str = ""
    new: str = ""
    section: tuple | None = None  # the article or chapter it belongs to, see outline.paragraphs()
    segments: list = field(default_factory=list)  # for "changed": the text with insertions and deletions

    @property
    def text(self):
        return self.new if self.kind != "removed" else self.old

    @property
    def label(self):
        """What happened to the paragraph, as the comparison page labels it (nothing when unchanged)."""
        return PARAGRAPH_CHANGE_LABELS.get(self.kind, "")

    @property
    def section_label(self):
        return outline.heading_label(*self.section) if self.section else ""


def char_diff(old, new):
    """``new`` as equal/insert/delete segments against ``old``, character by character.

    Characters are compared by their normalized form and whitespace is skipped, so
    ，/, or an added space is no change; what is shown is the original text.
    """
    old_chars = [(key, i) for i, ch in enumerate(old) if (key := _key(ch))]
    new_chars = [(key, i) for i, ch in enumerate(new) if (key := _key(ch))]

    def start(chars, text, position):
        # Where the position-th counted character starts; 0 before the first, so leading spaces are kept.
        if position == 0:
            return 0
        return chars[position][1] if position < len(chars) else len(text)

    matcher = SequenceMatcher(None, [k for k, _ in old_chars], [k for k, _ in new_chars], autojunk=False)
    segments = []

    def add(kind, text):
        if not text:
            return
        if segments and segments[-1].kind == kind:
            segments[-1].text += text
        else:
            segments.append(Segment(kind, text))

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            add("delete", old[start(old_chars, old, i1) : start(old_chars, old, i2)])
        if op == "equal":
            add("equal", new[start(new_chars, new, j1) : start(new_chars, new, j2)])
        elif op in ("insert", "replace"):
            add("insert", new[start(new_chars, new, j1) : start(new_chars, new, j2)])
    return segments


def _similarity(a, b):
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SAME_PARAGRAPH or matcher.quick_ratio() < SAME_PARAGRAPH:
        return 0.0
    return matcher.ratio()


@dataclass
class Comparison:
    """Two versions compared: each paragraph's change, the counts, and a summary by article."""

    paragraphs: list
    summary: str = ""

    @property
    def changed(self):
        return [p for p in self.paragraphs if p.kind != "unchanged"]

    @property
    def has_changes(self):
        return bool(self.changed)

    def count(self, kind):
        return sum(1 for p in self.paragraphs if p.kind == kind)

    @property
    def counts(self):
        return {kind: self.count(kind) for kind in ("changed", "added", "removed")}

    def display(self, context=CONTEXT):
        """[(kind, paragraphs)]: ("paragraph", [p]) near a change, ("fold", [...]) for long unchanged runs."""
        keep = set()
        for index, paragraph in enumerate(self.paragraphs):
            if paragraph.kind != "unchanged":
                keep.update(range(index - context, index + context + 1))
        items, folded = [], []
        for index, paragraph in enumerate(self.paragraphs):
            if index in keep:
                if folded:
                    items.append(("fold", folded))
                    folded = []
                items.append(("paragraph", [paragraph]))
            else:
                folded.append(paragraph)
        if folded:
            items.append(("fold", folded))
        return items


def compare(old_body, new_body):
    """Compare two HTML bodies paragraph by paragraph (see the module docstring)."""
    old = outline.paragraphs(old_body)
    new = outline.paragraphs(new_body)
    old_keys = [normalize(text) for _, text in old]
    new_keys = [normalize(text) for _, text in new]
    result = []

    def removed(i):
        result.append(ParagraphChange("removed", old=old[i][1], section=old[i][0]))

    def added(j):
        result.append(ParagraphChange("added", new=new[j][1], section=new[j][0]))

    def pair(olo, ohi, nlo, nhi):
        # Like difflib.Differ's fancy replace: anchor on the most similar pair, recurse on both sides.
        best, best_i, best_j = SAME_PARAGRAPH, None, None
        for j in range(nlo, nhi):
            for i in range(olo, ohi):
                score = _similarity(old_keys[i], new_keys[j])
                if score > best:
                    best, best_i, best_j = score, i, j
        if best_i is None:
            for i in range(olo, ohi):
                removed(i)
            for j in range(nlo, nhi):
                added(j)
            return
        pair(olo, best_i, nlo, best_j)
        result.append(
            ParagraphChange(
                "changed",
                old=old[best_i][1],
                new=new[best_j][1],
                section=new[best_j][0],
                segments=char_diff(old[best_i][1], new[best_j][1]),
            )
        )
        pair(best_i + 1, ohi, best_j + 1, nhi)

    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                result.append(ParagraphChange("unchanged", old=old[i][1], new=new[j][1], section=new[j][0]))
        else:
            pair(i1, i2, j1, j2)
    return Comparison(paragraphs=result, summary=summarize(old_body, new_body))


def _section_texts(body):
    return {section: normalize("".join(texts)) for section, texts in outline.sections(body).items()}


def _label(section):
    if section is None:
        return gettext("开头部分")
    kind, number = section
    label = outline.heading_label(kind, number)
    return gettext("%(chapter)s章名") % {"chapter": label} if kind == "zhang" else label


def summarize(old_body, new_body):
    """修改了第五条；新增了第八条；删除了第九条 — for documents with articles, else "".

    Derived from both versions' outlines: an article whose text differs (after
    normalizing) is 修改, one only in the new version 新增, one only in the old 删除.
    """
    old, new = _section_texts(old_body), _section_texts(new_body)
    if not any(s and s[0] == "tiao" for s in (*old, *new)):
        return ""

    def order(section):
        return (0, False, 0) if section is None else (1, section[0] == "tiao", section[1])

    def labels(sections):
        # The opening text first, then chapters (their names), then articles, each by number.
        return pgettext("list separator", "、").join(_label(s) for s in sorted(sections, key=order))

    changed = [s for s in new if s in old and new[s] != old[s]]
    added = [s for s in new if s not in old]
    removed = [s for s in old if s not in new]
    parts = []
    if changed:
        parts.append(gettext("修改了%(articles)s") % {"articles": labels(changed)})
    if added:
        parts.append(gettext("新增了%(articles)s") % {"articles": labels(added)})
    if removed:
        parts.append(gettext("删除了%(articles)s") % {"articles": labels(removed)})
    return pgettext("clause separator", "；").join(parts)


# How the history page says what a version did to an article (see article_changes).
ARTICLE_CHANGE_LABELS = {
    "added": gettext_lazy("新增了这一条"),
    "changed": gettext_lazy("修改了这一条"),
    "removed": gettext_lazy("删除了这一条"),
}
FIRST_TEXT_LABEL = gettext_lazy("最初的文本")


def article_changes(versions, number, kind="tiao"):
    """The versions in which one article changed: [(version, "added"|"changed"|"removed")].

    ``versions`` are (version, body) pairs, oldest first; the first version that has
    the article counts as "added" (for the first version of all: where it comes from).
    """
    changes = []
    previous = None
    for version, body in versions:
        texts = _section_texts(body)
        current = texts.get((kind, number))
        if current is not None and previous is None:
            changes.append((version, "added"))
        elif current is None and previous is not None:
            changes.append((version, "removed"))
        elif current is not None and current != previous:
            changes.append((version, "changed"))
        previous = current
    return changes
