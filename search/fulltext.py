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

- PostgreSQL: a stored generated column ``search_vector`` (``strip(to_tsvector('simple', search_tokens))``,
  computed once when a row is written, never at query time) with a GIN index (``fastupdate`` off, so no
  pending list to scan) and the planner's statistics of its words (how common each one is); and a table
  ``<table>_title_words`` of how many rows hold each title token (ǂ…), kept by triggers (see
  :func:`install_title_words`): the statistics know only a thousand words, mostly the body's;
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
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, NotSupportedError, connections, transaction
from django.db.migrations.operations.base import Operation
from django.db.models import BooleanField, Case, Expression, F, FloatField, IntegerField, Value, When
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from richtext.text import html_to_text

MAX_QUERY_LENGTH = 100
MAX_WORDS = 10
MAX_WORD_TOKEN_LENGTH = 60  # longer "words" (hashes, base64) are not indexed
TOKENS_FIELD = "search_tokens"
VECTOR_COLUMN = "search_vector"  # PostgreSQL: the stored tsvector, not a model field (see install_index)
COUNT_BOUND = 1000  # counts are exact up to here, then "1000+"
COUNTED_TABLE_ROWS = 5_000  # term_frequencies: in a larger table a word the statistics know is not counted
COUNTED_TABLE_BYTES = 8 * 1024 * 1024  # term_frequencies: a smaller table's rows are counted, not estimated
# term_frequencies in a table of more than COUNTED_TABLE_ROWS: a word the statistics do not know is counted up
# to this share of the rows (at least COUNTED_MIN_CAP rows); past it, "common", its count unknown.
COUNTED_SHARE_CAP = 0.002
COUNTED_MIN_CAP = 50
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
    """True for rows whose ``search_tokens`` hold every one of ``terms`` and not all of any of ``excluded``
    (each a tuple of terms), answered by the index; no row's text is tokenized or parsed.

    PostgreSQL: the stored ``search_vector`` column ``@@`` a tsquery, so the planner chooses between the
    GIN index (a rare word) and the list's order with the condition on the stored vector (a word in most
    rows: the first rows in order already match), with the statistics of the vector's words.
    ``as_set``: ``pk IN (keys the index finds)`` instead. SQLite: always a set of keys from FTS5.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, terms, as_set=False, excluded=(), any_of=False):
        super().__init__()
        self.terms, self.as_set, self.any_of = tuple(terms), as_set, any_of
        self.excluded = tuple(tuple(group) for group in excluded if group)
        self.pk, self.tokens = F("pk"), F(TOKENS_FIELD)

    def __repr__(self):
        return f"{self.__class__.__name__}({self.terms!r}, as_set={self.as_set}, excluded={self.excluded!r})"

    def get_source_expressions(self):
        return [self.pk, self.tokens]

    def set_source_expressions(self, exprs):
        self.pk, self.tokens = exprs

    def as_sql(self, compiler, connection):
        raise NotSupportedError("Site search needs PostgreSQL or SQLite.")

    def tsquery(self):
        query = (" | " if self.any_of else " & ").join(_quoted(term, "'", ":*") for term in self.terms)
        if self.any_of:
            query = f"({query})"
        for group in self.excluded:
            query += " & !(" + " & ".join(_quoted(term, "'", ":*") for term in group) + ")"
        return query

    def fts5_query(self):
        query = "(" + (" OR " if self.any_of else " AND ").join(_quoted(term, '"', "*") for term in self.terms) + ")"
        for group in self.excluded:
            query += " NOT (" + " AND ".join(_quoted(term, '"', "*") for term in group) + ")"
        return query

    def as_postgresql(self, compiler, connection):
        if not self.as_set:
            alias = compiler.quote_name_unless_alias(self.pk.alias)
            return f"{alias}.{_PG_CONDITION}", (self.tsquery(),)
        if self.any_of and not self.excluded:
            keys = any_of_keys_sql(connection, self.pk.target.model, len(self.terms))
            return _key_set(self, compiler, keys, any_of_keys_params(connection, self.terms), array=True)
        return _key_set(self, compiler, matching_keys_sql(connection, self.pk.target.model), [self.tsquery()], True)

    def as_sqlite(self, compiler, connection):
        return _key_set(self, compiler, matching_keys_sql(connection, self.pk.target.model), [self.fts5_query()])


_PG_CONDITION = f"\"{VECTOR_COLUMN}\" @@ to_tsquery('simple'::regconfig, %s)"


def _key_set(expression, compiler, keys, params, array=False):
    """``pk IN (keys)``: SQL and parameters, for an expression with the sources ``pk`` and ``tokens``
    (IndexMatch, MatchScore) and ``keys`` a statement of keys from the index (``matching_keys_sql``,
    ``any_of_keys_sql``) with its ``params``.

    ``array`` (PostgreSQL): ``pk = ANY(ARRAY(…))``, the keys found once and the rows read by key. As
    ``IN (…)`` the planner may join the other way round: without statistics (after a bulk load) it read
    every published article and tested each one's vector (1.7 s at 57,000 articles).
    """
    pk_sql, pk_params = compiler.compile(expression.pk)
    sql = f"{pk_sql} = ANY(ARRAY({keys}))" if array else f"{pk_sql} IN ({keys})"
    return sql, (*pk_params, *params)


def matching_keys_sql(connection, model):
    """SQL of the keys of ``model``'s rows that the index finds for one parameter, an index query
    (``IndexMatch(…).tsquery()`` on PostgreSQL, the stored vector; ``fts5_query()`` on SQLite, FTS5). The
    table and column names are ours, not the visitor's; the query is a parameter."""
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        pk, table = quote(model._meta.pk.column), quote(model._meta.db_table)
        return f"SELECT {pk} FROM {table} WHERE {_PG_CONDITION}"  # noqa: S608
    table = quote(fts_table(model._meta.db_table))
    return f"SELECT rowid FROM {table} WHERE {table} MATCH %s"  # noqa: S608


