"""园区快讯: publishing rules, list and article pages, the view counter, the admin."""

import io
import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from news import viewcounter
from news.models import Article, Category, is_bot
from pagecache import redisconn

from .conftest import BROWSER_USER_AGENT

pytestmark = pytest.mark.django_db


# --- Publishing rules ---------------------------------------------------------


def test_published_excludes_drafts_and_scheduled(make_article):
    live = make_article("已发布")
    make_article("草稿", status=Article.Status.DRAFT)
    make_article("定时", days_ago=-1)
    assert list(Article.objects.published()) == [live]


def test_scheduled_and_drafts_querysets(make_article):
    make_article("已发布")
    draft = make_article("草稿", status=Article.Status.DRAFT)
    scheduled = make_article("定时", days_ago=-1)
    assert list(Article.objects.drafts()) == [draft]
    assert list(Article.objects.scheduled()) == [scheduled]


def test_scheduled_article_appears_when_its_time_comes(make_article):
    article = make_article("定时", days_ago=-1)
    assert not Article.objects.published().exists()
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert list(Article.objects.published()) == [article]


def test_publishing_without_a_time_takes_now(category):
    before = timezone.now()
    article = Article.objects.create(title="无时间", category=category, status=Article.Status.PUBLISHED)
    assert before <= article.published_at <= timezone.now()


def test_saving_a_draft_publishes_nothing(category):
    article = Article.objects.create(title="草稿", category=category)
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert not Article.objects.published().exists()


def test_summary_is_generated_from_body_when_empty(make_article):
    article = make_article(body="<p>第一段&nbsp;文字。</p><p>第二段。</p>")
    assert article.summary == "第一段 文字。 第二段。"
    assert make_article(summary="人工摘要").summary == "人工摘要"


def test_body_is_sanitized_on_save(make_article):
    article = make_article(body='<p onclick="steal()">正文</p><script>alert(1)</script>')
    article.refresh_from_db()
    assert article.body == "<p>正文</p>"


def test_pinned_first_then_newest(make_article):
    old_pinned = make_article("旧的置顶", days_ago=30, pinned=True)
    newest = make_article("最新", days_ago=1)
    older = make_article("较旧", days_ago=5)
    assert list(Article.objects.published()) == [old_pinned, newest, older]


# --- List pages ---------------------------------------------------------------


