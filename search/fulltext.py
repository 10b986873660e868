"""Chinese full-text search: one query cleaner, one tokenizer, one index, one snippet builder.

Chinese has no spaces and no PostgreSQL or SQLite segmenter is packaged for us, so
every searchable model keeps a ``search_tokens`` column, computed in Python on save
(``refresh_search_tokens()``): each run of CJK characters gives its overlapping
bigrams and its single characters (长沙高新 → 长沙 沙高 高新 长 沙 高 新), every other
word its NFKC, case-folded form. A title's tokens (an article's title, a member's
names) are stored a second time with a mark (ǂ长沙), so that the index also answers
"is it in the title". The English edition of a record (``title_en``, ``body_en``…) is stored in
the same column with another mark (ǁinvestment, ǂǁinvestment in an English title), so that
an English page's search (a query parsed with English active) matches only English text and
a Chinese page's only Chinese text. The column is indexed:

- PostgreSQL: a GIN index on ``to_tsvector('simple', search_tokens)``;
- SQLite: an FTS5 table ``<table>_search`` (external content, no positions) kept in
  sync by triggers, so ``bulk_create``/``update`` and raw SQL are caught too.

A query is cleaned (:func:`clean_query`) and split into words on spaces; a word
matches a text when every bigram of it (its character for a one-character word,
the word itself, as a prefix, for Latin letters and digits) is among the text's
tokens. Every word must match, in any order. Results rank: the phrase as typed in
the title, then every word in the title, then the phrase as typed (its words
adjacent) in the text, then scattered words; within a rank each model's own order
(newest first for news). Matching and ranking read only the index, never a row's
text: "the phrase" is the bigram joining two typed words (长沙 创新 → 沙创), so a word
of three or more characters whose bigrams all occur apart still matches; its snippet
then marks the bigrams.

Anything that writes ``search_tokens``-relevant fields without ``save()`` (a bulk
import with ``bulk_create`` or ``update``) must call ``refresh_search_tokens()`` on
each object first; ``manage.py rebuild_search_index`` recomputes every row.
"""

import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, NotSupportedError, connections, transaction
from django.db.migrations.operations.base import Operation
from django.db.models import BooleanField, Case, Expression, F, IntegerField, Value, When
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from richtext.text import html_to_text

MAX_QUERY_LENGTH = 100
MAX_WORDS = 10
MAX_WORD_TOKEN_LENGTH = 60  # longer "words" (hashes, base64) are not indexed
TOKENS_FIELD = "search_tokens"
SNIPPET_BEFORE = 30
SNIPPET_AFTER = 90

# Han (with extensions and compatibility ideographs), kana, Hangul: scripts written without spaces.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
RUN = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<word>[^\W_{CJK}]+)")
DROPPED_CATEGORIES = ("P", "S", "C", "Z")  # punctuation, symbols, control/format, separators
# Marks title tokens (ǂ长沙): a letter both index tokenizers keep inside a word, and that no Chinese
# or English text uses; it is dropped from queries and texts.
TITLE_MARK = "ǂ"
# Marks the tokens of English text (the same kind of letter, for the same reasons).
ENGLISH_MARK = "ǁ"
MARKS = (TITLE_MARK, ENGLISH_MARK)


def normalize(text):
    """NFKC and case-folded: full-width and half-width forms and letter case compare equal."""
    text = text or ""
    # The quick check is microseconds where NFKC itself takes milliseconds on a long Chinese text.
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.casefold()


def clean_query(raw):
    """The words a visitor searched for: normalized, punctuation and symbols dropped, bounded.

    The one query cleaner of the site (site search and the member directory). Returns the
    words joined by single spaces, at most ``MAX_WORDS`` words and ``MAX_QUERY_LENGTH``
    characters; "" when nothing searchable is left.
    """
    text = normalize(raw)
    text = "".join(" " if unicodedata.category(ch).startswith(DROPPED_CATEGORIES) else ch for ch in text)
    for mark in MARKS:
        text = text.replace(mark, " ")
    words = text[: MAX_QUERY_LENGTH * 2].split()[:MAX_WORDS]
    return " ".join(words)[:MAX_QUERY_LENGTH].strip()


def _runs(text):
    """(is_cjk, run) for each run of CJK characters or of other letters and digits in normalized text."""
    for match in RUN.finditer(text):
        yield (True, match.group("cjk")) if match.group("cjk") else (False, match.group("word"))