def any_of_keys_sql(connection, model, count):
    """SQL of the keys of ``model``'s rows holding any of ``count`` terms, from the index; its parameters
    are :func:`any_of_keys_params`.

    PostgreSQL: one lookup per word, joined by ``UNION``. With the words in one tsquery (``a | b | …``) the
    planner sums each word's estimated share and, for a table of a few thousand rows, read every row's
    stored vector (0.1 s for 12 title words at 3,000 articles) where the GIN index finds the few rows
    holding each (0.6 ms). SQLite: one FTS5 query, which answers ``OR`` itself.
    """
    keys = matching_keys_sql(connection, model)
    return " UNION ".join([keys] * count) if connection.vendor == "postgresql" else keys


def any_of_keys_params(connection, terms):
    """The parameters of :func:`any_of_keys_sql` for ``terms``."""
    if connection.vendor == "postgresql":
        return [_quoted(term, "'", ":*") for term in terms]
    return [IndexMatch(terms, any_of=True).fts5_query()]


class MatchScore(Expression):
    """The sum of the weights of the terms a row's ``search_tokens`` hold: ``{term: weight}``, each term's
    rows a set of keys from the index (as ``IndexMatch(..., as_set=True)``). One expression however many
    terms: a sum of ``Case(When(IndexMatch…))`` took Django about 0.3 ms a term to resolve and compile.
    """

    output_field = FloatField()

    def __init__(self, weights):
        super().__init__()
        self.weights = tuple(weights.items())
        self.pk, self.tokens = F("pk"), F(TOKENS_FIELD)

    def __repr__(self):
        return f"{self.__class__.__name__}({dict(self.weights)!r})"

    def get_source_expressions(self):
        return [self.pk, self.tokens]

    def set_source_expressions(self, exprs):
        self.pk, self.tokens = exprs

    def as_sql(self, compiler, connection):
        if connection.vendor not in ("postgresql", "sqlite"):
            raise NotSupportedError("Site search needs PostgreSQL or SQLite.")
        if not self.weights:
            return "0.0", ()
        parts, params = [], []
        for term, weight in self.weights:
            if connection.vendor == "postgresql":
                query = _quoted(term, "'", ":*")
            else:
                query = "(" + _quoted(term, '"', "*") + ")"
            sql, term_params = _key_set(self, compiler, matching_keys_sql(connection, self.pk.target.model), [query])
            parts.append(f"CASE WHEN {sql} THEN %s ELSE 0.0 END")
            params += [*term_params, float(weight)]
        return "(" + " + ".join(parts) + ")", tuple(params)


