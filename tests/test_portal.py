"""The site as a portal: 栏目 settings driving navigation, home columns, feeds and the default 栏目;
焦点图; 友情链接; 联系我们; tables in rich text; 相关快讯; members in pinyin order and 级别 未注明."""

import re
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from PIL import Image

from hnda_site.models import FriendlyLink, SiteSettings
from members.models import Member, pinyin_sort_key
from news.models import Article, Category

pytestmark = pytest.mark.django_db


def nav_of(content):
    start = content.index('aria-label="主导航"')
    return content[start : content.index("</nav>", start)]


def jpeg(name="cover.jpg"):
    data = BytesIO()
    Image.new("RGB", (64, 36), (11, 79, 138)).save(data, "JPEG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/jpeg")


@pytest.fixture
def notices(db):
    return Category.objects.create(name="通知公告", english_name="NOTICES", slug="notices", order=0, home_position=0)


# --- 栏目 settings -------------------------------------------------------------------


def test_categories_in_navigation_follow_their_setting_and_order(client, category, notices):
    Category.objects.create(name="内部栏目", slug="internal", show_in_nav=False)
    nav = nav_of(client.get("/").content.decode())
    assert re.findall(r'<a href="/news/[^"]+/">([^<]+)</a>', nav) == ["通知公告", "园区快讯"]
    notices.order = 5
    notices.save()
    nav = nav_of(client.get("/").content.decode())
    assert re.findall(r'<a href="/news/[^"]+/">([^<]+)</a>', nav) == ["园区快讯", "通知公告"]


def test_category_page_has_its_own_heading_breadcrumb_and_feed(client, notices, make_article):
    make_article("放假通知", category=notices)
    content = client.get(notices.get_absolute_url()).content.decode()
    assert "<h1>通知公告</h1>" in content
    assert '<p class="page-header__en" lang="en">NOTICES</p>' in content
    assert "园区快讯" not in content.split('<main id="main"', 1)[1].split("</main>")[0]
    assert '<li aria-current="page">通知公告</li>' in content
    assert '<link rel="alternate" type="application/rss+xml" title="通知公告" href="/news/notices/feed/">' in content


def test_category_feed_lists_only_its_public_articles(client, category, notices, make_article):
    make_article("放假通知", category=notices)
    make_article("园区新闻", category=category)
    make_article("通知草稿", category=notices, status=Article.Status.DRAFT)
    feed = client.get(reverse("news:category_feed", args=["notices"]))
    assert feed["Content-Type"].startswith("application/rss+xml")
    body = feed.content.decode()
    assert "<title>湖南省开发区协会 · 通知公告</title>" in body
    assert "<title>放假通知</title>" in body
    assert "园区新闻" not in body and "通知草稿" not in body
    assert client.get("/news/no-such/feed/").status_code == 404


def test_home_columns_follow_category_settings(client, category, notices, make_article):
    for number in range(8):
        make_article(f"通知{number}", category=notices, days_ago=number + 1)
        make_article(f"快讯{number}", category=category, days_ago=number + 1)
    notices.home_count = 3
    notices.save()
    Category.objects.create(name="空栏目", slug="empty")  # no article: no column

    columns = client.get("/").context["columns"]
    assert [(c.name, [a.title for a in articles]) for c, articles in columns] == [
        ("通知公告", ["通知0", "通知1", "通知2"]),
        ("园区快讯", [f"快讯{n}" for n in range(6)]),
    ]
    category.home_position, category.show_on_home = 0, True
    category.save()
    notices.home_position = 1
    notices.save()
    assert [c.name for c, _ in client.get("/").context["columns"]] == ["园区快讯", "通知公告"]
    notices.show_on_home = False
    notices.save()
    content = client.get("/").content.decode()
    assert [c.name for c, _ in client.get("/").context["columns"]] == ["园区快讯"]
    assert 'id="home-column-notices"' not in content and "空栏目" not in content.split("</nav>", 1)[1]