def _text_tokens(text, seen, mark=""):
    text = normalize(text)
    for each in MARKS:
        text = text.replace(each, " ")
    for is_cjk, run in _runs(text):
        if is_cjk:
            for index in range(len(run)):
                seen.setdefault(mark + (run[index : index + 2] if index + 1 < len(run) else run[index]), None)
            for char in run:
                seen.setdefault(mark + char, None)
        elif len(run) <= MAX_WORD_TOKEN_LENGTH:
            seen.setdefault(mark + run, None)


def tokens(*texts, titles=(), english=(), english_titles=()):
    """The index tokens of some plain texts, each once, in order of first appearance.

    The tokens of ``titles`` come twice: as they are, and marked with ``TITLE_MARK`` so that
    "the words are in the title" is a question the index answers too. The English edition's
    texts and titles come the same way, all marked with ``ENGLISH_MARK``.
    """
    seen = {}
    for title in titles:
        _text_tokens(title, seen, mark=TITLE_MARK)
    for text in (*titles, *texts):
        _text_tokens(text, seen)
    for title in english_titles:
        _text_tokens(title, seen, mark=TITLE_MARK + ENGLISH_MARK)
    for text in (*english_titles, *english):
        _text_tokens(text, seen, mark=ENGLISH_MARK)
    return list(seen)


def index_text(*texts, titles=(), english=(), english_titles=()):
    """The value of a ``search_tokens`` column: ``titles`` (title, name…) and other plain ``texts``,
    and the English edition's ``english_titles`` and ``english`` texts (see :func:`tokens`)."""
    return " ".join(tokens(*texts, titles=titles, english=english, english_titles=english_titles))


@dataclass(frozen=True)
class Term:
    """One index token a match needs; ``prefix`` for Latin words (搜 hnd finds hndza)."""

    text: str
    prefix: bool = False

    def in_title(self):
        return Term(TITLE_MARK + self.text, self.prefix)

    def in_english(self):
        return Term(ENGLISH_MARK + self.text, self.prefix)

    @property
    def plain(self):
        """The term as it is written in a text (without the index's marks), for finding it there."""
        return self.text.lstrip("".join(MARKS))


def _word_terms(word):
    terms = []
    for is_cjk, run in _runs(word):
        if not is_cjk:
            terms.append(Term(run[:MAX_WORD_TOKEN_LENGTH], prefix=True))
        elif len(run) == 1:
            terms.append(Term(run))
        else:
            terms.extend(Term(run[index : index + 2]) for index in range(len(run) - 1))
    return terms


@dataclass(frozen=True)
class Query:
    """A cleaned query: its words, the terms every match needs and the terms of the phrase as typed.

    ``english``: it searches the English edition of each record (an English page's search).
    """

    text: str
    english: bool = False

    def _terms(self, word):
        terms = _word_terms(word)
        return [term.in_english() for term in terms] if self.english else terms

    @property
    def words(self):
        return self.text.split()

    @property
    def terms(self):
        """Every term of every word (a match needs all of them), each once."""
        return tuple(dict.fromkeys(term for word in self.words for term in self._terms(word)))

    @property
    def phrase(self):
        """The phrase as typed: CJK words joined directly (Chinese has no spaces), others by a space."""
        phrase = ""
        for word in self.words:
            joined = phrase and re.match(rf"[{CJK}]", word) and re.search(rf"[{CJK}]$", phrase)
            phrase += word if not phrase or joined else " " + word
        return phrase

    @property
    def phrase_terms(self):
        """The bigrams that join adjacent CJK words (长沙 创新 → 沙创): present only where the phrase is."""
        return tuple(term for term in self._terms(self.phrase) if term not in self.terms)

    def __bool__(self):
        return bool(self.text)


def parse(raw, english=None):
    """The :class:`Query` for what a visitor typed: in the page's language unless ``english`` says."""
    if english is None:
        english = translation.get_language() == "en"
    return Query(clean_query(raw), english=english)


# --- The index ---------------------------------------------------------------------------------------


def fts_table(db_table):
    return f"{db_table}_search"