class TitleScore:
    """In Python, what :class:`MatchScore` of title terms (``Term(…).in_title()``) gives a row: the sum of the
    weights of the terms its title holds, from the title itself (the index's title tokens are its tokens).

    A two-character CJK term is in a title exactly when the title, normalized, contains it (the tokens are
    the bigrams of each CJK run): a substring test, not a tokenization, for each of a few hundred titles.
    """

    BIGRAM = re.compile(rf"[{CJK}]{{2}}")

    def __init__(self, weights):
        self.bigrams, self.others = [], {}
        for term, weight in weights.items():
            piece = term.plain
            if self.BIGRAM.fullmatch(piece):
                self.bigrams.append((piece, weight))
            else:
                self.others[term.text] = weight
        self.english = any(ENGLISH_MARK in term.text for term in weights)

    def of(self, title):
        text = normalize(title)
        for mark in MARKS:
            text = text.replace(mark, " ")
        score = sum(weight for piece, weight in self.bigrams if piece in text)
        if self.others:
            titled = tokens(english_titles=[title]) if self.english else tokens(titles=[title])
            score += sum(self.others.get(token, 0.0) for token in titled)
        return score


def _quoted(term, quote, prefix_mark):
    """A term in the index's query syntax: quoted (quotes doubled), with its prefix mark if any."""
    text = term.text.replace(quote, quote * 2)
    return f"{quote}{text}{quote}{prefix_mark if term.prefix else ''}"


def rank_tiers(query):
    """The terms of each rank, best first: the phrase as typed in the title, every word in the title,
    the phrase in the text, the words anywhere. A row's rank is the first tier whose terms it holds."""
    title_terms = tuple(term.in_title() for term in query.terms)
    tiers = []
    if query.phrase_terms:
        tiers.append(title_terms + tuple(term.in_title() for term in query.phrase_terms))
    tiers.append(title_terms)
    if query.phrase_terms:
        tiers.append(query.terms + query.phrase_terms)
    tiers.append(query.terms)
    return tiers


def search(queryset, raw_query):
    """``queryset`` narrowed to rows matching every word of the query, annotated with their rank.

    ``search_rank`` (smaller is better): 0 the phrase as typed in the title, 1 every word in the
    title, 2 the phrase in the text, 3 the words scattered. The caller orders by it first. For small
    tables (members, documents); a large one pages with :func:`ranked_keys` and counts with
    :func:`bounded_count`, which never rank every match. An empty query matches nothing.
    """
    query = raw_query if isinstance(raw_query, Query) else parse(raw_query)
    if not query:
        return queryset.none()
    tiers = rank_tiers(query)
    ranks = (0, 1, 2) if query.phrase_terms else (1,)
    whens = [When(IndexMatch(tier), then=Value(rank)) for rank, tier in zip(ranks, tiers[:-1], strict=True)]
    rank = Case(*whens, default=Value(3), output_field=IntegerField())
    return queryset.filter(IndexMatch(query.terms)).annotate(search_rank=rank)


def matching(queryset, raw_query):
    """``queryset`` narrowed to rows matching every word of the query (no rank); none for an empty query."""
    query = raw_query if isinstance(raw_query, Query) else parse(raw_query)
    return queryset.filter(IndexMatch(query.terms)) if query else queryset.none()