def test_home_column_puts_pinned_articles_first(client, category, make_article):
    make_article("新", days_ago=1)
    make_article("置顶的旧文", days_ago=30, pinned=True)
    columns = client.get("/").context["columns"]
    assert [a.title for a in columns[0][1]] == ["置顶的旧文", "新"]


def test_home_count_is_bounded(category):
    category.home_count = 0
    with pytest.raises(ValidationError):
        category.full_clean()
    category.home_count = 21
    with pytest.raises(ValidationError):
        category.full_clean()


def test_home_query_count_does_not_grow_with_categories(client, category, make_article, django_assert_num_queries):
    make_article("一")
    client.get("/")
    with django_assert_num_queries(9):
        client.get("/")
    for number in range(3):
        other = Category.objects.create(name=f"栏目{number}", slug=f"column-{number}")
        for day in range(8):
            make_article(f"栏目{number}文章{day}", category=other, days_ago=day, featured=True, cover=jpeg())
    with django_assert_num_queries(9):
        response = client.get("/")
    assert len(response.context["focus_articles"]) == 5


def test_default_category_for_new_articles_is_the_site_setting(staff_client, category, notices):
    """通知公告 sorts first, but new articles start in the 栏目 chosen in 网站设置."""
    settings = SiteSettings.load()
    settings.default_category = category
    settings.save()
    page = staff_client.get(reverse("admin:news_article_add")).content.decode()
    assert f'<option value="{category.pk}" selected>园区快讯</option>' in page
    settings.default_category = None
    settings.save()
    page = staff_client.get(reverse("admin:news_article_add")).content.decode()
    assert "selected>通知公告" not in page and "selected>园区快讯" not in page


def test_seed_makes_park_express_the_default_category(db):
    from hnda_site.seeding import load_all

    load_all()
    assert SiteSettings.load().default_category.slug == "park-express"


def test_staff_add_a_category_from_the_admin_and_it_appears(staff_client, client, category):
    response = staff_client.post(
        reverse("admin:news_category_add"),
        {
            "name": "政策法规",
            "english_name": "POLICIES",
            "slug": "policies",
            "show_in_nav": "on",
            "order": "3",
            "show_on_home": "on",
            "home_position": "0",
            "home_count": "5",
            "stale_after_days": "30",
        },
    )
    assert response.status_code == 302
    assert '<a href="/news/policies/">政策法规</a>' in nav_of(client.get("/").content.decode())
    assert client.get("/news/policies/").status_code == 200


# --- 焦点图 -------------------------------------------------------------------------------


def test_focus_strip_shows_featured_public_articles_with_a_cover_newest_first(client, make_article):
    make_article("无封面", featured=True)
    make_article("未选", cover=jpeg())
    older = make_article("较早焦点", days_ago=5, featured=True, cover=jpeg())
    newer = make_article("最新焦点", days_ago=1, featured=True, cover=jpeg())
    make_article("焦点草稿", featured=True, cover=jpeg(), status=Article.Status.DRAFT)
    response = client.get("/")
    assert response.context["focus_articles"] == [newer, older]
    content = response.content.decode()
    assert content.count('class="focus__slide"') == 2
    assert 'aria-label="焦点图"' in content


def test_staff_cannot_choose_an_article_without_cover_for_the_focus_strip(staff_client, category):
    data = {"title": "无图文章", "category": category.pk, "body": "<p>正文</p>", "status": "published"}
    data.update({"published_at_0": "", "published_at_1": "", "summary": "", "featured": "on"})
    response = staff_client.post(reverse("admin:news_article_add"), data)
    assert response.status_code == 200
    assert "焦点图需要封面图片" in response.content.decode()
    response = staff_client.post(reverse("admin:news_article_add"), {**data, "cover": jpeg()})
    assert response.status_code == 302
    assert Article.objects.get(title="无图文章").featured