class IndexMatch(Expression):
    """True for rows whose ``search_tokens`` hold every one of ``terms`` (answered by the index).

    It is always evaluated as ``pk IN (keys the index finds)``: the index is asked once and the
    keys hashed, no row's tokens are read. (``as_set`` is kept for the rank expressions' sake.)
    On PostgreSQL run the queries inside :func:`index_scans`.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, terms, as_set=False):
        super().__init__()
        self.terms, self.as_set = tuple(terms), as_set
        self.pk, self.tokens = F("pk"), F(TOKENS_FIELD)

    def __repr__(self):
        return f"{self.__class__.__name__}({self.terms!r}, as_set={self.as_set})"

    def get_source_expressions(self):
        return [self.pk, self.tokens]

    def set_source_expressions(self, exprs):
        self.pk, self.tokens = exprs

    def as_sql(self, compiler, connection):
        raise NotSupportedError("Site search needs PostgreSQL or SQLite.")

    def as_postgresql(self, compiler, connection):
        # Always a set of keys from the index, never the condition on each row: PostgreSQL does not
        # count the cost of parsing a row's tokens (a TOASTed text of several KB), so with most rows
        # matching it would parse all of them (seconds at 10,000 articles) instead of asking the GIN
        # index (milliseconds). The same function and configuration as the index expression.
        query = " & ".join(_quoted(term, "'", ":*") for term in self.terms)
        condition = "to_tsvector('simple'::regconfig, {}) @@ to_tsquery('simple'::regconfig, %s)"
        pk_sql, params = compiler.compile(self.pk)
        quote = connection.ops.quote_name
        table, pk_column = self.pk.target.model._meta.db_table, self.pk.target.column
        inner = condition.format(quote(TOKENS_FIELD))
        # The table and column names are ours, not the visitor's; the query is a parameter.
        return f"{pk_sql} IN (SELECT {quote(pk_column)} FROM {quote(table)} WHERE {inner})", (*params, query)  # noqa: S608

    def as_sqlite(self, compiler, connection):
        pk_sql, params = compiler.compile(self.pk)
        table = connection.ops.quote_name(fts_table(self.tokens.target.model._meta.db_table))
        query = " AND ".join(_quoted(term, '"', "*") for term in self.terms)
        return f"{pk_sql} IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)", (*params, query)  # noqa: S608


@contextmanager
def index_scans(using=DEFAULT_DB_ALIAS):
    """Within this block PostgreSQL answers searches from the GIN index, not by reading every row.

    Its planner thinks a sequential scan that evaluates ``to_tsvector()`` on each row is cheaper
    when most rows match (it does not count de-TOASTing and parsing several KB per row): 14 s
    instead of 16 ms for a common word over 10,000 articles. ``SET LOCAL`` lasts until the end
    of the transaction this opens. Elsewhere a no-op.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        yield


def _quoted(term, quote, prefix_mark):
    """A term in the index's query syntax: quoted (quotes doubled), with its prefix mark if any."""
    text = term.text.replace(quote, quote * 2)
    return f"{quote}{text}{quote}{prefix_mark if term.prefix else ''}"


def search(queryset, raw_query):
    """``queryset`` narrowed to rows matching every word of the query, annotated with their rank.

    ``search_rank`` (smaller is better): 0 the phrase as typed in the title, 1 every word in the
    title, 2 the phrase in the text, 3 the words scattered. The caller orders by it first. Each
    rank is a set of keys the index finds (no row is read to rank it: on SQLite a page of a 20 KB
    article costs a disk page per row). An empty query (only punctuation, say) matches nothing.
    """
    query = raw_query if isinstance(raw_query, Query) else parse(raw_query)
    if not query:
        return queryset.none()
    title_terms = tuple(term.in_title() for term in query.terms)
    whens = []
    if query.phrase_terms:
        title_phrase = title_terms + tuple(term.in_title() for term in query.phrase_terms)
        whens.append(When(IndexMatch(title_phrase, as_set=True), then=Value(0)))
    whens.append(When(IndexMatch(title_terms, as_set=True), then=Value(1)))
    if query.phrase_terms:
        whens.append(When(IndexMatch(query.terms + query.phrase_terms, as_set=True), then=Value(2)))
    else:
        # One word (or no CJK junction): every match has the phrase, as far as the index knows.
        whens.append(When(pk__isnull=False, then=Value(2)))
    rank = Case(*whens, default=Value(3), output_field=IntegerField())
    return queryset.filter(IndexMatch(query.terms)).annotate(search_rank=rank)