def bounded_count(queryset, bound=None, estimate=None):
    """How many rows ``queryset`` has, counted up to ``bound`` + 1 (more than ``bound`` means "bound+").

    No index counts without visiting rows: an exact count of 90,000 matches visits 90,000 rows.
    ``estimate``: the query when ``queryset`` is the query's matches among rows that are nearly all of the
    table (published articles, any 栏目 and date); then where the statistics show that twice ``bound`` + 1
    rows of the table hold every term (:func:`surely_more_than`; twice, for the rows the queryset leaves
    out and for statistics older than the last writes), the answer is ``bound`` + 1 without counting.
    """
    bound = COUNT_BOUND if bound is None else bound
    if estimate and surely_more_than(queryset.model, estimate.terms, 2 * (bound + 1), using=queryset.db):
        return bound + 1
    return queryset.order_by().values("pk")[: bound + 1].count()


def ranked_keys(queryset, raw_query, start, stop):
    """The keys of the results ``start``..``stop`` of ``queryset`` searched for the query, best rank
    first and within a rank in ``queryset``'s order (newest first for news), in ONE query.

    Each rank is its own condition on the index (its terms, and not those of a better rank) with
    ``LIMIT stop``: a word in most rows reads the first rows in the list's order, a rare word the
    index's few keys, and no row's text is read to rank it, however many rows match. The caller keeps
    ``stop`` bounded (search pages stop at ``COUNT_BOUND`` results).
    """
    query = raw_query if isinstance(raw_query, Query) else parse(raw_query)
    if not query or stop <= start:
        return []
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
    fields = [name.lstrip("-") for name in ordering]
    tiers = rank_tiers(query)
    connection = connections[queryset.db]
    parts, params = [], []
    for number, tier in enumerate(tiers):
        tier_rows = (
            queryset.filter(IndexMatch(tier, excluded=tiers[:number]))
            .annotate(search_tier=Value(number, output_field=IntegerField()))
            .values_list("pk", "search_tier", *fields)[:stop]
        )
        sql, tier_params = tier_rows.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS tier{number}")  # noqa: S608 (SQL built by the ORM)
        params.extend(tier_params)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    # The union's order is not guaranteed: sort by tier, then the list's order (stable sorts, last key first).
    for position in reversed(range(len(fields))):
        rows.sort(
            key=lambda row: (row[2 + position] is None, row[2 + position]), reverse=ordering[position].startswith("-")
        )
    rows.sort(key=lambda row: row[1])
    return [row[0] for row in rows[start:stop]]


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
        # How many rows hold each token (for weighting words by rarity: term_frequencies).
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {q(fts + '_vocab')} USING fts5vocab({q(fts)}, 'row')",
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
    if connection.vendor == "postgresql":
        created = _install_vector(connection, table)
        return install_title_words(connection, table) or created
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE tbl_name = %s AND type = 'trigger' AND name LIKE %s",
                [table, f"{fts_table(table)}_%"],
            )
            triggers = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = %s", [f"{fts_table(table)}_vocab"])
            if triggers == 3 and cursor.fetchone()[0]:
                return False
            for statement in _sqlite_statements(table):
                cursor.execute(statement)
            _sqlite_rebuild(cursor, table)
            return True
    return False