def test_focus_action_skips_articles_without_a_cover(staff_client, make_article):
    with_cover = make_article("有图", cover=jpeg())
    without = make_article("无图")
    response = staff_client.post(
        reverse("admin:news_article_changelist"),
        {"action": "feature", "_selected_action": [with_cover.pk, without.pk]},
        follow=True,
    )
    assert "已将 1 篇文章设为焦点图" in response.content.decode()
    assert "有 1 篇文章没有封面图片" in response.content.decode()
    assert list(Article.objects.filter(featured=True)) == [with_cover]


def test_without_focus_articles_there_is_no_empty_strip(client, make_article):
    make_article("只有一篇")
    content = client.get("/").content.decode()
    assert "data-focus" not in content
    assert 'class="empty"' not in content


def test_one_focus_article_has_no_controls(client, make_article):
    make_article("唯一焦点", featured=True, cover=jpeg())
    content = client.get("/").content.decode()
    assert "data-focus-controls" not in content


# --- 友情链接 ----------------------------------------------------------------------------------


def test_friendly_links_accept_only_web_addresses():
    link = FriendlyLink(name="坏链接", url="javascript:alert(1)")
    with pytest.raises(ValidationError):
        link.full_clean()
    FriendlyLink(name="好链接", url="https://swt.hunan.gov.cn/").full_clean()


def test_friendly_links_show_grouped_on_home_and_in_footer_marked_external(client, category):
    FriendlyLink.objects.create(name="兄弟协会甲", url="https://a.example.org/", group="association")
    FriendlyLink.objects.create(name="湖南省发改委", url="https://fgw.example.org/", order=2)
    FriendlyLink.objects.create(name="湖南省商务厅", url="https://swt.example.org/", order=1)
    FriendlyLink.objects.create(name="已隐藏", url="https://h.example.org/", visible=False)
    content = client.get("/").content.decode()
    home = content[content.index('id="home-friends"') : content.index('class="site-footer"')]
    assert re.findall(r'<h3 class="friends__title">(\w+)</h3>', home) == ["政府部门", "兄弟协会"]
    assert re.findall(r'rel="noopener noreferrer">(\w+)<', home) == ["湖南省商务厅", "湖南省发改委", "兄弟协会甲"]
    footer = content[content.index('class="site-footer"') :]
    assert footer.count('class="external-link"') == 0  # the home page lists them once, in its panel
    other = client.get("/contact/").content.decode()
    assert other[other.index('class="site-footer"') :].count('class="external-link"') == 3
    assert "已隐藏" not in content
    assert (
        '<a class="external-link" href="https://swt.example.org/" target="_blank" rel="noopener noreferrer">'
        '湖南省商务厅<span class="visually-hidden">（外部网站，在新窗口打开）</span></a>'
    ) in content


def test_no_friendly_links_no_panel(client, category):
    content = client.get("/").content.decode()
    assert "友情链接" not in content


# --- 联系我们 and the footer ---------------------------------------------------------------------


def test_contact_page_shows_what_the_settings_hold(client, db):
    settings = SiteSettings.load()
    settings.address = "湖南省长沙市五一大道492号粮贸大厦14楼"
    settings.phone = "0731-12345678"
    settings.office_hours = "周一至周五 9:00–17:00"
    settings.save()
    response = client.get("/contact/")
    content = response.content.decode()
    assert "<dt>地址</dt><dd>湖南省长沙市五一大道492号粮贸大厦14楼</dd>" in content
    assert '<dd><a href="tel:0731-12345678">0731-12345678</a></dd>' in content
    assert "<dt>办公时间</dt><dd>周一至周五 9:00–17:00</dd>" in content
    assert "电子邮箱" not in content  # not set: not shown
    assert "<img" not in content.split('class="contact"')[1].split("</main>")[0]  # no map image: the address as text


def test_contact_page_shows_the_uploaded_map_image(client, db):
    settings = SiteSettings.load()
    settings.address = "长沙"
    settings.map_image = jpeg("map.jpg")
    settings.save()
    content = client.get("/contact/").content.decode()
    assert re.search(r'<img src="/media/site/map[^"]*\.jpg" alt="湖南省开发区协会位置示意图：长沙">', content)


