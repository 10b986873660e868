"""敏感词与规范表述: finding staff-listed expressions in a text, however it is typed.

A term matches whatever the width of its letters (ＡＢＣ, ａｂｃ), their case, and whatever spaces
or punctuation someone put inside it (“湖 南·省”): texts and terms are compared in a normalized
form (NFKC, lower case, without separators), and each hit is mapped back to the original text
to show it in context. ``check_expressions(texts)`` is the one entry point (the attachments app
calls it with file names).
"""

import unicodedata
from dataclasses import dataclass

# Characters shown on each side of a hit.
CONTEXT_CHARS = 20


def _is_separator(char):
    """Spaces, punctuation and symbols: what may be typed inside a term without changing it."""
    return unicodedata.category(char)[0] in "ZPSC"


def normalize(text):
    """(normalized text, index in ``text`` of each normalized character)."""
    chars, origins = [], []
    for index, char in enumerate(text):
        for piece in unicodedata.normalize("NFKC", char).lower():
            if not _is_separator(piece):
                chars.append(piece)
                origins.append(index)
    return "".join(chars), origins


@dataclass(frozen=True)
class Hit:
    """One occurrence of an expression in a text (``label`` says which text: 标题, 正文…)."""

    label: str
    term: str
    kind: str
    suggestion: str
    note: str
    found: str
    before: str
    after: str

    @property
    def forbidden(self):
        from .models import Expression

        return self.kind == Expression.Kind.FORBIDDEN


def find(expressions, label, text):
    """The hits of ``expressions`` (Expression rows) in ``text``, in text order."""
    normalized, origins = normalize(text or "")
    hits = []
    for expression in expressions:
        term, _ = normalize(expression.term)
        if not term:
            continue
        start = normalized.find(term)
        while start != -1:
            first, last = origins[start], origins[start + len(term) - 1] + 1
            hits.append(
                (
                    first,
                    Hit(
                        label=label,
                        term=expression.term,
                        kind=expression.kind,
                        suggestion=expression.suggestion,
                        note=expression.note,
                        found=text[first:last],
                        before=text[max(0, first - CONTEXT_CHARS) : first],
                        after=text[last : last + CONTEXT_CHARS],
                    ),
                )
            )
            start = normalized.find(term, start + len(term))
    return [hit for _, hit in sorted(hits, key=lambda pair: pair[0])]


def check_expressions(texts, expressions=None):
    """Every hit of the active expressions in ``texts``: (label, text) pairs, or plain strings.

    Returns a list of :class:`Hit`; ``[hit for hit in hits if hit.forbidden]`` blocks publishing.
    """
    from .models import Expression

    if expressions is None:
        expressions = list(Expression.objects.filter(active=True))
    hits = []
    for entry in texts:
        label, text = entry if isinstance(entry, tuple) else ("", entry)
        hits += find(expressions, label, text)
    return hits


def forbidden(hits):
    return [hit for hit in hits if hit.forbidden]
