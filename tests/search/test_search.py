"""Site search: the query cleaner, tokens and snippets (no database), matching, ranking, the page, the index."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from import_export.formats import base_formats

from association.models import Document, DocumentVersion
from association.seed import load as load_association_seed
from members.models import Member
from members.resources import MemberResource
from news.models import Article, Category
from search import fulltext as search


@pytest.fixture
def make_member(db):
    def make(name, **fields):
        fields.setdefault("city", Member.City.CHANGSHA)
        fields.setdefault("kind", Member.Kind.OTHER)
        return Member.objects.create(name=name, **fields)

    return make


# --- Query cleaning, tokens, highlighting: pure logic, no database ----------------------------------


def test_clean_query_normalizes_width_and_case_and_drops_punctuation():
    assert search.clean_query("  ＡＢＣ　长沙，创新！！ ") == "abc 长沙 创新"
    assert search.clean_query("《长沙》——“高新区”…") == "长沙 高新区"
    assert search.clean_query("<script>alert(1)</script>") == "script alert 1 script"
    assert search.clean_query("！？。、★☆") == ""
    assert search.clean_query("ǂ长沙") == "长沙"  # the title mark is never searched for


def test_clean_query_is_bounded_in_words_and_length():
    assert len(search.clean_query("长" * 500)) == search.MAX_QUERY_LENGTH
    assert search.clean_query(" ".join(str(n) for n in range(30))).split() == [str(n) for n in range(10)]


def test_tokens_are_cjk_bigrams_and_characters_and_latin_words():
    assert search.tokens("长沙高新") == ["长沙", "沙高", "高新", "新", "长", "沙", "高"]
    assert search.tokens("正文", titles=["湘江"]) == ["ǂ湘江", "ǂ江", "ǂ湘", "湘江", "江", "湘", "正文", "文", "正"]
    assert search.tokens("湘") == ["湘"]
    assert search.tokens("ＨＮＤＺＡ 5G基站，Smart-City") == ["hndza", "5g", "基站", "站", "基", "smart", "city"]


def test_query_terms_and_the_phrase_as_typed():
    assert [t.text for t in search.parse("湘").terms] == ["湘"]
    assert [t.text for t in search.parse("高新技术").terms] == ["高新", "新技", "技术"]
    query = search.parse("长沙 创新")
    assert query.phrase == "长沙创新"
    assert [t.text for t in query.phrase_terms] == ["沙创"]
    assert search.parse("smart city").phrase == "smart city"
    assert search.parse("smart city").phrase_terms == ()
    assert [(t.text, t.prefix) for t in search.parse("HND").terms] == [("hnd", True)]


def test_highlight_marks_words_whatever_their_width_and_case_and_escapes_the_rest():
    html = search.highlight("<b>ＡＢＣ</b> 与 abc 长沙", "abc 长沙")
    assert html == "&lt;b&gt;<mark>ＡＢＣ</mark>&lt;/b&gt; 与 <mark>abc</mark> <mark>长沙</mark>"


def test_snippet_is_escaped_text_around_the_first_hit_never_markup():
    body = (
        '<p><img src="x.png" alt="高新区">' + "前文" * 100 + "</p>"
        "<p>位于<strong>长沙高新区</strong>的企业&lt;script&gt;alert(1)&lt;/script&gt;创新。</p>"
    )
    html = search.snippet(body, "高新区")
    # The hit in the alt attribute is not text: the excerpt is around the real one.
    assert html.startswith(("…前文", "…文前"))
    assert "位于长沙<mark>高新区</mark>的企业&lt;script&gt;alert(1)&lt;/script&gt;创新。" in html
    assert "<strong>" not in html and "<img" not in html and "<script>" not in html


def test_snippet_without_a_hit_is_the_opening_text_and_marks_scattered_terms():
    assert str(search.snippet("<p>开头的文字。</p>", "不在其中")) == "开头的文字。"
    assert "<mark>高新</mark>" in search.snippet("<p>高新区的技术</p>", "高新技术")


# --- Matching rules -------------------------------------------------------------------------------------


def found(client, query, **params):
    response = client.get(reverse("search"), {"q": query, **params})
    assert response.status_code == 200
    return response


def titles(response, group="news"):
    return [re.sub(r"</?mark>", "", str(result.title)) for result in response.context[group]]


def test_every_word_must_match_in_any_order(client, make_article):
    make_article("长沙高新区启动企业创新积分制试点")
    make_article("株洲推进产业链招商", body="<p>株洲与长沙联合招商。</p>")
    assert titles(found(client, "长沙 创新")) == ["长沙高新区启动企业创新积分制试点"]
    assert titles(found(client, "创新 长沙")) == ["长沙高新区启动企业创新积分制试点"]
    assert titles(found(client, "长沙 株洲")) == ["株洲推进产业链招商"]


def test_a_word_that_is_not_there_does_not_match(client, make_article):
    make_article("高新技术企业认定", body="<p>湘江新区的高新技术企业。</p>")
    assert titles(found(client, "技术高新")) == []  # the same characters, another word
    assert titles(found(client, "高新技术 岳阳")) == []  # one word of two
    assert titles(found(client, "沙")) == []


def test_one_and_two_character_queries_match(client, make_article):
    make_article("湘西州园区建设提速")
    make_article("益阳创新大会")
    assert titles(found(client, "湘")) == ["湘西州园区建设提速"]
    assert titles(found(client, "园区")) == ["湘西州园区建设提速"]
    assert titles(found(client, "创新")) == ["益阳创新大会"]


def test_full_and_half_width_and_case_match_each_other(client, make_article):
    make_article("ＨＮＤＺＡ年会", body="<p>5G基站覆盖园区。</p>")
    assert titles(found(client, "hndza")) == ["ＨＮＤＺＡ年会"]
    assert titles(found(client, "ＨＮＤ")) == ["ＨＮＤＺＡ年会"]  # a Latin word is also a prefix
    assert titles(found(client, "５ｇ")) == ["ＨＮＤＺＡ年会"]


def test_punctuation_and_symbols_in_the_query_are_ignored(client, make_article):
    make_article("长沙高新区启动企业创新积分制试点")
    assert titles(found(client, "“长沙”，创新！")) == ["长沙高新区启动企业创新积分制试点"]
    response = found(client, "！？★")
    assert "请输入要搜索的关键词" in response.content.decode()


def test_only_public_content_is_found(client, make_article, make_member):
    make_article("园区草稿", status=Article.Status.DRAFT)
    make_article("园区定时", days_ago=-1)
    make_article("园区公开")
    make_member("园区停用单位", active=False)
    make_member("园区启用单位")
    response = found(client, "园区")
    assert titles(response) == ["园区公开"]
    assert titles(response, "members") == ["园区启用单位"]


# --- Ranking --------------------------------------------------------------------------------------------


def test_title_hit_ranks_above_body_hit_and_newer_above_older(client, make_article):
    make_article("园区动态", body="<p>湘江新区的高新技术企业</p>", days_ago=1)
    make_article("高新技术企业认定", days_ago=30)
    make_article("高新技术产业大会", days_ago=10)
    make_article("园区旧闻", body="<p>高新技术</p>", days_ago=40)
    assert titles(found(client, "高新技术")) == ["高新技术产业大会", "高新技术企业认定", "园区动态", "园区旧闻"]


def test_phrase_as_typed_ranks_above_scattered_words(client, make_article):
    make_article("新闻甲", body="<p>长沙市政府鼓励企业加大研发，推动创新。</p>", days_ago=1)
    make_article("新闻乙", body="<p>长沙创新积分制试点。</p>", days_ago=20)
    make_article("长沙与创新", days_ago=30)
    make_article("长沙创新大会", days_ago=40)
    assert titles(found(client, "长沙 创新")) == ["长沙创新大会", "长沙与创新", "新闻乙", "新闻甲"]


def test_member_name_hits_rank_above_introduction_hits(client, make_member):
    make_member("甲单位", introduction="<p>与长沙高新区合作。</p>", order=1)
    make_member("长沙高新技术产业开发区", short_name="长沙高新区", order=2)
    assert titles(found(client, "长沙高新区"), "members") == ["长沙高新技术产业开发区（长沙高新区）", "甲单位"]


def test_articles_sharing_words_with_an_article_rarest_shared_words_first(make_article):
    article = make_article("长沙高新区召开科技创新大会")
    most = make_article("长沙高新区科技创新成果展", days_ago=30)
    some = make_article("岳阳召开创新大会", days_ago=2)
    make_article("岳阳绿色化工发展", days_ago=1)  # nothing in common
    make_article("长沙天气", days_ago=1)  # one word (长沙) is not enough
    make_article("长沙高新区草稿", status=Article.Status.DRAFT)
    for number, city in enumerate(["株洲", "湘潭", "衡阳", "邵阳", "常德", "益阳", "郴州", "永州", "怀化", "娄底"]):
        make_article(f"{city}高新区新闻第{number}号", days_ago=number + 3)  # only 高新区, in most titles
    search.refresh_statistics(connection)  # as after any bulk write (and autovacuum) on a real site
    related = article.sharing_words()
    assert list(related) == [most, some]


def test_a_common_word_alone_relates_no_article(make_article):
    """高新区 is in most titles of a 开发区 site: sharing it says nothing."""
    article = make_article("长沙高新区工作动态")
    for number, city in enumerate(["株洲", "湘潭", "衡阳", "邵阳", "常德", "益阳", "郴州", "永州", "怀化", "娄底"]):
        make_article(f"{city}高新区第{number}期简报", days_ago=number + 2)
    search.refresh_statistics(connection)
    assert list(article.sharing_words()) == []


def test_later_title_words_and_the_summary_count(make_article):
    article = make_article(
        "长沙高新区召开二〇二六年度科技创新大会暨梅溪湖国际研讨会", summary="会议聚焦岳麓山大学城的成果转化。"
    )
    late = make_article("梅溪湖国际研讨会开幕", days_ago=2)  # words after the title's first eight pieces
    summary = make_article("岳麓山大学城成果转化对接", days_ago=3)  # words of the summary only
    for number, city in enumerate(["株洲", "湘潭", "衡阳", "邵阳", "常德", "益阳", "郴州", "永州"]):
        make_article(f"{city}高新区第{number}期简报", days_ago=number + 5)
    search.refresh_statistics(connection)
    assert set(article.sharing_words()) == {late, summary}


def test_related_articles_take_the_same_queries_whatever_the_title_and_archive(
    make_article, django_assert_max_num_queries
):
    article = make_article(
        "长沙高新区召开二〇二六年度科技创新大会暨梅溪湖国际研讨会", summary="岳麓山大学城的成果转化。"
    )
    with django_assert_max_num_queries(4):
        article.related()
    for number in range(30):
        make_article(f"梅溪湖国际研讨会第{number}场", days_ago=number + 2)
    with django_assert_max_num_queries(4):
        assert len(article.related()) == 5


# --- The page ---------------------------------------------------------------------------------------------


def test_results_are_grouped_with_counts_and_highlighted_snippets(client, db, make_article, make_member):
    load_association_seed()
    make_article("长沙发布章程解读", body="<p>解读<em>协会章程</em>的意义。</p>")
    make_member("长沙经济技术开发区", introduction="<p>按照协会章程参加活动。</p>")
    response = found(client, "章程")
    content = response.content.decode()
    assert response.context["counts"] == {"news": 1, "documents": 1, "members": 1}
    assert "全部（3）" in content and "园区快讯（1）" in content and "协会文件（1）" in content
    assert '<h2 id="search-documents">协会文件（1 篇）</h2>' in content
    assert "解读协会<mark>章程</mark>的意义。" in content
    assert "按照协会<mark>章程</mark>参加活动。" in content
    charter_link = '<a class="search-result__title" href="/about/charter/#tiao-1">'
    assert charter_link + "湖南省开发区协会<mark>章程</mark></a>" in content


def test_a_charter_hit_links_to_its_article(client, db):
    load_association_seed()
    response = found(client, "注册资金")
    [result] = response.context["documents"]
    assert result.url == "/about/charter/#tiao-5"
    assert "本协会的<mark>注册资金</mark>为 12万元人民币。" in result.snippet


def test_only_the_current_document_versions_are_searched(client, db):
    load_association_seed()
    charter = Document.objects.get(slug="charter")
    DocumentVersion.objects.create(document=charter, body="<p>第一条 新文本。</p>", status="published")
    DocumentVersion.objects.create(document=charter, body="<p>第一条 草稿里的注册资金。</p>")
    assert found(client, "注册资金").context["counts"]["documents"] == 0
    assert found(client, "新文本").context["counts"]["documents"] == 1


def test_filter_by_group_category_and_dates(client, make_article, make_member):
    notices = Category.objects.create(name="通知公告", slug="notices", order=2)
    make_article("园区通知", category=notices, days_ago=3)
    make_article("园区快讯旧", days_ago=40)
    make_member("园区单位")
    assert titles(found(client, "园区", type="news")) == ["园区通知", "园区快讯旧"]
    assert found(client, "园区", type="news").context["members"] == []
    assert titles(found(client, "园区", type="members"), "members") == ["园区单位"]
    assert titles(found(client, "园区", category="notices")) == ["园区通知"]
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert titles(found(client, "园区", **{"from": since})) == ["园区通知"]
    until = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert titles(found(client, "园区", to=until)) == ["园区快讯旧"]


@pytest.mark.parametrize(
    "params", [{"type": "xyz"}, {"category": "不存在"}, {"from": "2020-13-45"}, {"to": "昨天"}, {"page": ""}]
)
def test_bad_filters_are_ignored(client, make_article, params):
    make_article("园区新闻")
    assert titles(found(client, "园区", **params)) == ["园区新闻"]


@pytest.mark.parametrize("page", ["abc", "-1", "999"])
def test_a_bad_page_number_is_a_chinese_404(client, make_article, page):
    make_article("园区新闻")
    response = client.get(reverse("search"), {"q": "园区", "page": page})
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode() or "找不到" in response.content.decode()


def test_results_are_paginated_keeping_the_query(client, make_article):
    for day in range(25):
        make_article(f"高新区新闻{day}", days_ago=day + 1)
    content = found(client, "高新区").content.decode()
    assert content.count('class="search-result__title" href="/news/') == 20
    assert "?q=%E9%AB%98%E6%96%B0%E5%8C%BA&amp;page=2" in content
    assert len(found(client, "高新区", page="2").context["news"]) == 5


def test_many_members_link_to_their_own_tab(client, make_member):
    for number in range(8):
        make_member(f"高新园区{number}")
    response = found(client, "高新园区")
    assert len(response.context["members"]) == 5
    assert "type=members" in response.content.decode()
    assert len(found(client, "高新园区", type="members").context["members"]) == 8


def test_nothing_found_says_so_with_suggestions(client, make_article):
    make_article("园区新闻")
    content = found(client, "不存在的词语").content.decode()
    assert "没有找到与“不存在的词语”相关的内容。" in content
    assert "检查一下字词是否有误" in content and "减少关键词" in content


def test_the_query_and_the_content_are_escaped(client, make_article):
    make_article("<script>alert(1)</script> 园区", body="<p>&lt;img src=x onerror=alert(1)&gt; 园区</p>")
    content = found(client, '"><script>alert(1)</script> 园区').content.decode()
    assert "<script>alert(1)" not in content
    assert "<img src=x" not in content
    assert "&lt;img src=x onerror=<mark>alert</mark>(<mark>1</mark>)&gt; <mark>园区</mark>" in content
    script = "<mark>script</mark>"
    title = f"&lt;{script}&gt;<mark>alert</mark>(<mark>1</mark>)&lt;/{script}&gt; <mark>园区</mark>"
    assert title in content
    assert 'value="script alert 1 script 园区"' in content


def test_the_page_is_not_indexed_and_its_canonical_has_no_query(client, make_article):
    content = found(client, "园区").content.decode()
    assert '<meta name="robots" content="noindex">' in content
    assert '<link rel="canonical" href="http://testserver/search/">' in content


@pytest.mark.parametrize("params", [{}, {"type": "news"}, {"type": "members"}, {"type": "documents"}])
def test_query_count_does_not_grow_with_content(client, make_article, make_member, django_assert_num_queries, params):
    """Site settings, 栏目, documents, members (a bounded count, then the first rows), news (a bounded count,
    the ranked keys of the page in one query, then the rows): 8; and the site chrome (navigation 栏目 and
    documents, footer 友情链接): 3. The same on PostgreSQL: no transaction or planner switch around the search.
    """
    load_association_seed()
    make_article("园区新闻")
    make_member("园区单位")
    client.get(reverse("search"), {"q": "园区", **params})
    # a bounded count of news and of members, and one more for the words found in the results' 附件
    expected = 3 + {"": 9, "news": 9, "members": 7, "documents": 7}[params.get("type", "")]
    if connection.vendor == "postgresql":
        expected += 1  # the statistics asked first whether "1000+" is sure (search.fulltext.surely_more_than)
    with django_assert_num_queries(expected):
        found(client, "园区", **params)
    for number in range(40):
        make_article(f"园区新闻{number}", days_ago=number + 2)
        make_member(f"园区单位{number}")
    with django_assert_num_queries(expected):
        found(client, "园区", **params)


def test_the_statistics_give_a_lower_bound_of_the_rows_holding_every_term(monkeypatch):
    """(s1 + … + sn − (n − 1)) × rows: two words each in 90% of 10,000 rows are together in 8,000 or more."""
    from types import SimpleNamespace

    monkeypatch.setattr(search, "connections", {"default": SimpleNamespace(vendor="postgresql")})
    shares = {"园区": (0.9, None), "长沙": (0.9, None), "梅溪": (0.002, 20), "湖南": (None, None)}

    def frequencies(model, terms, using):
        return {**{term: shares[term] for term in terms}, search.ROWS: 10_000}

    monkeypatch.setattr(search, "_term_frequencies", frequencies)
    assert search.surely_more_than(Article, ["园区"], 9_000)
    assert not search.surely_more_than(Article, ["园区"], 9_001)
    assert search.surely_more_than(Article, ["园区", "长沙"], 8_000)
    assert not search.surely_more_than(Article, ["园区", "长沙"], 8_001)
    assert not search.surely_more_than(Article, ["园区", "梅溪"], 1)  # 0.902 − 1 < 0: nothing is sure
    assert not search.surely_more_than(Article, ["园区", "湖南"], 1)  # a share not known: count instead


def test_a_common_word_needs_no_count_once_the_statistics_know_it(client, make_article, settings):
    """PostgreSQL, after ANALYZE: a word in every article of a table large enough is "1000+" from the
    statistics; on SQLite (and before statistics) it is counted."""
    from search import fulltext

    for number in range(12):
        make_article(f"园区新闻{number}", days_ago=number + 1)
    fulltext.refresh_statistics(connection, Article._meta.db_table)
    query = search.parse("园区")
    sure = fulltext.surely_more_than(Article, query.terms, 12)
    assert sure == (connection.vendor == "postgresql")
    assert not fulltext.surely_more_than(Article, query.terms, 13)
    with CaptureQueriesContext(connection) as captured:
        assert fulltext.bounded_count(Article.objects.published(), bound=5, estimate=query) == 6
    counted = [
        q
        for q in captured.captured_queries
        if "COUNT(" in q["sql"].upper() and "LIMIT" in q["sql"].upper() and "WITH stats" not in q["sql"]
    ]
    assert bool(counted) != sure  # no LIMITed count of the articles when the statistics are sure


def test_many_matching_members_are_previewed_from_the_index_name_hits_first(
    client, make_member, monkeypatch, django_assert_num_queries
):
    """Past ``MEMBERS_RANKED_TOGETHER`` matches the preview's members come from ``ranked_keys`` in the
    directory's order (one more query: the keys, then the rows), name hits first, in constant queries."""
    from search import views

    monkeypatch.setattr(views, "MEMBERS_RANKED_TOGETHER", 1)
    for number in range(3):
        make_member(f"湘江单位{number}", introduction="<p>位于园区核心地段。</p>")
    make_member("园区服务中心")
    found(client, "园区")
    with CaptureQueriesContext(connection) as few:
        response = found(client, "园区")
    content = response.content.decode()
    assert "服务中心" in content and content.index("服务中心") < content.index("湘江单位")  # the name hit first
    for number in range(20):
        make_member(f"园区单位{number}")
    with django_assert_num_queries(len(few)):
        found(client, "园区")