# --- Index upkeep: created by the migrations, re-created after every migrate -----------------------------


# Every name below is a model's table, never input; hence the noqa for string-built SQL.


def _sqlite_rebuild(cursor, table):
    fts = fts_table(table)
    cursor.execute(f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')')  # noqa: S608


def _sqlite_statements(table):
    fts = fts_table(table)
    q = '"{}"'.format
    insert = f"INSERT INTO {q(fts)}(rowid, {TOKENS_FIELD}) VALUES (new.id, new.{TOKENS_FIELD});"  # noqa: S608
    delete = f"INSERT INTO {q(fts)}({q(fts)}, rowid, {TOKENS_FIELD}) VALUES ('delete', old.id, old.{TOKENS_FIELD});"  # noqa: S608
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {q(fts)} USING fts5({TOKENS_FIELD}, content={q(table)}, "
        "content_rowid='id', detail=none, tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* Co M*'\")",
        f"CREATE TRIGGER IF NOT EXISTS {q(fts + '_insert')} AFTER INSERT ON {q(table)} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {q(fts + '_delete')} AFTER DELETE ON {q(table)} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {q(fts + '_update')} AFTER UPDATE OF {TOKENS_FIELD} ON {q(table)} "
        f"BEGIN {delete} {insert} END",
    ]


def install_index(connection, table):
    """Create the search index of ``table`` if it is missing; True if anything was created.

    Idempotent. On SQLite a migration that rebuilds the table (Django does that to alter a
    column) drops its triggers: installing again re-creates them and re-reads every row.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = %s", [f"{table}_search"]
            )
            if cursor.fetchone():
                return False
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{table}_search" ON "{table}" '
                f"USING gin (to_tsvector('simple'::regconfig, {TOKENS_FIELD}))"
            )
            return True
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE tbl_name = %s AND type = 'trigger' AND name LIKE %s",
                [table, f"{fts_table(table)}_%"],
            )
            if cursor.fetchone()[0] == 3:
                return False
            for statement in _sqlite_statements(table):
                cursor.execute(statement)
            _sqlite_rebuild(cursor, table)
            return True
    return False


def drop_index(connection, table):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f'DROP INDEX IF EXISTS "{table}_search"')
        elif connection.vendor == "sqlite":
            for suffix in ("_insert", "_delete", "_update"):
                cursor.execute(f'DROP TRIGGER IF EXISTS "{fts_table(table)}{suffix}"')
            cursor.execute(f'DROP TABLE IF EXISTS "{fts_table(table)}"')


def rebuild_index(connection, table):
    """Make the index match the ``search_tokens`` column again (after a raw change to the table)."""
    if connection.vendor == "sqlite":
        install_index(connection, table)
        with connection.cursor() as cursor:
            _sqlite_rebuild(cursor, table)
    elif connection.vendor == "postgresql":
        install_index(connection, table)
        with connection.cursor() as cursor:
            cursor.execute(f'REINDEX INDEX "{table}_search"')


class CreateSearchIndex(Operation):
    """Migration operation: the search index of a model's table (see :func:`install_index`)."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, model_name):
        self.model_name = model_name

    def deconstruct(self):
        return self.__class__.__qualname__, [self.model_name], {}

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        install_index(schema_editor.connection, model._meta.db_table)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        drop_index(schema_editor.connection, model._meta.db_table)

    def describe(self):
        return f"Create the full-text search index of {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_search_index"


