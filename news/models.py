import math
import re
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, router
from django.db.models import (
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
)
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from simple_history.models import HistoricalRecords

from hnda_site import languages
from hnda_site.dates import PlausibleDateValidator, plausible_range
from hnda_site.languages import Translated
from hnda_site.models import EditVersioned, staff_member_field
from richtext.text import RichTextField, html_to_text, sanitize_html, summarize
from search import fulltext

ARTICLE_ORDER = ("-pinned", "-published_at", "-id")  # every list of articles: pinned first, then newest
# What a row of a list (partials/article_list_item.html: the 栏目 lists, home's columns, 相关快讯) shows, and its 栏目.
LIST_FIELDS = ("id", "title", "title_en", "pinned", "published_at", "category_id")

# Crawlers, link checkers, scripts and headless browsers; their visits do not count as views.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|baiduspider|sogou|bingpreview|facebookexternalhit|headless|phantomjs|lighthouse"
    r"|python-requests|python-urllib|curl|wget|httpclient|http-client|go-http-client|okhttp|axios|node-fetch"
    r"|libwww|scrapy|feedfetcher|checker|checklink|linkcheck|validator|xenu|pingdom|uptime",
    re.IGNORECASE,
)


def word_shares(terms, using):
    """``search.term_frequencies`` of titles' words, remembered per process until content changes.

    The words of titles recur (高新, 发展, 招商…): an article page on a cache miss looks up about 120, each
    counted from the index when the statistics do not know it (0.34 ms a word at 100,000 articles), so
    each is counted once per worker and edit, not once per article. At most ``RELATED_REMEMBERED_WORDS``.
    """
    from pagecache import cache as pagecache

    remembered = pagecache.memoize("related-word-shares", dict)
    missing = [term for term in terms if term not in remembered]
    if missing:
        found = fulltext.term_frequencies(Article, missing, using=using)
        if len(remembered) + len(found) > RELATED_REMEMBERED_WORDS:
            remembered.clear()
        remembered.update(found)
    return {term: remembered.get(term, (None, None)) for term in terms}


NEIGHBOUR_FIELDS = ("id", "title", "title_en")


def _public_sql(using, english, fields):
    """Pieces of a statement over the public articles (``published().in_page_language()``), written by hand
    for the small reads of an index a page-cache miss of an article or of home makes (``*_statement``
    below), which the ORM took longer to build than the database to answer: the quoted ``fields`` and
    table, and the condition (parameters: status, now)."""
    quote = connections[using].ops.quote_name
    columns = ", ".join(quote(Article._meta.get_field(name).column) for name in fields)
    public = "status = %s AND published_at <= %s"
    if english:
        public += " AND title_en <> '' AND body_en <> ''"
    return columns, quote(Article._meta.db_table), public


def articles_from_rows(using, fields, rows):
    """Articles of ``fields`` from rows read by a statement written by hand, each value converted as the
    ORM converts it (``SQLCompiler.apply_converters``: on SQLite a 发布时间 comes back naive, or as text
    from a subquery, and 置顶 as 0 or 1) and put where ``Model.from_db`` expects it (the model's order)."""
    connection = connections[using]
    names, order, converters = _row_plan(using, fields)
    articles = []
    for row in rows:
        row = [row[position] for position in order]
        for position, functions, column in converters:
            for convert in functions:
                row[position] = convert(row[position], column, connection)
        articles.append(Article.from_db(using, names, row))
    return articles