def test_footer_shows_the_police_badge_only_with_a_police_number(client, db):
    assert "police-badge" not in client.get("/").content.decode()
    settings = SiteSettings.load()
    settings.police_number = "湘公网安备 43010000000000号"
    settings.save()
    content = client.get("/").content.decode()
    assert re.search(r'<img src="/static/img/police-badge\.svg" alt="" width="18" height="20">湘公网安备', content)


# --- Rich text on phones ---------------------------------------------------------------------------


def test_tables_in_rich_text_get_their_own_scrolling_box():
    body = "<p>前言</p><table><tbody><tr><td>一</td></tr></tbody></table><p>后记</p><TABLE><tr><td>二</td></tr></TABLE>"
    html = Template("{% load site_tags %}{{ body|rich_text }}").render(Context({"body": body}))
    assert html.count('<div class="table-scroll" role="region" aria-label="表格" tabindex="0"><table') == 1
    assert html.count('tabindex="0"><TABLE>') == 1
    assert html.count("</table></div>") == 1 and html.count("</TABLE></div>") == 1
    assert html.startswith("<p>前言</p>")


def test_article_page_wraps_its_tables(client, make_article):
    article = make_article(body="<figure class='table'><table><tbody><tr><td>甲</td></tr></tbody></table></figure>")
    assert 'class="table-scroll"' in client.get(article.get_absolute_url()).content.decode()


# --- 相关快讯 -----------------------------------------------------------------------------------------


def test_related_articles_share_title_words_and_skip_the_neighbours(make_article, notices):
    target = make_article("长沙高新区企业创新积分制试点", days_ago=10)
    newer = make_article("长沙高新区创新积分制再获推广", days_ago=9)  # 上一篇: already linked
    make_article("岳阳新闻", days_ago=11)  # 下一篇, nothing in common
    close = make_article("企业创新积分制试点经验", days_ago=40, category=notices)
    closer = make_article("长沙高新区企业创新积分制", days_ago=50)
    unrelated_latest = make_article("湘西绿色发展", days_ago=1)
    neighbours = target.neighbours()
    assert neighbours[0] == newer
    related = target.related(exclude=neighbours)
    assert related[:2] == [closer, close]
    assert newer not in related and neighbours[1] not in related
    assert related[2] == unrelated_latest  # then the latest, same 栏目 first


def test_related_and_neighbours_read_by_hand_hold_what_the_orm_gives(client, make_article, notices):
    """上一篇/下一篇 and 相关快讯 are read by statements written by hand: each value is what the ORM gives (on
    SQLite a time came back naive, or as text from a subquery, and 置顶 as 0 or 1), so the page shows each
    date in Asia/Shanghai: 16:30 UTC on 3 November is 4 November in Changsha."""
    from datetime import UTC, datetime

    late_evening = datetime(2026, 11, 1, 16, 30, tzinfo=UTC)  # 2026年11月2日 00:30 in Asia/Shanghai
    target = make_article("长沙企业创新积分制试点", published_at=late_evening, title_en="Pilot", body_en="<p>Pilot</p>")
    shared = make_article("企业创新积分制试点经验", published_at=late_evening.replace(day=2), pinned=True)
    older = make_article("岳阳新闻", published_at=late_evening.replace(month=10))
    latest = make_article("湘西绿色发展", published_at=late_evening.replace(day=3), category=notices)
    newer, before = target.neighbours()
    related = target.related(exclude=(newer, before))
    assert (newer, before) == (shared, older)
    assert related == [latest]  # the neighbours are not repeated; then the latest of the other 栏目
    for article in (newer, before, *related):
        stored = Article.objects.get(pk=article.pk)
        assert article.published_at == stored.published_at and article.published_at.utcoffset() is not None
        assert (article.title, article.title_en) == (stored.title, stored.title_en)
    for article in (*related, target.sharing_words()[0]):
        stored = Article.objects.get(pk=article.pk)
        assert (article.category_id, article.pinned) == (stored.category_id, stored.pinned)
    [sharing] = target.sharing_words()
    assert sharing == shared and sharing.pinned is True and related[0].pinned is False
    assert sharing.published_at == shared.published_at
    page = client.get(target.get_absolute_url()).content.decode()
    assert "2026年11月4日" in page[page.index('id="related-title"') :]  # latest, 3 November 16:30 UTC