def test_list_shows_titles_and_dates_in_chinese_format(client, make_article):
    make_article("长沙高新区快讯", published_at=timezone.make_aware(timezone.datetime(2020, 12, 18, 9, 0)))
    response = client.get(reverse("news:list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "长沙高新区快讯" in content
    assert "2020年12月18日" in content


def test_list_hides_drafts_and_scheduled(client, make_article):
    make_article("公开文章")
    make_article("草稿文章", status=Article.Status.DRAFT)
    make_article("定时文章", days_ago=-2)
    content = client.get(reverse("news:list")).content.decode()
    assert "公开文章" in content
    assert "草稿文章" not in content
    assert "定时文章" not in content


def test_list_paginates_twenty_per_page(client, make_article):
    for day in range(45):
        make_article(f"文章{day:02d}号", days_ago=day + 1)
    first = client.get(reverse("news:list"))
    assert len(first.context["articles"]) == 20
    assert "文章00号" in first.content.decode()
    third = client.get(reverse("news:list"), {"page": 3})
    assert [a.title for a in third.context["articles"]] == [f"文章{d:02d}号" for d in range(40, 45)]
    assert "共 45 条，第 3/3 页" in third.content.decode()


@pytest.mark.parametrize("page", ["abc", "-1", "0", "999999", "1.5", "%00"])
def test_bad_page_numbers_are_chinese_404s(client, make_article, page):
    make_article()
    response = client.get(reverse("news:list"), {"page": page})
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_last_page_keyword_works(client, make_article):
    for day in range(25):
        make_article(f"文章{day}", days_ago=day + 1)
    response = client.get(reverse("news:list"), {"page": "last"})
    assert response.context["page_obj"].number == 2


def test_category_page_lists_only_its_articles(client, make_article):
    notices = Category.objects.create(name="通知公告", slug="notices", order=2)
    make_article("快讯一")
    make_article("通知一", category=notices)
    response = client.get(reverse("news:category", args=["notices"]))
    titles = [a.title for a in response.context["articles"]]
    assert titles == ["通知一"]
    assert "<h1>通知公告</h1>" in response.content.decode()


def test_unknown_category_is_404(client, db):
    assert client.get("/news/no-such-category/").status_code == 404


@pytest.mark.parametrize("slug", ["feed", "2020"])
def test_reserved_category_slug_is_refused(category, slug):
    """/news/feed/ is the feed and /news/<number>/ an article: no category may hide them."""
    with pytest.raises(ValidationError):
        Category(name="订阅", slug=slug).full_clean()


# --- Article page -------------------------------------------------------------


def test_article_page_shows_fields(client, make_article):
    article = make_article(
        "长沙高新区入选试点",
        publisher="科技部、湖南开发区网",
        published_at=timezone.make_aware(timezone.datetime(2020, 12, 18)),
        body="<p>为深入贯彻。</p>",
    )
    response = client.get(article.get_absolute_url())
    content = response.content.decode()
    assert content.count("<h1") == 1
    assert '<h1 class="article__title">长沙高新区入选试点</h1>' in content
    assert "2020年12月18日" in content
    assert "科技部、湖南开发区网" in content
    assert '<dd class="article__views">1</dd>' in content
    assert "<p>为深入贯彻。</p>" in content


def test_article_page_links_newer_and_older_in_category(client, make_article):
    older = make_article("较早", days_ago=10)
    middle = make_article("中间", days_ago=5)
    newer = make_article("较新", days_ago=1)
    other = make_article("其他栏目", days_ago=3, category=Category.objects.create(name="通知公告", slug="notices"))
    response = client.get(middle.get_absolute_url())
    assert response.context["newer"] == newer
    assert response.context["older"] == older
    assert f'上一篇：<a href="{newer.get_absolute_url()}"' in response.content.decode()
    assert list(response.context["related"]) == [other]  # never the 上一篇/下一篇 again


def test_neighbours_of_articles_published_at_the_same_time_follow_their_order(make_article):
    """Same 发布时间 (an import, a batch): newer and older by id, none skipped and none repeated."""
    same_time = timezone.now() - timedelta(days=2)
    first, second, third = (make_article(title, published_at=same_time) for title in ("一", "二", "三"))
    before = make_article("前", days_ago=5)
    after = make_article("后", days_ago=1)
    assert second.neighbours() == (third, first)
    assert first.neighbours() == (second, before)
    assert third.neighbours() == (after, second)


def test_draft_and_scheduled_articles_are_404_for_the_public(client, make_article):
    draft = make_article("草稿", status=Article.Status.DRAFT)
    scheduled = make_article("定时", days_ago=-1)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_staff_preview_draft_without_counting(staff_client, make_article):
    draft = make_article("草稿预览", status=Article.Status.DRAFT)
    response = staff_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "预览：此文章是草稿" in response.content.decode()
    draft.refresh_from_db()
    assert draft.view_count == 0


def test_unknown_article_is_chinese_404(client, db):
    response = client.get("/news/987654/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


# --- View counter -------------------------------------------------------------


def test_each_public_view_adds_one(client, make_article):
    article = make_article()
    for _ in range(3):
        client.get(article.get_absolute_url())
    viewcounter.flush()
    article.refresh_from_db()
    assert article.view_count == 3


def test_view_counter_is_one_atomic_update(client, make_article):
    if redisconn.configured():
        pytest.skip("with Redis a view is counted in Redis (tests/test_view_counter.py)")
    article = make_article()
    with CaptureQueriesContext(connection) as queries:
        client.get(article.get_absolute_url())
    updates = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert '"view_count" = ("news_article"."view_count" + 1)' in updates[0]


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Sogou web spider/4.0",
        "curl/8.5.0",
        "python-requests/2.32",
        "",
    ],
)
def test_crawlers_are_not_counted(make_article, user_agent):
    article = make_article()
    response = Client(HTTP_USER_AGENT=user_agent).get(article.get_absolute_url())
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.view_count == 0


def test_browsers_are_not_bots():
    assert not is_bot(BROWSER_USER_AGENT)
    assert not is_bot("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_views_are_all_counted(make_article):
    """Real concurrent requests on PostgreSQL: none of the increments is lost."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (.ci/run); SQLite serializes writers")
    article = make_article()
    threads, per_thread = 8, 25
    barrier = threading.Barrier(threads)
    failures = []

    def visit():
        client = Client(HTTP_USER_AGENT=BROWSER_USER_AGENT)
        barrier.wait()
        try:
            for _ in range(per_thread):
                if client.get(article.get_absolute_url()).status_code != 200:
                    failures.append("status")
        finally:
            connections.close_all()

    workers = [threading.Thread(target=visit) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    viewcounter.flush()
    article.refresh_from_db()
    assert failures == []
    assert article.view_count == threads * per_thread


# --- Query counts -------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "queries"),
    # site settings, the navigation's 栏目 and documents, the footer's 友情链接; the articles
    # (and, for a paginated list, their count); on home the 焦点图 and the 栏目 columns (one
    # query for all columns), and one query each for the 协会简介 and 会员单位 panels
    [("home", 9), ("news:list", 6)],  # home: its 栏目 (kept per process), then each one's newest
)
def test_list_pages_query_count_does_not_grow(client, make_article, django_assert_num_queries, url_name, queries):
    make_article("一")
    client.get(reverse(url_name))  # the first request creates the site settings record
    with django_assert_num_queries(queries):
        client.get(reverse(url_name))
    for day in range(30):
        make_article(f"文章{day}", days_ago=day + 2, pinned=day % 7 == 0)
    with django_assert_num_queries(queries):
        client.get(reverse(url_name))


@pytest.mark.parametrize(
    ("url", "queries"),
    # the category (for a category page); site settings, the count and the page of articles;
    # and the site chrome (3) (the search page has its own test in test_search.py)
    [("/news/park-express/", 7)],
)
def test_category_and_search_query_count_does_not_grow(client, make_article, django_assert_num_queries, url, queries):
    make_article("文章一")
    client.get(url)
    with django_assert_num_queries(queries):
        client.get(url)
    for day in range(30):
        make_article(f"文章{day}", days_ago=day + 2)
    with django_assert_num_queries(queries):
        client.get(url)


def test_article_page_query_count_does_not_grow(client, make_article, django_assert_num_queries):
    article = make_article("目标", days_ago=15)
    client.get(article.get_absolute_url())
    # article (with whether it has 附件), +1 view (in Redis when there is one), newer and older (one
    # statement), related (how rare the title's and summary's words are, then the latest), site settings,
    # and the site chrome (3)
    queries = 8 if redisconn.configured() else 9
    with django_assert_num_queries(queries):
        client.get(article.get_absolute_url())
    for day in range(30):
        make_article(f"文章{day}", days_ago=day + 1)
    with django_assert_num_queries(queries):
        client.get(article.get_absolute_url())


# --- Feed ---------------------------------------------------------------------


def test_feed_lists_public_articles_and_is_linked(client, make_article):
    make_article("公开快讯")
    make_article("草稿快讯", status=Article.Status.DRAFT)
    feed = client.get(reverse("news:feed"))
    assert feed["Content-Type"].startswith("application/rss+xml")
    body = feed.content.decode()
    assert "<title>公开快讯</title>" in body
    assert "草稿快讯" not in body
    page = client.get(reverse("news:list")).content.decode()
    assert f'type="application/rss+xml" title="新闻中心（全部栏目）" href="{reverse("news:feed")}"' in page


# --- Admin --------------------------------------------------------------------


def test_admin_is_titled_in_chinese(staff_client):
    assert "湖南省开发区协会 网站管理" in staff_client.get("/admin/").content.decode()


def test_staff_create_and_publish_article(staff_client, category, client):
    response = staff_client.post(
        reverse("admin:news_article_add"),
        {
            "title": "后台发布的文章",
            "category": category.pk,
            "publisher": "协会秘书处",
            "body": "<p>正文<strong>加粗</strong></p><script>x()</script>",
            "status": "published",
            "published_at_0": "",
            "published_at_1": "",
            "summary": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    article = Article.objects.get(title="后台发布的文章")
    assert article.body == "<p>正文<strong>加粗</strong></p>"
    assert article.created_by.username == "admin"
    assert "后台发布的文章" in client.get(reverse("news:list")).content.decode()


def test_view_count_is_read_only_in_admin(staff_client, make_article):
    article = make_article()
    page = staff_client.get(reverse("admin:news_article_change", args=[article.pk])).content.decode()
    assert 'name="view_count"' not in page


def test_bulk_actions_publish_pin_unpublish(staff_client, make_article):
    draft = make_article("草稿", status=Article.Status.DRAFT, published_at=None)
    changelist = reverse("admin:news_article_changelist")
    staff_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED and draft.published_at is not None
    staff_client.post(changelist, {"action": "pin", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.pinned
    staff_client.post(changelist, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_admin_list_search_and_filters(staff_client, make_article):
    make_article("长沙经开区新闻", body="<p>自贸区</p>")
    make_article("湘西新闻")
    changelist = reverse("admin:news_article_changelist")
    assert staff_client.get(changelist, {"q": "自贸区"}).context["cl"].result_count == 1
    assert staff_client.get(changelist, {"status__exact": "draft"}).context["cl"].result_count == 0


def test_anonymous_and_non_staff_are_refused_by_admin(client, make_article, django_user_model):
    add_url = reverse("admin:news_article_add")
    assert client.get(add_url).status_code == 302  # to the login page
    member = django_user_model.objects.create_user("member", password="pw-123456789")
    client.force_login(member)
    response = client.post(add_url, {"title": "入侵"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Article.objects.filter(title="入侵").exists()


def test_staff_without_permission_cannot_add(make_article):
    clerk = User.objects.create_user("clerk", password="pw-123456789", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_article"))
    client = Client()
    client.force_login(clerk)
    assert client.get(reverse("admin:news_article_add")).status_code == 403


def _png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_upload_refuses_anonymous(client, settings):
    upload = SimpleUploadedFile("a.png", _png_bytes(), content_type="image/png")
    response = client.post(reverse("ck_editor_5_upload_file"), {"upload": upload})
    assert response.status_code == 403
    assert not list(settings.MEDIA_ROOT.glob("**/*.png"))


def test_upload_refuses_non_images(staff_client, settings):
    fake = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png")
    assert staff_client.post(reverse("ck_editor_5_upload_file"), {"upload": fake}).status_code == 400
    html = SimpleUploadedFile("page.html", b"<html></html>", content_type="text/html")
    assert staff_client.post(reverse("ck_editor_5_upload_file"), {"upload": html}).status_code == 400


def test_staff_upload_an_image(staff_client, settings):
    upload = SimpleUploadedFile("图片.png", _png_bytes(), content_type="image/png")
    response = staff_client.post(reverse("ck_editor_5_upload_file"), {"upload": upload})
    assert response.status_code == 200
    url = response.json()["url"]
    assert url.startswith("/media/uploads/")
    assert list(settings.MEDIA_ROOT.glob("uploads/*/*/*.png"))


# --- The admin's article list at scale (issue 25) ---------------------------------------------------------


def test_the_admin_article_list_counts_up_to_its_bound_and_says_more(staff_client, make_article, monkeypatch):
    from editorial.adminlists import BoundedCountPaginator

    monkeypatch.setattr(BoundedCountPaginator, "bound", 3)
    for day in range(5):
        make_article(f"快讯{day}", days_ago=day + 1)
    with CaptureQueriesContext(connection) as queries:
        page = staff_client.get("/admin/news/article/").content.decode()
    assert "3+ 文章" in page  # under the list: not "5", and not a plain "3"
    assert "_facets" not in page  # no "显示计数": a count per filter choice over every article
    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"] and "news_article" in query["sql"]]
    assert counts and all("LIMIT 4" in sql for sql in counts)  # never a count of every article
    assert staff_client.get("/admin/news/article/", {"q": "快讯"}).status_code == 200


def test_the_admin_article_list_reads_no_large_text(staff_client, make_article):
    english = make_article("英文版快讯", title_en="English news", body_en="<p>Text.</p>")
    make_article("只有中文")
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get("/admin/news/article/")
    rows = [query["sql"] for query in queries if query["sql"].startswith('SELECT "news_article"."id"')]
    assert rows and all('"news_article"."body"' not in sql and "search_tokens" not in sql for sql in rows)
    page = response.content.decode()
    assert page.count('alt="True"') == 1  # the 英文版 column, from the titles' and bodies' emptiness alone
    assert english.title in page


def test_an_articles_address_is_what_reverse_gives_in_each_language_and_prefix(db):
    """Article.get_absolute_url builds the address around the number, once per language and script prefix."""
    from django.urls import reverse, set_script_prefix
    from django.utils import translation

    for pk in (1, 7, 12345, 918273645, 10**12):
        article = Article(pk=pk)
        for language in ("zh-hans", "en"):
            with translation.override(language):
                assert article.get_absolute_url() == reverse("news:detail", args=[pk])
    try:
        set_script_prefix("/site/")
        assert Article(pk=5).get_absolute_url() == reverse("news:detail", args=[5]) == "/site/news/5/"
    finally:
        set_script_prefix("/")
    assert Article(pk=5).get_absolute_url() == "/news/5/"
    with translation.override("en"):
        assert Article(pk=5).get_absolute_url() == "/en/news/5/"
