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


class _CharTable(dict):
    """Each character's normalized form ("" for a separator), computed once per character.

    Used by ``str.translate``, which runs in C and only calls back for a character not seen yet.
    """

    def __missing__(self, code):
        value = "".join(piece for piece in unicodedata.normalize("NFKC", chr(code)).lower() if not _is_separator(piece))
        self[code] = value
        return value


_TABLE = _CharTable()


def normalize(text):
    """(normalized text, index in ``text`` of each normalized character)."""
    chars, origins = [], []
    for index, char in enumerate(text):
        for piece in _TABLE[ord(char)]:
            chars.append(piece)
            origins.append(index)
    return "".join(chars), origins


def normalized(text):
    """The normalized text alone (fast: no positions)."""
    return text.translate(_TABLE)


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


def find(expressions, label, text, limit=None):
    """The hits of ``expressions`` (Expression rows, or (row, normalized term) pairs) in ``text``, in text order
    (the first ``limit`` of them, if given).

    Most texts have no hit: they are tested in their normalized form first, and only a text with a
    hit is normalized again with each character's position, to show the hit in context.
    """
    pairs = [pair if isinstance(pair, tuple) else (pair, normalized(pair.term)) for pair in expressions]
    text = text or ""
    flat = normalized(text)
    found = [(expression, term) for expression, term in pairs if term and term in flat]
    if not found:
        return []
    flat, origins = normalize(text)
    hits = []
    for expression, term in found:
        start, taken = flat.find(term), 0
        while start != -1 and (limit is None or taken < limit):
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
            start, taken = flat.find(term, start + len(term)), taken + 1
    ordered = [hit for _, hit in sorted(hits, key=lambda pair: pair[0])]
    return ordered[:limit] if limit is not None else ordered


def count(expressions, text):
    """How many hits of ``expressions`` ((row, normalized term) pairs) ``text`` has (no positions)."""
    flat = normalized(text or "")
    return sum(flat.count(term) for _, term in expressions if term)


def check_expressions(texts, expressions=None):
    """Every hit of the active expressions in ``texts``: (label, text) pairs, or plain strings.

    Returns a list of :class:`Hit`; ``[hit for hit in hits if hit.forbidden]`` blocks publishing.
    """
    from .models import Expression

    if expressions is None:
        expressions = Expression.objects.filter(active=True)
    pairs = [pair if isinstance(pair, tuple) else (pair, normalized(pair.term)) for pair in expressions]
    hits = []
    for entry in texts:
        label, text = entry if isinstance(entry, tuple) else ("", entry)
        hits += find(pairs, label, text)
    return hits


def forbidden(hits):
    return [hit for hit in hits if hit.forbidden]