def searchable_models():
    """Every model with a search index (it has a ``search_tokens`` field and ``refresh_search_tokens()``)."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if hasattr(model, "refresh_search_tokens") and any(f.name == TOKENS_FIELD for f in model._meta.fields)
    ]


def ensure_indexes(using="default", **kwargs):
    """post_migrate: re-create any search index a migration dropped (see :func:`install_index`)."""
    from django.db import connections

    connection = connections[using]
    existing = set(connection.introspection.table_names())
    for model in searchable_models():
        table = model._meta.db_table
        if table in existing and TOKENS_FIELD in {
            column.name for column in connection.introspection.get_table_description(connection.cursor(), table)
        }:
            install_index(connection, table)


# --- Snippets ----------------------------------------------------------------------------------------------


def _normalized_with_offsets(text):
    """``text`` normalized, and for each normalized character the index of the original one."""
    normalized = normalize(text)
    if len(normalized) == len(text):
        return normalized, range(len(text))  # the usual case: character for character
    chars, offsets = [], []
    for index, char in enumerate(text):
        for piece in char.lower() if char.isascii() else normalize(char):
            chars.append(piece)
            offsets.append(index)
    return "".join(chars), offsets


def _hits(text, words):
    """Sorted, merged (start, end) spans of ``text`` where any of ``words`` occurs (normalized match)."""
    normalized, offsets = _normalized_with_offsets(text)
    spans = []
    for word in words:
        start = normalized.find(word)
        while word and start >= 0:
            end = start + len(word)
            spans.append((offsets[start], offsets[end - 1] + 1))
            start = normalized.find(word, end)
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text, query):
    """``text`` escaped, with the query's words marked ``<mark>``."""
    query = query if isinstance(query, Query) else parse(query)
    text = text or ""
    spans = _hits(text, query.words) if query else []
    pieces, position = [], 0
    for start, end in spans:
        pieces.append(escape(text[position:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 (every piece is escaped above)


def _first_hit(searched_html, body, candidates):
    """(text, candidate): the plain text around the first occurrence of a candidate outside the markup.

    ``searched_html`` is ``body`` case-folded or normalized (positions may shift slightly;
    the window is wide enough for that). The text returned is cut to about the excerpt's size.
    """
    for candidate in candidates:
        position = searched_html.find(candidate)
        tries = 0
        while position >= 0 and tries < 20:
            start, stop = max(0, position - 200), position + len(candidate) + 400
            window = body[start:stop]
            closing = window.find(">")
            if start and closing >= 0 and "<" not in window[:closing]:
                window = window[closing + 1 :]  # began inside a tag
            opening = window.rfind("<")
            if opening >= 0 and ">" not in window[opening:]:
                window = window[:opening]  # ends inside a tag
            text = " ".join(html_to_text(window).split())
            index = text.casefold().find(candidate)
            if index < 0:
                index = normalize(text).find(candidate)
            if index >= 0:
                first = max(0, index - SNIPPET_BEFORE - 5)
                return text[first : index + len(candidate) + SNIPPET_AFTER + 5], candidate
            position = searched_html.find(candidate, position + 1)
            tries += 1
    return None, None


def snippet(body, query, is_html=True):
    """A short escaped excerpt of ``body`` around the first hit of the query, its words marked ``<mark>``.

    Never the body's markup: for HTML only the text of a window around the hit is taken
    (a 20 KB article is not converted whole for each result). Without a hit, the opening text.
    """
    query = query if isinstance(query, Query) else parse(query)
    body = body or ""
    text = found = None
    if query:
        candidates = query.words + [term.plain for term in query.terms]
        if is_html:
            # Case-folding the whole body is cheap, NFKC is not (milliseconds for 20 KB of Chinese):
            # only when the words are not found as they are (full-width Latin in the body, say).
            text, found = _first_hit(body.casefold(), body, candidates)
            if not found:
                text, found = _first_hit(normalize(body), body, candidates)
        else:
            text = " ".join(body.split())
            found = next((c for c in candidates if c in normalize(text)), None)
    if not found:
        text = " ".join((html_to_text(body[:2000]) if is_html else body[:2000]).split())
        before, excerpt, after = _shorten(text, 0, 0)
        return format_html("{}{}{}", before, highlight(excerpt, query), after)
    spans = _hits(text, [found])
    start, end = spans[0] if spans else (0, 0)
    before, excerpt, after = _shorten(text, start, end)
    return format_html("{}{}{}", before, highlight(excerpt, _marking_query(query, excerpt)), after)


def _marking_query(query, text):
    """Mark the words; if none of them is in the excerpt (scattered bigrams), mark the terms instead."""
    if any(word in normalize(text) for word in query.words):
        return query
    return Query(" ".join(term.plain for term in query.terms), english=query.english)


def _shorten(text, start, end):
    """(leading ellipsis, the excerpt of ``text`` around ``start``-``end``, trailing ellipsis)."""
    first = max(0, start - SNIPPET_BEFORE)
    last = min(len(text), max(end, start) + SNIPPET_AFTER)
    return ("…" if first else ""), text[first:last], ("…" if last < len(text) else "")