# --- The index stays current --------------------------------------------------------------------------


def test_a_saved_change_is_searchable_at_once(client, make_article):
    article = make_article("旧标题", body="<p>正文</p>")
    article.title = "新标题湘江"
    article.save()
    assert titles(found(client, "湘江")) == ["新标题湘江"]
    assert titles(found(client, "旧标题")) == []


def test_a_deleted_article_is_gone_from_the_results(client, make_article):
    make_article("湘江新闻").delete()
    assert titles(found(client, "湘江")) == []


def test_publishing_and_unpublishing_in_bulk_shows_and_hides_at_once(client, staff_client, make_article):
    draft = make_article("湘江草稿", status=Article.Status.DRAFT)
    changelist = reverse("admin:news_article_changelist")
    staff_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    assert titles(found(client, "湘江")) == ["湘江草稿"]
    staff_client.post(changelist, {"action": "unpublish", "_selected_action": [draft.pk]})
    assert titles(found(client, "湘江")) == []


def test_imported_members_are_searchable_at_once(client, db):
    text = "名称,简称,市州,级别,类型,协会职务,网址,地址,入会日期,排序,启用\n"
    text += "浏阳经济技术开发区,浏阳经开区,长沙市,国家级,经济技术开发区,会员单位,,,,,是\n"
    dataset = base_formats.CSV(encoding="utf-8-sig").create_dataset(text)
    result = MemberResource().import_data(dataset, dry_run=False, rollback_on_validation_errors=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert titles(found(client, "浏阳"), "members") == ["浏阳经济技术开发区（浏阳经开区）"]


def test_bulk_created_rows_are_searchable_when_their_tokens_are_computed(client, category):
    article = Article(title="湘江批量", category=category, status="published", published_at=timezone.now())
    article.refresh_search_tokens()
    Article.objects.bulk_create([article])
    assert titles(found(client, "湘江")) == ["湘江批量"]


def test_renaming_a_document_updates_its_versions(client, db):
    load_association_seed()
    charter = Document.objects.get(slug="charter")
    charter.full_title = "湘江协会章程"
    charter.save()
    assert found(client, "湘江").context["counts"]["documents"] == 1


def test_rebuild_search_index_recomputes_every_row(client, make_article, make_member):
    make_article("湘江新闻")
    make_member("湘江园区")
    Article.objects.update(search_tokens="")
    Member.objects.update(search_tokens="")
    assert found(client, "湘江").context["total"] == 0
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "文章" in out.getvalue()
    assert found(client, "湘江").context["counts"] == {"news": 1, "documents": 0, "members": 1}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps its index with triggers")
def test_triggers_dropped_by_a_table_rebuild_come_back_after_migrate(client, make_article):
    """Django re-creates a SQLite table to alter it, which drops the triggers; post_migrate puts them back."""
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "news_article_search_insert"')
    make_article("湘江新闻")
    assert titles(found(client, "湘江")) == []
    search.ensure_indexes(using="default")
    assert titles(found(client, "湘江")) == ["湘江新闻"]
    make_article("湘江又一条", days_ago=2)
    assert titles(found(client, "湘江")) == ["湘江新闻", "湘江又一条"]


def test_published_versions_keep_refusing_changes(db):
    """The tokens are derived: computing them never counts as editing a published version."""
    load_association_seed()
    version = DocumentVersion.objects.current().get(document__slug="charter")
    version.search_tokens = ""
    version.save()  # recomputes the tokens; nothing else changed, so nothing is written and nothing refused
    assert DocumentVersion.objects.get(pk=version.pk).search_tokens == version.search_tokens


# --- Bounded counts, ranks page by page, planner statistics after bulk writes ------------------------------


def test_counts_past_the_bound_read_bound_plus_and_only_the_bound_is_paged(client, make_article, monkeypatch):
    monkeypatch.setattr(search, "COUNT_BOUND", 3)
    for number in range(5):
        make_article(f"湘江新闻{number}", days_ago=number + 1)
    response = found(client, "湘江")
    content = response.content.decode()
    assert response.context["counts"]["news"] == 3 and response.context["counts_more"]["news"]
    assert "园区快讯（3+ 条）" in content and "全部（3+）" in content
    assert response.context["news_page"].paginator.num_pages == 1
    assert client.get(reverse("search"), {"q": "湘江", "page": 2}).status_code == 404
    exact = found(client, "湘江新闻0")
    assert exact.context["counts"]["news"] == 1 and not exact.context["counts_more"]["news"]


def test_ranks_continue_across_pages_title_phrase_title_words_phrase_scattered_newer(client, make_article, monkeypatch):
    from search.views import SearchView

    monkeypatch.setattr(SearchView, "per_page", 2)
    make_article("新闻甲", body="<p>长沙市政府鼓励企业加大研发，推动创新。</p>", days_ago=1)  # scattered
    make_article("新闻乙", body="<p>长沙创新积分制试点。</p>", days_ago=3)  # phrase in the text
    make_article("新闻丙", body="<p>长沙创新大会召开。</p>", days_ago=2)  # phrase in the text, newer
    make_article("长沙与创新", days_ago=30)  # the words in the title
    make_article("长沙创新大会", days_ago=40)  # the phrase in the title
    make_article("长沙创新论坛", days_ago=35)  # the phrase in the title, newer
    pages = [titles(found(client, "长沙 创新", page=number)) for number in (1, 2, 3)]
    assert pages == [["长沙创新论坛", "长沙创新大会"], ["长沙与创新", "新闻丙"], ["新闻乙", "新闻甲"]]


def statistics_mark(table):
    """When the planner's statistics of ``table`` were last refreshed (PostgreSQL), or whether SQLite has any."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = %s", [table])
            return cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone()[0]


def test_a_member_import_refreshes_the_planner_statistics(db):
    before = statistics_mark("members_member")
    text = "名称,简称,市州,级别,类型,协会职务,网址,地址,入会日期,排序,启用\n"
    text += "浏阳经济技术开发区,浏阳经开区,长沙市,国家级,经济技术开发区,会员单位,,,,,是\n"
    dataset = base_formats.CSV(encoding="utf-8-sig").create_dataset(text)
    MemberResource().import_data(dataset, dry_run=True, rollback_on_validation_errors=True)
    assert statistics_mark("members_member") == before  # the preview writes nothing
    MemberResource().import_data(dataset, dry_run=False, rollback_on_validation_errors=True)
    after = statistics_mark("members_member")
    assert after and (before is None or before == 0 or after > before)


def test_rebuilding_the_search_index_refreshes_the_planner_statistics(make_article):
    make_article("湘江新闻")
    before = statistics_mark("news_article")
    call_command("rebuild_search_index", stdout=StringIO())
    after = statistics_mark("news_article")
    assert after and (before is None or before == 0 or after > before)


@pytest.mark.django_db(transaction=True)
def test_a_restore_refreshes_the_planner_statistics(make_article, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    make_article("湘江新闻")
    out = StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    folder = out.getvalue().split("Backup written to ")[1].strip()
    call_command("restore", folder, yes=True, stdout=StringIO())
    assert statistics_mark("news_article")  # a restored PostgreSQL table starts without statistics


def test_the_admin_article_search_uses_the_index_not_like(staff_client, make_article):
    make_article("湘江新闻", body="<p>正文提到ＡＢＣ园区。</p>")
    make_article("其他新闻", title_en="Xiangjiang investment", body_en="<p>English body.</p>")
    make_article("无关新闻")
    changelist = reverse("admin:news_article_changelist")
    with CaptureQueriesContext(connection) as captured:
        response = staff_client.get(changelist, {"q": "湘江"})
    assert [a.title for a in response.context["cl"].result_list] == ["湘江新闻"]
    assert not any("LIKE" in query["sql"].upper() for query in captured.captured_queries)
    by_body = staff_client.get(changelist, {"q": "abc 园区"}).context["cl"].result_list
    assert [a.title for a in by_body] == ["湘江新闻"]
    in_english = staff_client.get(changelist, {"q": "xiangjiang"}).context["cl"].result_list
    assert [a.title for a in in_english] == ["其他新闻"]


def test_statistics_are_refreshed_once_after_migrations_ran(db, monkeypatch):
    """An index a migration creates has no statistics until ANALYZE: the planner may then pass it by. The
    post_migrate signal comes once per app with the same plan; a flush (no plan) analyses nothing."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from search import fulltext

    analysed = []
    monkeypatch.setattr(fulltext, "refresh_statistics", lambda connection, *tables: analysed.append(connection.alias))
    plan = [("a migration", False)]
    app_configs = [apps.get_app_config(label) for label in ("news", "members", "association")]
    for app_config in app_configs:
        post_migrate.send(sender=app_config, app_config=app_config, verbosity=0, using="default", plan=plan, apps=apps)
    assert analysed == ["default"]
    for nothing_ran in (None, []):
        post_migrate.send(
            sender=app_configs[0], app_config=app_configs[0], verbosity=0, using="default", plan=nothing_ran, apps=apps
        )
    assert analysed == ["default"]


def test_in_a_large_table_a_word_is_counted_up_to_a_share_of_its_rows(make_article, monkeypatch):
    """PostgreSQL: past COUNTED_TABLE_ROWS a word the statistics do not know is counted up to
    COUNTED_SHARE_CAP of the rows (at least COUNTED_MIN_CAP); past that it is common, its count unknown.
    Counting a word in 30 of each 100 of 100,000 titles visited each of them (20 ms)."""
    from search import fulltext

    monkeypatch.setattr(fulltext, "COUNTED_TABLE_ROWS", 3)
    monkeypatch.setattr(fulltext, "COUNTED_MIN_CAP", 2)
    for number in range(4):
        make_article(f"高新区快讯{number}", days_ago=number + 1)
    make_article("岳阳新闻", days_ago=9)
    common, rare = fulltext.Term("高新"), fulltext.Term("岳阳")  # anywhere: a title word is exact (below)
    shares = fulltext.term_frequencies(Article, [common, rare])
    if connection.vendor == "postgresql":
        assert shares[common] == (None, None)  # in 4 of 5 rows: more than the 2 counted
        assert shares[rare] == (1 / 5, 1)
    else:  # SQLite's vocabulary table knows every count at once
        assert shares[common] == (4 / 5, 4) and shares[rare] == (1 / 5, 1)
    titled = fulltext.term_frequencies(Article, [common.in_title(), rare.in_title()])
    assert titled == {common.in_title(): (4 / 5, 4), rare.in_title(): (1 / 5, 1)}


def test_title_words_are_counted_exactly_through_every_kind_of_write(make_article, django_assert_num_queries):
    """A title word's count (相关快讯 weighs words by it) follows save, update, bulk_create, raw SQL, delete
    and TRUNCATE, and is read in one query however many words: PostgreSQL keeps a table of them with
    triggers (its statistics know about a thousand words, nearly all of bodies; counting one from the
    index read every row holding it); SQLite's FTS5 vocabulary table is exact by itself."""
    from search import fulltext

    def docs(*words):
        found = fulltext.term_frequencies(Article, [fulltext.Term(word).in_title() for word in words])
        return [found[fulltext.Term(word).in_title()][1] for word in words]

    first = make_article("岳阳经开区招商推介会")
    second = make_article("岳阳高新区招商会")
    assert docs("岳阳", "招商", "高新", "株洲") == [2, 2, 1, 0]
    second.title = "株洲高新区招商会"
    second.refresh_search_tokens()
    second.save()
    assert docs("岳阳", "株洲", "高新") == [1, 1, 1]
    Article.objects.filter(pk=second.pk).update(view_count=F("view_count") + 5)  # the view counter: tokens unchanged
    assert docs("株洲") == [1]
    bulk = [
        Article(title=f"株洲产业园快讯{number}", category=first.category, body="<p>正文</p>", status="published")
        for number in range(3)
    ]
    for article in bulk:
        article.refresh_search_tokens()
    Article.objects.bulk_create(bulk)
    assert docs("株洲", "产业") == [4, 3]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Article._meta.db_table} SET search_tokens = %s WHERE id = %s",  # noqa: S608
            [fulltext.index_text(titles=["湘潭新闻"]), first.pk],
        )
    assert docs("岳阳", "湘潭") == [0, 1]
    Article.objects.filter(title__startswith="株洲产业园").delete()
    assert docs("株洲", "产业") == [1, 0]
    with django_assert_num_queries(1):
        docs(*[f"词{number}" for number in range(100)])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's transaction has deferred checks
            cursor.execute(f"TRUNCATE {Article._meta.db_table} CASCADE")
        assert docs("株洲", "湘潭") == [0, 0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's table of title words")
def test_rebuilding_the_index_counts_the_title_words_again(make_article):
    """A raw change made with the triggers off (a restore tool, a replica) is healed by rebuild_search_index."""
    from search import fulltext

    make_article("岳阳经开区招商推介会")
    words = fulltext.title_words_table(Article._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{words}" SET docs = 99')  # noqa: S608
    term = fulltext.Term("岳阳").in_title()
    assert fulltext.term_frequencies(Article, [term])[term][1] == 99
    fulltext.rebuild_index(connection, Article._meta.db_table)
    assert fulltext.term_frequencies(Article, [term])[term][1] == 1


def test_related_remembers_the_shares_of_title_words_until_content_changes(make_article, settings):
    from django.test.utils import CaptureQueriesContext

    from news.models import word_shares

    settings.PAGE_CACHE_ENABLED = True
    make_article("长沙高新区企业创新积分制试点")
    terms = [search.Term("高新").in_title(), search.Term("积分").in_title()]
    first = word_shares(terms, using="default")
    with CaptureQueriesContext(connection) as captured:
        assert word_shares(terms, using="default") == first
    assert not [q for q in captured.captured_queries if "news_article" in q["sql"]]
    make_article("株洲高新区新闻")  # content changed: counted again
    assert word_shares(terms, using="default")[terms[0]] != first[terms[0]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's table of title words")
@pytest.mark.django_db(transaction=True)  # pg_dump reads what is committed
def test_a_backup_from_before_the_title_words_is_restored_with_them(make_article, tmp_path, settings):
    from search import fulltext

    settings.MEDIA_ROOT = str(tmp_path / "media")
    make_article("岳阳经开区招商推介会")
    table = Article._meta.db_table
    words = fulltext.title_words_table(table)
    with connection.cursor() as cursor:  # the schema of a backup made before them
        for kind in fulltext.TITLE_WORD_TRIGGERS:
            cursor.execute(f'DROP TRIGGER "{words}_{kind}" ON "{table}"')
            cursor.execute(f'DROP FUNCTION "{words}_{kind}"()')
        cursor.execute(f'DROP TABLE "{words}"')
    out = StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    folder = out.getvalue().split("Backup written to ")[1].strip()
    call_command("restore", folder, yes=True, stdout=StringIO())
    term = fulltext.Term("岳阳").in_title()
    assert fulltext.term_frequencies(Article, [term])[term][1] == 1
    make_article("岳阳高新区新闻")
    assert fulltext.term_frequencies(Article, [term])[term][1] == 2


@pytest.mark.parametrize("english", [False, True])
def test_a_titles_score_in_python_is_the_sum_over_its_index_title_tokens(english):
    """TitleScore (相关快讯's candidates, scored without the database) agrees with the index's tokens: a CJK
    bigram by a substring test, a Latin word as a whole token (hnda is not in hndza)."""
    from search import fulltext

    titles = [
        "长沙高新区ＨＮＤＡ招商会",
        "岳阳经开区 hndza 推介",
        "湘潭·高新区：长沙会",
        "Park news 长沙",
        "parking lot",
    ]
    pieces = ["长沙", "高新", "沙高", "招商", "hnda", "hndza", "park", "会议", "经开"]
    terms = [
        fulltext.Term(piece).in_english().in_title() if english else fulltext.Term(piece).in_title() for piece in pieces
    ]
    weights = {term: float(2**number) for number, term in enumerate(terms)}
    score = fulltext.TitleScore(weights)
    for title in titles:
        held = fulltext.tokens(english_titles=[title]) if english else fulltext.tokens(titles=[title])
        assert score.of(title) == sum(weights[term] for term in terms if term.text in held), title