def _install_vector(connection, table):
    """PostgreSQL: the stored vector and its GIN index, if missing; True if created."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = %s",
            [f"{table}_search"],
        )
        row = cursor.fetchone()
        if row and VECTOR_COLUMN in row[0]:
            return False
        # Before: a GIN index on the expression to_tsvector(search_tokens), which PostgreSQL parsed
        # again for every row it checked (a sequential scan, or a filter after another index).
        cursor.execute(f'DROP INDEX IF EXISTS "{table}_search"')
        cursor.execute(
            f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{VECTOR_COLUMN}" tsvector GENERATED ALWAYS AS '
            f"(strip(to_tsvector('simple'::regconfig, {TOKENS_FIELD}))) STORED"
        )
        cursor.execute(
            f'CREATE INDEX IF NOT EXISTS "{table}_search" ON "{table}" USING gin ("{VECTOR_COLUMN}") '
            "WITH (fastupdate = off)"
        )
        cursor.execute(f'ANALYZE "{table}"')
        return True


def title_words_table(table):
    """PostgreSQL: the table of how many rows of ``table`` hold each title token (see install_title_words)."""
    return f"{table}_title_words"


# The title tokens of the rows of {rows}: a trigger's transition table, or the table itself (filling it).
_TITLE_TOKENS = (
    f'SELECT term FROM {{rows}}, unnest(tsvector_to_array({{rows}}."{VECTOR_COLUMN}")) AS term '  # noqa: S608
    f"WHERE left(term, 1) = '{TITLE_MARK}'"
)


def _title_words_statements(table):
    """The table, functions and triggers that keep ``title_words_table(table)`` (see install_title_words).

    The names are ours (a model's table), never input. One advisory lock per table orders the writers of
    the counts (a word's row is shared by every row holding it): two transactions cannot wait on each
    other's words. A row's words are read from its stored vector, the same tokens the index holds.
    """
    words = title_words_table(table)
    lock = f"PERFORM pg_advisory_xact_lock(hashtext('{words}'));"
    added = _TITLE_TOKENS.format(rows="added_rows")
    removed = _TITLE_TOKENS.format(rows="removed_rows")
    return [
        f'CREATE TABLE IF NOT EXISTS "{words}" (term text PRIMARY KEY, docs integer NOT NULL)',
        f"""CREATE OR REPLACE FUNCTION "{words}_added"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {lock}
            INSERT INTO "{words}" AS words (term, docs)
                SELECT term, count(*) FROM ({added}) AS tokens GROUP BY term
            ON CONFLICT (term) DO UPDATE SET docs = words.docs + excluded.docs;
            RETURN NULL;
        END $$""",  # noqa: S608 - our table names
        f"""CREATE OR REPLACE FUNCTION "{words}_removed"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {lock}
            UPDATE "{words}" AS words SET docs = words.docs - gone.docs
            FROM (SELECT term, count(*) AS docs FROM ({removed}) AS tokens GROUP BY term) AS gone
            WHERE words.term = gone.term;
            RETURN NULL;
        END $$""",  # noqa: S608 - our table names
        f"""CREATE OR REPLACE FUNCTION "{words}_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {lock}
            INSERT INTO "{words}" AS words (term, docs)
                SELECT term, sum(delta) FROM (
                    SELECT term, 1 AS delta FROM unnest(tsvector_to_array(NEW."{VECTOR_COLUMN}")) AS term
                    UNION ALL
                    SELECT term, -1 AS delta FROM unnest(tsvector_to_array(OLD."{VECTOR_COLUMN}")) AS term
                ) AS changes
                WHERE left(term, 1) = '{TITLE_MARK}' GROUP BY term HAVING sum(delta) <> 0
            ON CONFLICT (term) DO UPDATE SET docs = words.docs + excluded.docs;
            RETURN NULL;
        END $$""",  # noqa: S608 - our table names
        f"""CREATE OR REPLACE FUNCTION "{words}_emptied"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            TRUNCATE "{words}";
            RETURN NULL;
        END $$""",
        f'DROP TRIGGER IF EXISTS "{words}_added" ON "{table}"',
        f'CREATE TRIGGER "{words}_added" AFTER INSERT ON "{table}" REFERENCING NEW TABLE AS added_rows '
        f'FOR EACH STATEMENT EXECUTE FUNCTION "{words}_added"()',
        f'DROP TRIGGER IF EXISTS "{words}_removed" ON "{table}"',
        f'CREATE TRIGGER "{words}_removed" AFTER DELETE ON "{table}" REFERENCING OLD TABLE AS removed_rows '
        f'FOR EACH STATEMENT EXECUTE FUNCTION "{words}_removed"()',
        # Per row, and only when the tokens changed: the view counter's updates never read a vector.
        f'DROP TRIGGER IF EXISTS "{words}_changed" ON "{table}"',
        f'CREATE TRIGGER "{words}_changed" AFTER UPDATE OF {TOKENS_FIELD} ON "{table}" FOR EACH ROW '
        f"WHEN (OLD.{TOKENS_FIELD} IS DISTINCT FROM NEW.{TOKENS_FIELD}) "
        f'EXECUTE FUNCTION "{words}_changed"()',
        # Django's flush (tests) and a manual TRUNCATE fire no DELETE trigger.
        f'DROP TRIGGER IF EXISTS "{words}_emptied" ON "{table}"',
        f'CREATE TRIGGER "{words}_emptied" AFTER TRUNCATE ON "{table}" '
        f'FOR EACH STATEMENT EXECUTE FUNCTION "{words}_emptied"()',
    ]


TITLE_WORD_TRIGGERS = ("added", "removed", "changed", "emptied")


def install_title_words(connection, table, refill=False):
    """PostgreSQL: create ``<table>_title_words`` (term, docs), how many rows hold each title token, kept
    exact by triggers on every write (``save()``, ``bulk_create``, ``update``, raw SQL, TRUNCATE), and
    fill it from the rows; True if anything was created. Idempotent; ``refill`` counts every row again.

    For weighting a title's words by rarity (相关快讯, :func:`term_frequencies`): the planner's statistics
    know about a thousand words of the vector, nearly all of the body, and counting a word from the GIN
    index builds a bitmap of every row holding it (about 0.3 ms a word at 100,000 articles, 120 words a page).
    """
    words = title_words_table(table)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND tgname = ANY(%s)",
            [f'"{table}"', [f"{words}_{kind}" for kind in TITLE_WORD_TRIGGERS]],
        )
        installed = cursor.fetchone()[0] == len(TITLE_WORD_TRIGGERS)
        if installed and not refill:
            return False
        # No write between the count and the triggers: the counts start exact.
        cursor.execute(f'LOCK TABLE "{table}" IN SHARE MODE')
        for statement in _title_words_statements(table):
            cursor.execute(statement)
        cursor.execute(f'TRUNCATE "{words}"')
        every_row = _TITLE_TOKENS.format(rows=f'"{table}"')
        cursor.execute(
            f'INSERT INTO "{words}" (term, docs) SELECT term, count(*) FROM ({every_row}) AS tokens GROUP BY term'  # noqa: S608
        )
        cursor.execute(f'ANALYZE "{words}"')
    return not installed


def drop_index(connection, table):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            words = title_words_table(table)
            for kind in TITLE_WORD_TRIGGERS:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{words}_{kind}" ON "{table}"')
                cursor.execute(f'DROP FUNCTION IF EXISTS "{words}_{kind}"()')
            cursor.execute(f'DROP TABLE IF EXISTS "{words}"')
            cursor.execute(f'DROP INDEX IF EXISTS "{table}_search"')
            cursor.execute(f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS "{VECTOR_COLUMN}"')
        elif connection.vendor == "sqlite":
            for suffix in ("_insert", "_delete", "_update"):
                cursor.execute(f'DROP TRIGGER IF EXISTS "{fts_table(table)}{suffix}"')
            cursor.execute(f'DROP TABLE IF EXISTS "{fts_table(table)}_vocab"')
            cursor.execute(f'DROP TABLE IF EXISTS "{fts_table(table)}"')


def rebuild_index(connection, table):
    """Make the index match the ``search_tokens`` column again (after a raw change to the table)."""
    if connection.vendor == "sqlite":
        install_index(connection, table)
        with connection.cursor() as cursor:
            _sqlite_rebuild(cursor, table)
    elif connection.vendor == "postgresql":
        install_index(connection, table)  # the stored vector follows search_tokens by itself
        install_title_words(connection, table, refill=True)
    refresh_statistics(connection, table)


def term_frequencies(model, terms, using=DEFAULT_DB_ALIAS):
    """{term: (the share of ``model``'s rows that hold it, how many rows hold it or None)}; (None, None)
    when nothing is known. One query, however many terms.
    """
    found = _term_frequencies(model, terms, using)
    found.pop(ROWS, None)
    return found


def surely_more_than(model, terms, rows, using=DEFAULT_DB_ALIAS):
    """Whether the statistics show that at least ``rows`` rows of ``model`` hold every one of ``terms``
    (PostgreSQL; False elsewhere or when not known), without reading any row.

    Each term's share s comes from :func:`term_frequencies`; the rows holding all n terms are at least
    (s1 + … + sn − (n − 1)) × the table's rows, whatever the words' overlap (every row lacking one term
    is counted at most once in the sum of what each term lacks). A word in 90% of the articles thus tells,
    from the statistics alone, that more than 1,000 of 10,000 articles hold it: no count has to read
    1,001 rows' stored vectors for that.
    """
    if connections[using].vendor != "postgresql" or not terms:
        return False
    found = _term_frequencies(model, terms, using)
    total = found.pop(ROWS, None)
    shares = [share for share, _docs in found.values()]
    if not total or len(shares) != len(set(terms)) or any(share is None for share in shares):
        return False
    return (sum(shares) - (len(shares) - 1)) * total >= rows


ROWS = object()  # _term_frequencies: the key of the table's row count


def _term_frequencies(model, terms, using=DEFAULT_DB_ALIAS):
    """:func:`term_frequencies`, and under ``ROWS`` the table's row count it measured the shares against.

    PostgreSQL: a title word's (ǂ…) count is exact, from the table the triggers keep (:func:`install_title_words`);
    for any other word the planner's statistics of the stored vector (``pg_stats``, refreshed by ANALYZE) give the
    share of the words they know (in a table of more than ``COUNTED_TABLE_ROWS``; their count is None:
    counting a word in a few hundred articles visited each one, 13 ms of an article page at 10,000); the others are
    counted from the GIN index (a rare word: a few keys), over the rows the table holds now (counted up to
    ``COUNTED_TABLE_BYTES``, estimated from its size beyond). SQLite: the FTS5 vocabulary table
    (exact counts) over the highest key.
    """
    terms = list(dict.fromkeys(terms))
    if not terms:
        return {}
    connection = connections[using]
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: a common word's share from the statistics; any other word counted from the
            # GIN index (a rare word: a few keys). The table and column names are ours, not input.
            cursor.execute(
                f"""
                WITH stats AS (
                    SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs FROM pg_stats
                    WHERE schemaname = current_schema() AND tablename = %s AND attname = %s
                ), known AS (
                    SELECT elem, freq FROM stats, unnest(stats.elems, stats.freqs[1:cardinality(stats.elems)])
                        AS s(elem, freq)
                ), total AS (
                    -- The rows now: a small or never analysed table is counted; a large one is estimated as
                    -- the planner does, its rows per page at the last ANALYZE times its pages now (the
                    -- row count alone may be stale: ANALYZE writes it outside any transaction).
                    SELECT CASE WHEN reltuples > 0 AND relpages > 0 AND pg_relation_size(oid) > %s
                        THEN reltuples / relpages * pg_relation_size(oid) / current_setting('block_size')::int
                        ELSE (SELECT count(*) FROM {quote(table)}) END AS n
                    FROM pg_class WHERE oid = %s::regclass
                ), cap AS (
                    -- A large table's word is counted up to a share of its rows (COUNTED_SHARE_CAP): a word in
                    -- 30 of each 100 of 100,000 titles took 20 ms to count (a visit to each row).
                    SELECT CASE WHEN n > %s THEN greatest(%s, ceil(n * %s)) ELSE n + 1 END::bigint AS rows
                    FROM total
                ), titled AS (
                    -- A title word's count, exact, from the table the triggers keep (install_title_words).
                    SELECT term, docs FROM {quote(title_words_table(table))} WHERE term = ANY(%s::text[])
                )
                SELECT t.term, known.freq,
                    CASE WHEN left(t.term, 1) = %s THEN coalesce(titled.docs, 0)
                    WHEN known.freq IS NULL OR (SELECT n FROM total) <= %s THEN (
                        SELECT count(*) FROM (
                            SELECT 1 FROM {quote(table)}
                            WHERE {quote(VECTOR_COLUMN)} @@ to_tsquery('simple'::regconfig, t.query)
                            LIMIT (SELECT rows FROM cap)
                        ) AS found
                    ) END,
                    (SELECT n FROM total), (SELECT rows FROM cap), left(t.term, 1) = %s
                FROM unnest(%s::text[], %s::text[]) AS t(term, query)
                    LEFT JOIN known ON known.elem = t.term LEFT JOIN titled ON titled.term = t.term
                """,  # noqa: S608
                [
                    table,
                    VECTOR_COLUMN,
                    COUNTED_TABLE_BYTES,
                    quote(table),
                    COUNTED_TABLE_ROWS,
                    COUNTED_MIN_CAP,
                    COUNTED_SHARE_CAP,
                    [term.text for term in terms if term.text.startswith(TITLE_MARK)],
                    TITLE_MARK,
                    COUNTED_TABLE_ROWS,
                    TITLE_MARK,
                    [term.text for term in terms],
                    [_quoted(term, "'", ":*") for term in terms],
                ],
            )
            by_text = {term.text: term for term in terms}
            result = {}
            for text, share, docs, total, cap, exact in cursor.fetchall():
                if exact:
                    share = min(1.0, docs / total) if total else None
                elif docs is not None and docs >= cap:
                    share = docs = None  # common: in more rows than were counted
                elif docs is not None:
                    share = docs / total if total else None
                result[by_text[text]] = (share, docs)
                result[ROWS] = total
            return result
        if connection.vendor == "sqlite":
            vocab = quote(fts_table(table) + "_vocab")
            marks = ", ".join(["%s"] * len(terms))
            cursor.execute(
                f"SELECT term, doc FROM {vocab} WHERE term IN ({marks}) "  # noqa: S608 (our table names)
                f"UNION ALL SELECT NULL, max(rowid) FROM {quote(table)}",
                [term.text for term in terms],
            )
            rows = cursor.fetchall()
            total = next((docs for term, docs in rows if term is None), None) or 0
            counts = {term: docs for term, docs in rows if term is not None}
            return {
                term: (min(1.0, counts.get(term.text, 0) / total) if total else None, counts.get(term.text, 0))
                for term in terms
            }
    return dict.fromkeys(terms, (None, None))


def refresh_statistics(connection, *tables):
    """ANALYZE ``tables`` (the whole database if none): after a bulk write (import, restore, rebuild,
    ``bulk_create``) the planner must know how common each word is, or it may read every row for a
    word it thinks rare. SQLite: its planner statistics likewise."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    with connection.cursor() as cursor:
        for table in tables or (None,):
            cursor.execute(f'ANALYZE "{table}"' if table else "ANALYZE")


def statistics_after_migrate(using=DEFAULT_DB_ALIAS, plan=None, **kwargs):
    """post_migrate: ANALYZE the database when migrations ran. An index a migration creates has no
    statistics until then: SQLite's planner passed the 栏目 list index by for a new one and sorted every
    article of a 栏目 for the home page (18 ms instead of 8 at 10,000 articles). The signal comes once for
    each app with the same plan: the database is analysed once."""
    if not plan or _analysed_plan.get(using) is plan:
        return
    _analysed_plan[using] = plan
    refresh_statistics(connections[using])


_analysed_plan = {}  # statistics_after_migrate: the last migrate's plan, per database


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