def test_related_articles_hold_when_the_table_statistics_are_stale(make_article, notices):
    """The statistics (PostgreSQL: pg_class.reltuples, written by ANALYZE or autovacuum outside any
    transaction) may describe a table of one row while it now holds more: the shares of the words must
    come from what the table holds, or every shared word looks more common than the whole table."""
    from django.db import connection

    from search.fulltext import refresh_statistics

    target = make_article("长沙高新区企业创新积分制试点", days_ago=10)
    refresh_statistics(connection, Article._meta.db_table)  # the statistics say: one article
    close = make_article("企业创新积分制试点经验", days_ago=40, category=notices)
    closer = make_article("长沙高新区企业创新积分制", days_ago=50)
    for day in range(3):
        make_article(f"岳阳新闻{day}", days_ago=60 + day)
    assert target.related()[:2] == [closer, close]


def test_related_falls_back_to_the_latest_of_the_same_category(make_article, notices):
    target = make_article("甲", days_ago=10)
    other_category = make_article("乙", days_ago=1, category=notices)
    same_category = make_article("丙", days_ago=2)
    assert target.related() == [same_category, other_category]


def test_related_fills_from_the_category_then_from_all_newest_first(make_article, notices):
    target = make_article("甲", days_ago=10)
    others = [make_article(f"通知{day}", days_ago=day, category=notices) for day in (1, 2, 3)]
    same = [make_article(f"快讯{day}", days_ago=day) for day in (4, 5)]
    assert target.related(limit=4) == [*same, others[0], others[1]]
    assert target.related(limit=1) == [same[0]]


def test_related_articles_are_scored_from_the_candidates_titles_one_lookup_in_the_index(make_article, notices):
    """Up to RELATED_CANDIDATES articles holding a chosen word are read (one lookup in the index for all
    the words) and scored from their titles' words: the same list as the database's score gives."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from news import models as news_models

    target = make_article("长沙高新区企业创新积分制试点", days_ago=10)
    close = make_article("企业创新积分制试点经验", days_ago=40, category=notices)
    closer = make_article("长沙企业创新积分制试点", days_ago=50)
    make_article("试点工作", days_ago=30)  # one word in common, worth less than RELATED_MIN_SCORE
    for day in range(4):
        make_article(f"岳阳新闻{day}", days_ago=60 + day)
    with CaptureQueriesContext(connection) as captured:
        shared = target.sharing_words()
    assert shared == [closer, close]  # more rare words shared first, though older
    sql = captured.captured_queries[-1]["sql"]
    assert "CASE WHEN" not in sql
    if connection.vendor == "sqlite":
        assert sql.count("MATCH") == 1  # FTS5 answers "any of the words" itself
    else:  # a lookup in the index per word (never one tsquery of them all: see any_of_keys_sql), read once
        assert sql.count("= ANY(ARRAY(SELECT") == 1
        assert sql.count("@@") == sql.count(" UNION ") + 1 > 1
    news_models.RELATED_CANDIDATES, saved = 1, news_models.RELATED_CANDIDATES  # more than that: the database scores
    try:
        assert target.sharing_words() == shared
    finally:
        news_models.RELATED_CANDIDATES = saved


def test_related_articles_query_each_words_keys_once(make_article, notices, monkeypatch):
    """Past RELATED_CANDIDATES the score of 相关快讯 is one expression: each chosen word's set of keys appears
    once in the SQL (the score in the WHERE clause too repeated them all), and the threshold holds after
    the LIMIT."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from news import models as news_models

    monkeypatch.setattr(news_models, "RELATED_CANDIDATES", 0)
    target = make_article("长沙高新区企业创新积分制试点", days_ago=10)
    close = make_article("企业创新积分制试点经验", days_ago=40, category=notices)
    make_article("试点工作", days_ago=30)  # one word in common, worth less than RELATED_MIN_SCORE
    for day in range(4):
        make_article(f"岳阳新闻{day}", days_ago=60 + day)
    with CaptureQueriesContext(connection) as captured:
        shared = target.sharing_words()
    assert shared == [close]
    sql = captured.captured_queries[-1]["sql"]
    marker = "MATCH" if connection.vendor == "sqlite" else "@@"
    # the words' key sets, and the "any word" filter: one FTS5 query, or on PostgreSQL a lookup per word
    assert sql.count(marker) == sql.count("CASE WHEN") * (2 if marker == "@@" else 1) + (marker == "MATCH")
    assert "CASE" not in sql[sql.rindex(" ORDER BY ") :]  # ordered by the selected score, not a second copy
    if connection.vendor == "postgresql":  # the candidates' keys found once, then read by key, whatever the plan
        assert sql.count("= ANY(ARRAY(SELECT") == 1


