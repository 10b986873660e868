"""协会文件: the pages, their query counts, the home page panel."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from association import outline
from association.models import Document, DocumentVersion
from association.seed import load as load_association_seed

from .helpers import CHARTER_V1, h1_count

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_document_page_shows_the_current_version(client, charter_v2):
    response = client.get("/about/charter/")
    content = response.content.decode()
    assert h1_count(response) == 1
    assert '<h1 class="article__title">湖南省开发区协会章程</h1>' in content
    assert "<dd>第 2 版（现行）</dd>" in content
    assert '<time datetime="2021-03-01">2021年3月1日</time>' in content
    assert '<a href="/about/charter/history/">历史版本</a>' in content
    assert "50万元" in content and "12万元" not in content
    assert '<li aria-current="page">协会章程</li>' in content
    assert '<a href="/about/charter/" aria-current="page">协会章程</a>' in content  # section nav and main nav


def test_charter_page_has_anchors_an_outline_beside_and_a_folding_one(client, charter_v2):
    content = client.get("/about/charter/").content.decode()
    assert 'id="tiao-5"' in content and 'id="tiao-8"' in content and 'id="zhang-2"' in content
    assert 'class="doc-outline doc-outline--side"' in content
    assert '<details class="doc-outline doc-outline--fold">' in content
    assert content.count('<a href="#tiao-7">第七条') == 2  # the same outline, side and folding
    assert 'src="/static/js/association.js"' in content


def test_document_without_headings_has_no_outline_on_its_page(client, intro, make_version):
    make_version(intro, body="<p>湖南省开发区协会是全省性联合民间组织。</p>")
    content = client.get("/about/intro/").content.decode()
    assert "doc-outline" not in content
    assert "<p>湖南省开发区协会是全省性联合民间组织。</p>" in content
    assert "association.js" not in content


def test_date_shows_the_version_in_force_that_day(client, charter_v2):
    content = client.get("/about/charter/", {"date": "2019-01-01"}).content.decode()
    assert "这是 2019年1月1日 当天有效的文本：第 1 版，自 2017年9月29日 起生效。" in content
    assert "这不是现行版本。" in content
    assert "12万元" in content
    assert '<meta name="robots" content="noindex">' in content
    content = client.get("/about/charter/", {"date": "2021-03-01"}).content.decode()
    assert "第 2 版，自 2021年3月1日 起生效" in content and "这不是现行版本" not in content


def test_date_before_any_version_says_none_was_in_force_yet(client, charter_v2):
    response = client.get("/about/charter/", {"date": "2016-05-01"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "2016年5月1日，协会章程尚无已生效的版本。" in content
    assert "最早的第 1 版自 2017年9月29日 起生效。" in content
    assert "doc__body" not in content


@pytest.mark.parametrize(
    "value", ["2019-02-30", "abc", "2019-1-1", "99999-01-01", "2019-01-01'--", "0000-00-00", "２０１９-01-01"]
)
def test_malformed_date_is_ignored_and_said_so(client, charter_v2, value):
    response = client.get("/about/charter/", {"date": value})
    content = response.content.decode()
    assert response.status_code == 200
    assert "无法识别日期" in content
    assert "<dd>第 2 版（现行）</dd>" in content


def test_empty_date_from_the_picker_is_just_the_current_page(client, charter_v2):
    content = client.get("/about/charter/", {"date": ""}).content.decode()
    assert "无法识别日期" not in content and "<dd>第 2 版（现行）</dd>" in content


def test_old_version_is_marked_not_current_and_links_to_the_current_one(client, charter_v2):
    response = client.get("/about/charter/v1/")
    content = response.content.decode()
    assert h1_count(response) == 1
    assert "<dd>第 1 版（旧版本）</dd>" in content
    assert "<strong>这不是现行版本。</strong>" in content
    assert '<a class="button" href="/about/charter/">查看现行版本（第 2 版）</a>' in content
    assert '<a href="/about/charter/compare/1/2/">与现行版本比较</a>' in content
    assert "<title>湖南省开发区协会章程（第1版）" in content
    assert '<li aria-current="page">第1版</li>' in content
    assert 'id="tiao-5"' in content  # an article's link works on every version


def test_current_version_by_number_renders_the_current_text_with_a_canonical_link(client, charter_v2):
    content = client.get("/about/charter/v2/").content.decode()
    assert "这不是现行版本" not in content
    assert "<dd>第 2 版（现行）</dd>" in content
    assert '<link rel="canonical" href="http://testserver/about/charter/">' in content


def test_history_lists_published_versions_newest_first(client, charter_v2, make_version, charter):
    make_version(charter, published=False, body="<p>草稿中的文字</p>")
    response = client.get("/about/charter/history/")
    content = response.content.decode()
    assert h1_count(response) == 1
    titles = re.findall(r'<h2 class="version-item__title">\s*第 (\d+) 版', content)
    assert titles == ["2", "1"]
    assert "经第三届会员大会审议通过" in content and "网站初始内容" in content
    assert '<a href="/about/charter/v1/">查看第 1 版</a>' in content
    assert '<a href="/about/charter/compare/1/2/">与第 1 版比较</a>' in content
    assert "第 3 版" not in content
    assert '<input id="in-force-date" type="date" name="date" required>' in content
    assert 'action="/about/charter/"' in content


def test_history_compare_form_goes_to_the_comparison(client, charter_v2):
    response = client.get("/about/charter/history/", {"a": "2", "b": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/about/charter/compare/1/2/"


@pytest.mark.parametrize("query", [{"a": "x", "b": "1"}, {"a": "1"}, {"a": "-1", "b": "2"}, {"b": "99999999999"}])
def test_history_compare_form_with_bad_numbers_asks_again(client, charter_v2, query):
    response = client.get("/about/charter/history/", query)
    assert response.status_code == 200
    assert "请选择要比较的两个版本。" in response.content.decode()


def test_history_lists_the_versions_in_which_one_article_changed(client, charter_v2):
    content = client.get("/about/charter/history/", {"article": "5"}).content.decode()
    assert "第五条的修改记录" in content
    section = content[content.index('id="article-history"') : content.index('class="version-list"')]
    assert '<a href="/about/charter/v1/#tiao-5">第 1 版</a>' in section and "最初的文本" in section
    assert '<a href="/about/charter/v2/#tiao-5">第 2 版</a>' in section and "修改了这一条" in section
    content = client.get("/about/charter/history/", {"article": "1"}).content.decode()
    section = content[content.index('id="article-history"') : content.index('class="version-list"')]
    assert "v2/#tiao-1" not in section  # 第一条 did not change in version 2
    assert '<option value="8">第八条</option>' in content


def test_history_with_a_malformed_article_is_ignored(client, charter_v2):
    response = client.get("/about/charter/history/", {"article": "五'"})
    assert response.status_code == 200
    assert "请从列表中选择一条。" in response.content.decode()


def test_compare_page_marks_the_changed_characters_and_summarizes_by_article(client, charter_v2):
    response = client.get("/about/charter/compare/1/2/")
    content = response.content.decode()
    assert h1_count(response) == 1
    assert "<h1>协会章程：第 1 版与第 2 版的比较</h1>" in content
    assert '<p class="compare-summary__articles">修改了第五条；新增了第八条。</p>' in content
    assert "<del>12</del><ins>50</ins>万元" in content
    assert "<ins>第八条 本章程经会员大会表决通过之日起生效。</ins>" in content
    assert "共修改 1 段，新增 1 段，删除 0 段。" in content


def test_compare_escapes_the_text_of_versions(client, intro, make_version):
    make_version(intro, body="<p>简介&lt;script&gt;alert(1)&lt;/script&gt;</p>")
    make_version(intro, body="<p>简介&lt;b&gt;加粗&lt;/b&gt;</p>")
    content = client.get("/about/intro/compare/1/2/").content.decode()
    assert "<script>alert" not in content and "<b>加粗" not in content
    assert "&lt;b&gt;加粗&lt;/b&gt;" in content


def test_comparing_a_version_with_itself_says_there_is_no_difference(client, charter_v2):
    content = client.get("/about/charter/compare/2/2/").content.decode()
    assert "两个版本没有差别：您选择的是同一个版本（第 2 版）。" in content
    assert 'class="diff"' not in content


def test_versions_differing_only_in_formatting_compare_as_equal(client, intro, make_version):
    make_version(intro, body="<p>会员单位130余家，</p>")
    make_version(intro, body="<p>会员单位１３０余家,</p>")
    content = client.get("/about/intro/compare/1/2/").content.decode()
    assert "两个版本没有差别：文字相同" in content


def test_compare_in_the_other_order_redirects(client, charter_v2):
    response = client.get("/about/charter/compare/2/1/")
    assert response.status_code == 302 and response["Location"] == "/about/charter/compare/1/2/"


@pytest.mark.parametrize(
    "url",
    [
        "/about/nothing/",
        "/about/nothing/history/",
        "/about/nothing/v1/",
        "/about/nothing/compare/1/2/",
        "/about/charter/v0/",
        "/about/charter/v3/",  # a draft
        "/about/charter/v99/",
        "/about/charter/v99999999999999999999/",
        "/about/charter/vabc/",
        "/about/charter/compare/1/3/",
        "/about/charter/compare/1/99/",
        "/about/charter/compare/0/1/",
        "/about/charter/compare/1/99999999999999999999/",
        "/about/charter/compare/a/b/",
    ],
)
def test_unknown_documents_versions_and_pairs_are_chinese_404s(client, charter_v2, charter, make_version, url):
    make_version(charter, published=False)
    response = client.get(url)
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_a_document_with_only_drafts_is_hidden_from_the_public(client, intro, make_version):
    make_version(intro, body="<p>尚未发布</p>", published=False)
    assert client.get("/about/intro/").status_code == 404
    assert client.get("/about/intro/history/").status_code == 404


def test_staff_can_preview_a_draft_version(staff_client, charter_v2, charter, make_version):
    make_version(charter, body="<p>第一条 草稿文字。</p>", published=False)
    content = staff_client.get("/about/charter/v3/").content.decode()
    assert "草稿预览：此版本尚未发布，公众看不到。" in content and "草稿文字" in content
    assert "<del>" in staff_client.get("/about/charter/compare/2/3/").content.decode()


@time_machine.travel(datetime(2024, 5, 6, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_a_version_taking_effect_later_names_the_one_in_force_today(client, charter, make_version):
    make_version(charter, effective_date=date(2017, 9, 29))
    make_version(charter, effective_date=date(2024, 6, 5))
    content = client.get("/about/charter/").content.decode()
    assert "第 2 版自 2024年6月5日 起生效。" in content
    assert '在此之前有效的是<a href="/about/charter/v1/">第 1 版</a>' in content


def test_main_navigation_has_the_five_documents_and_marks_the_current_one(client, charter_v2):
    for slug, title, order in [("intro", "协会简介", 1), ("purpose", "协会宗旨", 2), ("business", "协会业务", 4)]:
        document = Document.objects.create(slug=slug, title=title, order=order)
        DocumentVersion.objects.create(document=document, body="<p>正文</p>", status=DocumentVersion.Status.PUBLISHED)
    functions = Document.objects.create(slug="functions", title="协会职能", order=3)
    DocumentVersion.objects.create(document=functions, body="<p>正文</p>", status=DocumentVersion.Status.PUBLISHED)
    content = client.get("/about/charter/history/").content.decode()
    nav = main_nav(content)
    assert re.findall(r">(协会\w\w)</a>", nav) == ["协会简介", "协会宗旨", "协会职能", "协会业务", "协会章程"]
    assert '<a href="/about/charter/" aria-current="page">协会章程</a>' in nav
    assert '<a href="/about/intro/">协会简介</a>' in nav


def main_nav(content):
    start = content.index('aria-label="主导航"')
    return content[start : content.index("</nav>", start)]


def test_about_menu_follows_document_records_title_order_and_visibility(client, charter, intro, make_version):
    """The 关于协会 menu is the documents: their titles, in 排序 order; unpublished or hidden ones are left out."""
    make_version(charter)
    make_version(intro, body="<p>简介</p>")
    draft_only = Document.objects.create(slug="draft-only", title="尚未发布", order=0)
    make_version(draft_only, published=False)
    hidden = Document.objects.create(slug="hidden", title="不在菜单", order=0, show_in_nav=False)
    make_version(hidden, body="<p>隐藏</p>")
    charter.title, charter.order = "章程全文", 0
    charter.save()

    nav = main_nav(client.get("/").content.decode())
    assert re.findall(r'<a href="/about/[^"]+/">([^<]+)</a>', nav) == ["章程全文", "协会简介"]
    assert client.get("/about/hidden/").status_code == 200  # hidden from the menu, still published


def test_no_about_menu_without_published_documents(client, charter, make_version):
    make_version(charter, published=False)
    assert "关于协会" not in main_nav(client.get("/").content.decode())


# --- Query counts ---------------------------------------------------------------------------------------


# documents (section nav), the version(s), site settings, and the site chrome:
# the main navigation's 栏目 and 关于协会 documents, the footer's 友情链接
CHROME_QUERIES = 3
PAGES = [
    ("/about/charter/", 4 + CHROME_QUERIES),  # with the document's 附件
    ("/about/charter/?date=2018-01-01", 4 + CHROME_QUERIES),  # with the document's 附件
    ("/about/charter/v1/", 4 + CHROME_QUERIES),  # with the document's 附件
    ("/about/charter/history/", 3 + CHROME_QUERIES),
    ("/about/charter/history/?article=5", 3 + CHROME_QUERIES),
    ("/about/charter/compare/1/2/", 3 + CHROME_QUERIES),
]


@pytest.mark.parametrize(("url", "queries"), PAGES)
def test_query_count_of_each_page_does_not_grow_with_versions(
    client, charter, make_version, django_assert_num_queries, url, queries
):
    make_version(charter, effective_date=date(2017, 9, 29))
    make_version(charter, body=CHARTER_V1.replace("12万元", "13万元"), effective_date=date(2019, 1, 1))
    client.get(url)  # the first request creates the site settings record
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    for n in range(8):
        body = CHARTER_V1.replace("12万元", f"{20 + n}万元") + f"<p>第{outline.chinese_numeral(8 + n)}条 新增。</p>"
        make_version(charter, body=body, effective_date=date(2019, n + 2, 1))
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_query_count_of_a_date_before_any_version(client, charter, make_version, django_assert_num_queries):
    make_version(charter, effective_date=date(2017, 9, 29))
    client.get("/about/charter/")
    with django_assert_num_queries(4 + CHROME_QUERIES):  # + the earliest version, to say when it took effect
        client.get("/about/charter/", {"date": "2000-01-01"})


# --- Home panel and search ------------------------------------------------------------------------------


def test_home_panel_shows_an_excerpt_of_the_current_introduction_and_links(client, db, django_assert_num_queries):
    load_association_seed()
    intro = Document.objects.get(slug="intro")
    DocumentVersion.objects.create(
        document=intro, body="<p>湖南省开发区协会是新的简介。</p>", status=DocumentVersion.Status.PUBLISHED
    )
    with django_assert_num_queries(1):
        panel_intro, others = Document.objects.home_panel()
    assert (panel_intro, panel_intro.intro_body) == (intro, "<p>湖南省开发区协会是新的简介。</p>")
    assert [document.intro_body for document in others] == ["", "", "", ""]
    html = client.get("/").content.decode()
    assert "<p>湖南省开发区协会是新的简介。</p>" in html
    assert '<a class="panel__more" href="/about/intro/">详细 ›</a>' in html
    links = re.findall(r'<a class="article-item__title" href="(/about/\w+/)">(\w+)</a>', html)
    assert links == [
        ("/about/purpose/", "协会宗旨"),
        ("/about/functions/", "协会职能"),
        ("/about/business/", "协会业务"),
        ("/about/charter/", "协会章程"),
    ]


def test_home_page_shows_the_association_panel(client, db):
    load_association_seed()
    content = client.get("/").content.decode()
    assert '<h2 id="home-about">协会简介</h2>' in content
    assert "湖南省开发区协会是湖南省境内各类开发区的全省性联合民间组织" in content