@lru_cache(maxsize=16)
def _row_plan(using, fields):
    """For ``articles_from_rows``: the fields in the model's order, where each is in a row, and the
    converters of each (position, functions, column)."""
    connection = connections[using]
    names = [field.attname for field in Article._meta.concrete_fields if field.attname in fields]
    converters = []
    for position, name in enumerate(names):
        column = Article._meta.get_field(name).get_col(Article._meta.db_table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            converters.append((position, functions, column))
    return names, [fields.index(name) for name in names], converters


def public_reader(using):
    """For a statement of ``_public_sql`` on database ``using``: the database, a cursor on it, and the
    condition's parameters (status, now)."""
    connection = connections[using]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return using, connection.cursor(), Article.Status.PUBLISHED, now


@lru_cache(maxsize=16)
def neighbour_statement(using, english):
    """SQL of ``Article.neighbours`` on database ``using``: the next newer and the next older public article
    of a 栏目, each a range of ``article_category_idx`` from the article's time read in the index's order
    until the first row past it (``published_at > t OR (published_at = t AND id > pk)`` made SQLite sort
    every newer article of the 栏目 by id: 6 ms at 10,000 articles). The first column tells them apart: 1
    newer, 0 older. Parameters, for each of the two: 栏目, status, now, 发布时间 twice, the article's key."""
    columns, table, public = _public_sql(using, english, NEIGHBOUR_FIELDS)
    sides = (
        (1, "published_at >= %s AND NOT (published_at = %s AND id <= %s) ORDER BY published_at, id"),
        (0, "published_at <= %s AND NOT (published_at = %s AND id >= %s) ORDER BY published_at DESC, id DESC"),
    )
    return " UNION ALL ".join(
        f"SELECT {newer}, {columns} FROM (SELECT {columns} FROM {table} WHERE category_id = %s AND {public} "  # noqa: S608
        f"AND {side} LIMIT 1) side{newer}"
        for newer, side in sides
    )


@lru_cache(maxsize=16)
def latest_statement(using, english):
    """SQL of the newest public articles of a 栏目 (first column 1) and of all 栏目 (0), each LIMITed and read
    from an index in its order (ordering every public article by "same 栏目 first" sorted the whole archive;
    a list of keys for each, combined by ``OR``, made PostgreSQL test every article against them).
    Parameters: 栏目, status, now, how many; status, now, how many."""
    columns, table, public = _public_sql(using, english, LIST_FIELDS)
    newest = "ORDER BY published_at DESC, id DESC LIMIT %s"
    return (
        f"SELECT 1, {columns} FROM (SELECT {columns} FROM {table} WHERE category_id = %s AND {public} {newest}) same "  # noqa: S608
        f"UNION ALL SELECT 0, {columns} FROM (SELECT {columns} FROM {table} WHERE {public} {newest}) anywhere"
    )


@lru_cache(maxsize=32)
def home_column_statement(using, english, columns):
    """SQL of the home page's ``columns`` 栏目 columns (``Article.home_columns``): for each, its newest public
    articles (pinned first), LIMITed and walked in ``article_category_list_idx``'s order, so the cost stays
    that of a few rows however large the archive (a window over every published article took 37 ms at
    10,000 articles on SQLite). The first column is the column's number. Parameters, for each: 栏目,
    status, now, how many."""
    fields, table, public = _public_sql(using, english, LIST_FIELDS)
    newest = "ORDER BY pinned DESC, published_at DESC, id DESC LIMIT %s"
    return " UNION ALL ".join(
        f"SELECT {number}, {fields} FROM (SELECT {fields} FROM {table} "  # noqa: S608
        f"WHERE category_id = %s AND {public} {newest}) column{number}"
        for number in range(columns)
    )


@lru_cache(maxsize=256)
def candidate_statement(using, english, skipped, words):
    """SQL of 相关快讯's candidates (``Article.sharing_words``): the newest public articles holding any of
    ``words`` words, from the index (``search.any_of_keys_sql``: the keys found once, whatever the
    statistics say; without them, after a bulk load, PostgreSQL read every published article's vector,
    1.2 s at 57,000), leaving out ``skipped`` keys, LIMITed. Parameters: status, now, the keys left out,
    the index's (``any_of_keys_sql``), how many."""
    connection = connections[using]
    columns, table, public = _public_sql(using, english, LIST_FIELDS)
    keys = fulltext.any_of_keys_sql(connection, Article, words)
    pk = connection.ops.quote_name(Article._meta.pk.column)
    found = f"{pk} = ANY(ARRAY({keys}))" if connection.vendor == "postgresql" else f"{pk} IN ({keys})"
    left_out = ", ".join(["%s"] * skipped)
    return (
        f"SELECT {columns} FROM {table} WHERE {public} AND {pk} NOT IN ({left_out}) AND {found} "  # noqa: S608
        f"ORDER BY published_at DESC, id DESC LIMIT %s"
    )


@lru_cache(maxsize=16)
def _detail_path(language, script_prefix, urlconf):
    """An article's address around its number, as ``reverse("news:detail")`` gives it in this language,
    under this script prefix and URLconf: a list of twenty (the home page's columns: forty) reversed each
    one (22 µs)."""
    mark = "918273645"
    before, after = reverse("news:detail", args=[int(mark)], urlconf=urlconf).split(mark)
    return before, after


@lru_cache(maxsize=512)
def is_bot(user_agent):
    """True for an obvious crawler, link checker, script or headless browser (or no user agent at all).

    Remembered per user agent (a few browsers make most visits): the pattern took 10 µs of a cached
    article page's 97 µs."""
    return not user_agent or bool(BOT_USER_AGENT.search(user_agent))


def validate_category_slug(value):
    """/news/<number>/ is an article and /news/feed/ the feed: a category cannot take those."""
    if value in RESERVED_SLUGS or value.isdigit():
        raise ValidationError(
            "“%(value)s”不能用作网址名（已被网站占用或全是数字），请换一个。", params={"value": value}
        )


# 相关快讯: how many are shown, and among how many recent articles they are chosen.
RELATED_COUNT = 5
# 相关快讯 (Article.sharing_words): words of a title and summary looked up, the rarest used,
# a word in more than this share of titles ignored, the share assumed without statistics, the score needed
# (ln(1/share) summed: two pieces each in 1/5 of the titles, or one in 1/20, do not relate; 高新区 alone never).
RELATED_LOOKUP = 200
RELATED_TERMS = 24
RELATED_MAX_SHARE = 0.5
RELATED_UNKNOWN_SHARE = 0.1
RELATED_MIN_SCORE = 3.3
RELATED_REMEMBERED_WORDS = 20_000  # word_shares: a few MB per worker at most
RELATED_CANDIDATES = 200  # sharing_words: up to this many articles holding a word are scored here
# Characters of an English summary made from the body (English needs about twice Chinese's).
ENGLISH_SUMMARY_LENGTH = 240

# Paths under /news/ that are not categories.
RESERVED_SLUGS = {"feed"}

# Days without a new article after which the 内容检查 dashboard warns (per 栏目, editable).
DEFAULT_STALE_AFTER_DAYS = 30
NOTICE_STALE_AFTER_DAYS = 90


# The most articles a home-page column may list.
MAX_HOME_COUNT = 20


class CategoryQuerySet(models.QuerySet):
    def in_navigation(self):
        """The 栏目 in the main navigation, in 排序 order."""
        return self.filter(show_in_nav=True).only("id", "name", "english_name", "slug", "order")

    def in_page_language(self):
        """All 栏目 on a Chinese page; on an English page, those with an English name and English articles
        (an English 栏目 with nothing to read is left out of the menu)."""
        if not languages.is_english():
            return self
        english = Article.objects.published().in_english().filter(category=OuterRef("pk"))
        return self.exclude(english_name="").filter(Exists(english))

    def with_latest_public(self):
        """Each 栏目 with ``latest_public_at`` (its newest public article's 发布时间) and ``public_count``."""
        public = Q(
            articles__status=Article.Status.PUBLISHED,
            articles__published_at__lte=timezone.now(),
        )
        return self.annotate(
            latest_public_at=Max("articles__published_at", filter=public),
            public_count=Count("articles", filter=public),
        )


class Category(EditVersioned):
    name = models.CharField("名称", max_length=50, unique=True)
    english_name = models.CharField(
        "英文名称", max_length=100, blank=True, help_text="例如：Park Express；英文网站的导航和栏目页显示它。"
    )
    slug = models.SlugField(
        "网址名",
        max_length=50,
        unique=True,
        validators=[validate_category_slug],
        help_text="用于网址的英文名，例如 park-express；只含小写字母、数字和连字符。",
    )
    order = models.PositiveIntegerField("排序", default=0, help_text="主导航中数字小的排在前面。")
    show_in_nav = models.BooleanField("显示在主导航", default=True, help_text="勾选后，栏目出现在网站顶部的主导航中。")
    show_on_home = models.BooleanField(
        "显示在首页", default=True, help_text="勾选后，首页有本栏目的一栏，列出最新文章（没有文章时不显示）。"
    )
    home_position = models.PositiveIntegerField("首页位置", default=0, help_text="首页各栏目的先后，数字小的在前。")
    home_count = models.PositiveSmallIntegerField(
        "首页条数",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HOME_COUNT)],
        help_text=f"首页本栏列出的文章条数（1～{MAX_HOME_COUNT}）。",
    )
    stale_after_days = models.PositiveIntegerField(
        "提醒更新天数",
        default=DEFAULT_STALE_AFTER_DAYS,
        help_text="栏目超过这么多天没有新文章时，后台首页“内容检查”会提醒。新闻类一般 30 天；"
        "名称含“通知”的栏目（如通知公告）新建时默认 90 天。",
    )

    objects = CategoryQuerySet.as_manager()
    history = HistoricalRecords()

    english_fields = {"name": "english_name"}
    local_name = Translated("name")

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "栏目"
        verbose_name_plural = "栏目"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self._state.adding and self.stale_after_days == DEFAULT_STALE_AFTER_DAYS and "通知" in self.name:
            self.stale_after_days = NOTICE_STALE_AFTER_DAYS
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("news:category", args=[self.slug])

    def get_feed_url(self):
        return reverse("news:category_feed", args=[self.slug])

    @property
    def nav_key(self):
        """This 栏目's key for marking the current section in the navigation."""
        return f"news:{self.slug}"

    @property
    def stale_days(self):
        """Days since the newest public article (needs ``with_latest_public``); None when there is none."""
        if self.latest_public_at is None:
            return None
        return (timezone.now() - self.latest_public_at).days

    @property
    def is_stale(self):
        return self.stale_days is not None and self.stale_days > self.stale_after_days


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles the public may see: published, and the 发布时间 has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def drafts(self):
        return self.filter(status=Article.Status.DRAFT)

    def scheduled(self):
        """Published articles whose 发布时间 is still in the future."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def drafts_untouched_since(self, moment):
        """Drafts nobody has saved since ``moment`` (the dashboard's 搁置的草稿)."""
        return self.drafts().filter(updated_at__lt=moment)

    def next_publication(self):
        """The earliest future 发布时间 (when the public pages change by themselves), or None."""
        return self.scheduled().aggregate(next=Min("published_at"))["next"]

    def for_list(self):
        """What a list row (partials/article_list_item.html) shows, and its 栏目's key: no body, no 栏目 row
        (every column of the article and its 栏目 took 40 conversions a row)."""
        return self.only(*LIST_FIELDS)

    def featured(self):
        """Articles chosen for the home page's 焦点图 that have a cover image, newest first."""
        return self.filter(featured=True).exclude(cover="").order_by("-published_at", "-id")

    def in_english(self):
        """Articles with an English version (英文标题 and 英文正文): the only ones the English pages show."""
        return self.exclude(title_en="").exclude(body_en="")

    def in_page_language(self):
        """All articles on a Chinese page; on an English page, those with an English version."""
        return self.in_english() if languages.is_english() else self

    def search(self, query):
        """Articles matching every word of ``query`` (see search.fulltext): best rank first, then newest."""
        return fulltext.search(self, query).order_by("search_rank", "-published_at", "-id")

    def mentioning(self, *names):
        """Articles whose title or body contains any of ``names`` (e.g. a member's full and short name).

        Empty names are ignored; with no name at all, nothing matches.
        """
        names = {name.strip() for name in names if name and name.strip()}
        if not names:
            return self.none()
        condition = Q()
        for name in sorted(names):
            condition |= Q(title__icontains=name) | Q(body__contains=name)
        return self.filter(condition)


class Article(EditVersioned):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    title = models.CharField("标题", max_length=200)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles", verbose_name="栏目")
    publisher = models.CharField("发布人", max_length=100, blank=True, help_text="例如：科技部、湖南开发区网")
    publisher_en = models.CharField(
        "英文发布人",
        max_length=200,
        blank=True,
        help_text="英文版显示它，例如：Ministry of Science and Technology；留空则英文版显示中文发布人。",
    )
    published_at = models.DateTimeField(
        "发布时间",
        null=True,
        blank=True,
        validators=[PlausibleDateValidator()],
        help_text="留空则在发布时取当前时间；填写将来的时间即为定时发布，到时自动出现在网站上。",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    pinned = models.BooleanField("置顶", default=False, help_text="置顶的文章排在列表最前面。")
    summary = models.TextField("摘要", blank=True, help_text="留空则自动取正文开头的文字。")
    cover = models.ImageField(
        "封面图片",
        upload_to="covers/%Y/%m/",
        blank=True,
        help_text="横图为宜（约 16:9，宽 1200 像素左右）；焦点图和文章页顶部显示。",
    )
    # The cover's size, recorded on save: the page reserves its space before the picture loads.
    cover_width = models.PositiveIntegerField("封面宽度", null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField("封面高度", null=True, blank=True, editable=False)
    featured = models.BooleanField(
        "焦点图",
        default=False,
        help_text="勾选且有封面图片的已发布文章，按发布时间显示在首页焦点图中（最新的几篇）。",
    )
    body = RichTextField("正文", blank=True)
    title_en = models.CharField(
        "英文标题",
        max_length=300,
        blank=True,
        help_text="填写英文标题和英文正文后，文章也出现在英文网站（/en/news/）；都留空则只有中文版。",
    )
    summary_en = models.TextField("英文摘要", blank=True, help_text="留空则自动取英文正文开头的文字。")
    body_en = RichTextField("英文正文", blank=True)
    view_count = models.PositiveIntegerField("浏览", default=0, editable=False)
    search_tokens = models.TextField("搜索索引", blank=True, default="", editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    created_by = staff_member_field("创建人")
    updated_by = staff_member_field("最后修改人")

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["view_count", "search_tokens"])

    class Meta:
        ordering = list(ARTICLE_ORDER)
        verbose_name = "文章"
        verbose_name_plural = "文章"
        indexes = [
            models.Index(fields=["status", "-pinned", "-published_at", "-id"], name="article_list_idx"),
            models.Index(fields=["category", "status", "-published_at", "-id"], name="article_category_idx"),
            # Newest first: a search for a word most articles hold reads the newest rows until a page is
            # full (a few rows), where the GIN index would list every match (see search.fulltext).
            models.Index(fields=["-published_at", "-id"], name="article_date_idx"),
            # The 焦点图: the few featured articles, newest first, without walking the archive.
            models.Index(
                fields=["status", "-published_at", "-id"], condition=Q(featured=True), name="article_featured_idx"
            ),
            # A 栏目's list in its order: a deep page's keys come from this index alone.
            models.Index(
                fields=["category", "status", "-pinned", "-published_at", "-id"], name="article_category_list_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=plausible_range("published_at", with_time=True),
                name="article_published_at_plausible",
                violation_error_message="发布时间应在1949年至2100年之间。",
            ),
        ]

    local_title = Translated("title")
    local_publisher = Translated("publisher")
    local_summary = Translated("summary")
    local_body = Translated("body")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if not self.summary.strip():
            # From the text a visitor will read: never from a script or style the sanitizer drops.
            self.body = sanitize_html(self.body)
            self.summary = summarize(self.body)
        if self.body_en.strip() and not self.summary_en.strip():
            self.body_en = sanitize_html(self.body_en)
            self.summary_en = summarize(self.body_en, ENGLISH_SUMMARY_LENGTH)
        self.refresh_search_tokens()
        self.record_cover_size()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        before, after = _detail_path(translation.get_language(), get_script_prefix(), get_urlconf())
        return f"{before}{self.pk}{after}"

    def record_cover_size(self):
        """Keep ``cover_width``/``cover_height`` those of the cover (read when a new one is uploaded)."""
        if not self.cover:
            self.cover_width = self.cover_height = None
        elif self.cover_width is None or not getattr(self.cover, "_committed", True):
            try:
                self.cover_width, self.cover_height = self.cover.width, self.cover.height
            except (OSError, ValueError, TypeError):  # a missing or unreadable file: no size, no failure
                self.cover_width = self.cover_height = None

    def clean(self):
        if self.featured and not self.cover:
            raise ValidationError({"featured": "焦点图需要封面图片：请先上传封面图片，或取消勾选“焦点图”。"})
        has_title, has_body = bool(self.title_en.strip()), bool(html_to_text(self.body_en).strip())
        if has_title != has_body:
            missing = "body_en" if has_title else "title_en"
            raise ValidationError(
                {missing: "英文版需要英文标题和英文正文两项：请补上这一项，或把两项都清空（只发中文版）。"}
            )

    def refresh_search_tokens(self):
        """Recompute ``search_tokens`` (save() does; bulk writers must call it before writing).

        The tokens include the names of the article's attachments and the text extracted from them
        (``attachments``): a search finds a notice by the words of its 会议通知.pdf.
        """
        from attachments.models import texts_for_index

        names, texts = texts_for_index(self.pk) if self.pk else ([], [])
        self.search_tokens = fulltext.index_text(
            html_to_text(sanitize_html(self.body)),
            *names,
            *texts,
            titles=[self.title],
            english=[html_to_text(sanitize_html(self.body_en))],
            english_titles=[self.title_en],
        )

    @property
    def has_english(self):
        return bool(self.title_en and self.body_en)

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def neighbours(self):
        """(上一篇, 下一篇): the next newer and next older public article in the category.

        One statement (``neighbour_statement``): the two ORM queries it replaced cost a page-cache miss about
        1 ms of Python to build, for two rows read from an index.
        """
        if self.published_at is None:
            return None, None
        using, cursor, status, now = self._public_reader()
        moment = cursor.db.ops.adapt_datetimefield_value(self.published_at)
        with cursor:
            side = [self.category_id, status, now, moment, moment, self.id]
            cursor.execute(neighbour_statement(using, languages.is_english()), side * 2)
            rows = cursor.fetchall()
        articles = articles_from_rows(using, NEIGHBOUR_FIELDS, [row for _, *row in rows])
        found = {newer: article for (newer, *_), article in zip(rows, articles, strict=True)}
        return found.get(1), found.get(0)

    @classmethod
    def home_columns(cls, using=None):
        """The home page's 栏目 columns in the page's language: [(category, [articles])], in 首页位置 order.

        Each 栏目 shown on the home page lists its newest ``home_count`` public articles (pinned first); a
        栏目 with no article has no column. One statement (``home_column_statement``) for the articles; the
        栏目 are kept per process until content changes.
        """
        from pagecache import cache as pagecache

        categories = pagecache.memoize(
            "home-categories",
            lambda: list(Category.objects.filter(show_on_home=True).order_by("home_position", "order", "id")),
        )
        shown = [category for category in categories if category.home_count]
        if not shown:
            return []
        using, cursor, status, now = public_reader(using or router.db_for_read(cls))
        with cursor:
            cursor.execute(
                home_column_statement(using, languages.is_english(), len(shown)),
                [value for c in shown for value in (c.pk, status, now, c.home_count)],
            )
            rows = cursor.fetchall()
        articles = articles_from_rows(using, LIST_FIELDS, [row for _, *row in rows])
        by_column = {}
        for (number, *_), article in zip(rows, articles, strict=True):
            by_column.setdefault(number, []).append(article)
        return [
            (category, sorted(by_column[number], key=lambda a: (a.pinned, a.published_at, a.pk), reverse=True))
            for number, category in enumerate(shown)
            if number in by_column
        ]

    def sharing_words(self, limit=RELATED_COUNT, skip=()):
        """Other public articles (in the page's language) whose titles share the rarest words of this one's
        whole title and summary, never those of ``skip``.

        For 相关快讯. Each word (a two-character piece, or a Latin word) of the title and summary is weighted
        by its rarity among the titles, ln(1 / share of titles holding it) (``search.term_frequencies``:
        exact counts of title words): a word in most titles (高新区 on a 开发区 site) counts little, and a
        word in more than ``RELATED_MAX_SHARE`` of them not at all. An article relates when its title holds
        words worth ``RELATED_MIN_SCORE`` together; best score first, then newest: a list of at most
        ``limit`` articles. Two queries (the shares, remembered per process; then the articles holding any
        of the rarest ``RELATED_TERMS`` words, one lookup in the index), whatever the size of the archive
        or of the title.

        The candidates (at most ``RELATED_CANDIDATES``; the rarest words of a title are rare) are read by
        one statement written by hand (``candidate_statement``: the ORM took a page-cache miss longer to
        build than the database to answer) and scored here from their titles' words, which are the index's
        title tokens; more than that, and the database scores them (``search.MatchScore``, a set of keys
        from the index per word).
        """
        english = languages.is_english()
        weights = self._title_word_weights(english)
        if not weights:
            return []
        skip = sorted({self.pk, *skip})
        using, cursor, status, now = self._public_reader()
        with cursor:
            cursor.execute(
                candidate_statement(using, english, len(skip), len(weights)),
                [status, now, *skip, *fulltext.any_of_keys_params(cursor.db, weights), RELATED_CANDIDATES + 1],
            )
            rows = cursor.fetchall()
        if len(rows) <= RELATED_CANDIDATES:
            scores = fulltext.TitleScore(weights)
            title = LIST_FIELDS.index("title_en" if english else "title")
            scored = sorted((-scores.of(row[title]), number) for number, row in enumerate(rows))[:limit]
            best = articles_from_rows(using, LIST_FIELDS, [rows[number] for _, number in scored])
            for other, (score, _) in zip(best, scored, strict=True):  # best first, then newest (the rows' order)
                other.shared_words = -score
        else:
            best = (
                Article.objects.using(using)
                .published()
                .in_page_language()
                .exclude(pk__in=skip)
                .filter(fulltext.IndexMatch(weights, any_of=True, as_set=True))
                .only(*LIST_FIELDS)
                .annotate(shared_words=fulltext.MatchScore(weights))
                .order_by("-shared_words", "-published_at", "-id")[:limit]
            )
        # The score's threshold after the LIMIT, not in the WHERE clause (which would repeat its key sets):
        # the rows come best first, so the first ``limit`` rows reaching it are those of the filtered query.
        return [other for other in best if other.shared_words >= RELATED_MIN_SCORE]

    def _title_word_weights(self, english):
        """{word: weight} of the rarest ``RELATED_TERMS`` words of the title and summary that other titles
        hold (see ``sharing_words``), rarest first."""
        if english:
            own = {token for token in fulltext.tokens(self.title_en) if len(token) > 3}  # not of, the, and
            pieces = [token for token in fulltext.tokens(self.title_en, self.summary_en) if len(token) > 3]
            terms = {fulltext.Term(piece).in_english().in_title(): piece in own for piece in pieces}
        else:
            own = {token for token in fulltext.tokens(self.title) if len(token) > 1}
            pieces = [token for token in fulltext.tokens(self.title, self.summary) if len(token) > 1]
            terms = {fulltext.Term(piece).in_title(): piece in own for piece in pieces}
        weights = {}
        using = self._state.db or router.db_for_read(Article, instance=self)
        for term, (share, docs) in word_shares(list(terms)[:RELATED_LOOKUP], using=using).items():
            if docs is not None and docs <= (1 if terms[term] else 0):
                continue  # no other article has it in its title
            share = RELATED_UNKNOWN_SHARE if share is None else max(share, 1e-6)
            if share <= RELATED_MAX_SHARE:
                weights[term] = math.log(1 / share)
        return {term: weights[term] for term in sorted(weights, key=lambda term: -weights[term])[:RELATED_TERMS]}

    def _public_reader(self):
        """For a statement of ``_public_sql``: the database, a cursor on it, and the condition's parameters."""
        return public_reader(self._state.db or router.db_for_read(Article, instance=self))

    def related(self, limit=RELATED_COUNT, exclude=()):
        """相关快讯, chosen through the site search's index: the public articles whose titles share the most
        words with this one (``sharing_words``), then, to fill the list, the latest public articles of
        the same 栏目 and then of the others. Never this article nor ``exclude`` (the 上一篇/下一篇 shown).
        Three queries at most (how rare the words are, the articles sharing them, the latest), whatever
        the size of the archive.
        """
        skip = {self.pk} | {article.pk for article in exclude if article is not None}
        chosen = self.sharing_words(limit, skip)
        missing = limit - len(chosen)
        if missing > 0:
            # The newest of the 栏目, then the newest of the others: enough rows of each to fill the list
            # after leaving out this article, the ones shown and the ones chosen.
            skip |= {article.pk for article in chosen}
            using, cursor, status, now = self._public_reader()
            rows = missing + len(skip)
            with cursor:
                cursor.execute(
                    latest_statement(using, languages.is_english()),
                    [self.category_id, status, now, rows, status, now, rows],
                )
                found = cursor.fetchall()
            same = [row for same, *row in found if same and row[0] not in skip]
            others = [row for same, *row in found if not same and row[0] not in skip]
            others = [row for row in others if row[LIST_FIELDS.index("category_id")] != self.category_id]
            chosen += articles_from_rows(using, LIST_FIELDS, (same + others)[:missing])
        return chosen