# --- Members ----------------------------------------------------------------------------------------------


def test_pinyin_sort_key_orders_names_as_a_chinese_dictionary_does():
    names = ["株洲高新区", "岳阳经开区", "长沙经开区", "常德经开区", "湘潭高新区", "阿里园区", "佳园", "吉园"]
    assert sorted(names, key=pinyin_sort_key) == [
        "阿里园区",
        "常德经开区",  # chang de < chang sha
        "长沙经开区",
        "吉园",  # ji before jia
        "佳园",
        "湘潭高新区",
        "岳阳经开区",
        "株洲高新区",
    ]


def test_member_sort_key_is_stored_on_save(db):
    member = Member.objects.create(name="湘潭经开区", city="xiangtan", kind="economic")
    assert member.sort_key == pinyin_sort_key("湘潭经开区")
    member.name = "长沙经开区"
    member.save()
    member.refresh_from_db()
    assert member.sort_key.startswith("chang0")


def test_unstated_level_is_a_filter_option_with_its_count(client, db):
    Member.objects.create(name="甲园区", city="changsha", kind="economic", level="national")
    Member.objects.create(name="乙园区", city="changsha", kind="economic", level="")
    Member.objects.create(name="丙园区", city="changsha", kind="economic", level="")
    response = client.get(reverse("members:list"))
    level = next(f for f in response.context["facets"] if f.name == "level")
    assert [(o.label, o.count) for o in level.options][-1] == ("未注明", 2)
    response = client.get(reverse("members:list"), {"level": "none"})
    assert [m.name for m in response.context["members"]] == ["丙园区", "乙园区"]  # bing < yi
    assert '<a class="chip" href="?" title="取消此条件">级别：未注明 ' in response.content.decode()


def test_no_unstated_option_when_every_level_is_known(client, db):
    Member.objects.create(name="甲园区", city="changsha", kind="economic", level="national")
    level = next(f for f in client.get(reverse("members:list")).context["facets"] if f.name == "level")
    assert "未注明" not in [o.label for o in level.options]


def test_migration_gives_existing_members_their_pinyin_key(transactional_db):
    """Members saved before the sort key existed get it from the data migration."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("members", "0001_initial")], [("members", "0005_member_pinyin_sort_key")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_member = executor.loader.project_state(before).apps.get_model("members", "Member")
    old_member.objects.create(name="株洲高新区", city="zhuzhou", kind="high_tech", role=5, order=0, active=True)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    sort_key = executor.loader.project_state(after).apps.get_model("members", "Member").objects.get().sort_key
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest schema for the other tests
    assert sort_key == pinyin_sort_key("株洲高新区")
