"""会员单位: the directory, its filters and counts, a member's page, the home page panel."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from members.models import Member
from members.sitemaps import MemberSitemap
from members.views import MEMBERS_PER_PAGE
from news.models import Article

from .helpers import City, Kind, Level, Role, names, png_upload


def facet(response, name):
    return next(f for f in response.context["facets"] if f.name == name)


def counts(response, name):
    return {option.label: option.count for option in facet(response, name).options}


# --- Directory: listing, filters, counts ------------------------------------------


def test_directory_lists_active_members_grouped_by_role_in_pinyin_order(client, zones):
    response = client.get(reverse("members:list"))
    assert names(response) == [
        "长沙经济技术开发区",  # 会长单位
        "长沙高新技术产业开发区",  # 会员单位: chang, xiang, yue, zhu
        "湘西高新技术产业开发区",
        "岳阳城陵矶综合保税区",
        "株洲市产业园",
    ]
    content = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", content)) == 1
    assert "已停用的园区" not in content
    assert content.index('<h3 class="role-heading">会长单位</h3>') < content.index(
        '<h3 class="role-heading">会员单位</h3>'
    )
    assert "现有会员单位 <strong>5</strong> 家" in content
    assert '<a href="/members/" aria-current="page">会员单位</a>' in content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"city": "changsha"}, {"cs_hitech", "cs_etdz"}),
        ({"city": "xiangxi"}, {"xx_hitech"}),
        ({"level": "national"}, {"cs_hitech", "cs_etdz", "yy_bonded"}),
        ({"level": "provincial"}, {"zz_park"}),
        ({"kind": "high_tech"}, {"cs_hitech", "xx_hitech"}),
        ({"kind": "bonded"}, {"yy_bonded"}),
        ({"role": "1"}, {"cs_etdz"}),
        ({"role": "5"}, {"cs_hitech", "zz_park", "xx_hitech", "yy_bonded"}),
    ],
)
def test_each_filter_alone(client, zones, params, expected):
    response = client.get(reverse("members:list"), params)
    assert set(names(response)) == {zones[key].name for key in expected}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"city": "changsha", "level": "national"}, {"cs_hitech", "cs_etdz"}),
        ({"city": "changsha", "kind": "high_tech"}, {"cs_hitech"}),
        ({"level": "national", "kind": "high_tech", "role": "5"}, {"cs_hitech"}),
        ({"city": "changsha", "level": "national", "kind": "economic", "role": "1"}, {"cs_etdz"}),
        ({"city": "zhuzhou", "level": "national"}, set()),
        ({"level": "national", "q": "长沙"}, {"cs_hitech", "cs_etdz"}),
        ({"kind": "high_tech", "q": "湘西高新区"}, {"xx_hitech"}),
    ],
)
def test_filters_combine(client, zones, params, expected):
    response = client.get(reverse("members:list"), params)
    assert set(names(response)) == {zones[key].name for key in expected}


def test_no_match_says_so_and_offers_the_whole_list(client, zones):
    content = client.get(reverse("members:list"), {"city": "zhuzhou", "level": "national"}).content.decode()
    assert "没有符合条件的会员单位。" in content
    assert "符合条件的会员单位 <strong>0</strong> 家" in content


@pytest.mark.parametrize("query", ["长沙高新技术产业开发区", "长沙高新区", "高新技术产业开发区 长沙"])
def test_search_by_full_or_short_name(client, zones, query):
    response = client.get(reverse("members:list"), {"q": query})
    assert names(response) == ["长沙高新技术产业开发区"]


def test_each_option_shows_its_count(client, zones):
    response = client.get(reverse("members:list"))
    city_counts = counts(response, "city")
    assert list(city_counts) == [label for _value, label in City.choices]  # the 14, in the official order
    assert city_counts["长沙市"] == 2
    assert city_counts["湘西土家族苗族自治州"] == 1
    assert city_counts["常德市"] == 0
    assert counts(response, "level") == {"国家级": 3, "省级": 1, "其他": 0, "未注明": 1}
    assert counts(response, "kind") == {
        "经济技术开发区": 1,
        "高新技术产业开发区": 2,
        "综合保税区": 1,
        "产业园区": 1,
        "其他": 0,
    }
    assert counts(response, "role")["会长单位"] == 1
    assert counts(response, "role")["会员单位"] == 4
    assert facet(response, "level").total == 5  # 全部, including the member whose level is not known
    content = response.content.decode()
    assert re.search(r'href="\?city=changsha">长沙市 <span class="facet__count">2<', content)
    # An option with nobody behind it is not a link to an empty list.
    assert re.search(r'<span class="facet__option facet__option--empty">常德市 <span class="facet__count">0<', content)


def test_counts_are_within_the_other_filters_and_the_search(client, zones):
    """An option's count is what choosing it would show, keeping the other facets and the search."""
    response = client.get(reverse("members:list"), {"city": "changsha", "kind": "high_tech"})
    # 市州 counts keep kind=high_tech but not city itself: switching city is one click.
    assert counts(response, "city")["长沙市"] == 1
    assert counts(response, "city")["湘西土家族苗族自治州"] == 1
    assert counts(response, "city")["岳阳市"] == 0
    assert facet(response, "city").total == 2
    # 类型 counts keep city=changsha.
    assert counts(response, "kind")["经济技术开发区"] == 1
    assert counts(response, "kind")["高新技术产业开发区"] == 1
    assert counts(response, "kind")["综合保税区"] == 0
    # 级别 and 职务 keep both.
    assert counts(response, "level") == {"国家级": 1, "省级": 0, "其他": 0}
    assert counts(response, "role")["会员单位"] == 1

    searched = client.get(reverse("members:list"), {"q": "高新区"})
    assert counts(searched, "city")["长沙市"] == 1
    assert counts(searched, "city")["湘西土家族苗族自治州"] == 1


def test_active_filters_show_as_removable_chips(client, zones):
    content = client.get(reverse("members:list"), {"city": "changsha", "level": "national", "q": "高新"}).content
    content = content.decode()
    chips = re.findall(r'<a class="chip" href="([^"]*)"[^>]*>([^<]*)<', content)
    assert [(href, text.strip()) for href, text in chips] == [
        ("?city=changsha&amp;level=national", "关键词：含“高新”"),
        ("?level=national&amp;q=%E9%AB%98%E6%96%B0", "市州：长沙市"),
        ("?city=changsha&amp;q=%E9%AB%98%E6%96%B0", "级别：国家级"),
    ]
    assert '<a class="chips__clear" href="/members/">清除全部条件</a>' in content
    # The search form keeps the chosen filters.
    assert '<input type="hidden" name="city" value="changsha">' in content
    assert '<input type="hidden" name="level" value="national">' in content


def test_filter_links_keep_the_other_filters_and_start_at_page_one(client, make_member):
    for number in range(MEMBERS_PER_PAGE + 5):
        make_member(f"园区{number:03d}", level=Level.NATIONAL)
    response = client.get(reverse("members:list"), {"level": "national", "page": "2"})
    content = response.content.decode()
    assert response.context["page_obj"].number == 2
    assert 'href="?level=national&amp;city=zhuzhou"' not in content  # zhuzhou has no member: not a link
    assert 'href="?level=national&amp;city=changsha"' in content
    assert "page=2&amp;city" not in content
    assert 'href="?level=national&amp;page=1"' in content  # pagination keeps the filter


def test_a_chosen_option_is_marked_and_clicking_it_again_removes_it(client, zones):
    content = client.get(reverse("members:list"), {"city": "changsha"}).content.decode()
    assert re.search(r'<a class="facet__option" href="\?" aria-current="true"[^>]*>长沙市 ', content)


@pytest.mark.parametrize(
    "params",
    [
        {"city": "atlantis"},
        {"level": "xyz"},
        {"kind": "<script>alert(1)</script>"},
        {"role": "9"},
        {"role": "abc"},
        {"role": "1.0"},
        {"city": ""},
        {"q": "x" * 5000},
        {"q": "%00'\""},
        {"city": ["changsha", "???"]},
    ],
)
def test_bad_filter_values_are_ignored(client, zones, params):
    response = client.get(reverse("members:list"), params)
    assert response.status_code == 200
    if "q" not in params:
        assert len(names(response)) == 5
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "1.5"])
def test_bad_page_numbers_are_chinese_404s(client, zones, page):
    response = client.get(reverse("members:list"), {"page": page, "city": "changsha"})
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_filtered_lists_are_not_indexed_by_search_engines(client, zones):
    assert 'content="noindex, follow"' not in client.get(reverse("members:list")).content.decode()
    filtered = client.get(reverse("members:list"), {"city": "changsha"}).content.decode()
    assert 'content="noindex, follow"' in filtered


def test_directory_paginates_a_thousand_members(client, thousand_members):
    first = client.get(reverse("members:list"))
    assert len(first.context["members"]) == MEMBERS_PER_PAGE
    assert first.context["paginator"].num_pages == 42  # 1,000 / 24
    assert "共 1000 条，第 1/42 页" in first.content.decode()
    last = client.get(reverse("members:list"), {"page": "42"})
    assert len(last.context["members"]) == 1000 - 41 * MEMBERS_PER_PAGE
    filtered = client.get(reverse("members:list"), {"city": "changsha", "page": "2"})
    assert all(member.city == City.CHANGSHA for member in filtered.context["members"])
    assert sum(counts(first, "city").values()) == 1000


@pytest.mark.parametrize(
    "params",
    [{}, {"page": "42"}, {"city": "changsha", "level": "national", "page": "2"}, {"q": "测试", "role": "5"}],
)
def test_directory_query_count_does_not_grow(client, make_member, django_assert_num_queries, params):
    """Site settings, the option counts (one query for all), the list's count and its page: 4,
    and the site chrome (navigation 栏目 and documents, footer 友情链接): 3."""
    make_member("长沙高新技术产业开发区", short_name="长沙高新区", level=Level.NATIONAL)
    client.get(reverse("members:list"))  # the first request creates the site settings record
    with django_assert_num_queries(7):
        client.get(reverse("members:list"))
    members = [
        Member(
            name=f"测试园区{number:04d}",
            city=list(City)[number % 14],
            level=Level.NATIONAL if number % 3 else "",
            kind=Kind.OTHER,
            role=(number % 5) + 1,
        )
        for number in range(1000)
    ]
    for member in members:
        member.refresh_search_tokens()  # bulk_create skips save(), which computes them
    Member.objects.bulk_create(members)
    # On PostgreSQL a search runs in a transaction that makes it use the index (search.fulltext.index_scans).
    searching_on_postgres = "q" in params and connection.vendor == "postgresql"
    with django_assert_num_queries(7 + (3 if searching_on_postgres else 0)):
        response = client.get(reverse("members:list"), params)
    assert response.status_code == 200


# --- A member's page ----------------------------------------------------------------


def test_member_page_with_every_field(client, make_member):
    member = make_member(
        "长沙经济技术开发区",
        short_name="长沙经开区",
        level=Level.NATIONAL,
        kind=Kind.ECONOMIC,
        role=Role.VICE_PRESIDENT,
        logo=png_upload(),
        website="http://www.example.gov.cn/",
        address="长沙市经开区东六路",
        introduction="<p>国家级经济技术开发区。</p>",
        joined_on=date(2010, 11, 12),
    )
    content = client.get(member.get_absolute_url()).content.decode()
    assert len(re.findall(r"<h1[\s>]", content)) == 1
    assert '<h1 class="member__name">长沙经济技术开发区</h1>' in content
    assert "简称：长沙经开区" in content
    assert f'<img class="member-logo member-logo--large" src="{member.logo.url}" alt="">' in content
    assert "member-logo--placeholder" not in content
    for label, value in [
        ("市州", "长沙市"),
        ("级别", "国家级"),
        ("类型", "经济技术开发区"),
        ("协会职务", "副会长单位"),
    ]:
        assert re.search(rf"<dt>{label}</dt><dd>(<a [^>]+>)?{value}(</a>)?</dd>", content), label
    assert "<dt>地址</dt><dd>长沙市经开区东六路</dd>" in content
    assert (
        '<a class="member__website" href="http://www.example.gov.cn/" target="_blank" rel="noopener noreferrer">'
        in content
    )
    assert '<time datetime="2010-11-12">2010年11月12日</time>' in content
    assert '<div class="richtext"><p>国家级经济技术开发区。</p></div>' in content
    assert '<li aria-current="page">长沙经开区</li>' in content


def test_member_page_without_optional_fields(client, make_member):
    member = make_member("湘西高新技术产业开发区", short_name="湘西高新区", city=City.XIANGXI)
    content = client.get(member.get_absolute_url()).content.decode()
    assert (
        '<span class="member-logo member-logo--placeholder member-logo--large" aria-hidden="true">湘</span>' in content
    )
    assert "<dt>级别</dt><dd>未注明</dd>" in content
    assert "<dt>市州</dt>" in content and "湘西土家族苗族自治州" in content
    for absent in ["<dt>地址</dt>", "<dt>网址</dt>", "<dt>入会日期</dt>", "单位简介", '<img class="member-logo']:
        assert absent not in content
    assert "暂无提及湘西高新区的园区快讯。" in content


def test_hidden_and_unknown_members_are_404(client, zones):
    response = client.get(zones["hidden"].get_absolute_url())
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    assert client.get("/members/987654/").status_code == 404
    assert client.get("/members/abc/").status_code == 404


def test_staff_preview_a_hidden_member(staff_client, zones):
    response = staff_client.get(zones["hidden"].get_absolute_url())
    assert response.status_code == 200
    assert "预览：此单位未启用" in response.content.decode()


def test_member_page_lists_news_mentioning_full_or_short_name(client, zones, make_article):
    by_short_name = make_article("长沙高新区入选试点", days_ago=1)
    by_full_name_in_body = make_article("园区动态", days_ago=3, body="<p>长沙高新技术产业开发区举行签约仪式。</p>")
    make_article("长沙经开区新闻", days_ago=2)
    make_article("长沙高新区草稿", status=Article.Status.DRAFT)
    make_article("长沙高新区定时", days_ago=-2)
    response = client.get(zones["cs_hitech"].get_absolute_url())
    assert list(response.context["related_articles"]) == [by_short_name, by_full_name_in_body]
    content = response.content.decode()
    assert "长沙高新区入选试点" in content and "草稿" not in content and "长沙经开区新闻" not in content
    assert 'href="/search/?q=%E9%95%BF%E6%B2%99%E9%AB%98%E6%96%B0%E5%8C%BA">搜索更多' in content


def test_related_news_is_limited_to_the_newest_ten(zones, make_article):
    for day in range(15):
        make_article(f"长沙高新区快讯{day:02d}", days_ago=day + 1)
    titles = [article.title for article in zones["cs_hitech"].related_articles()]
    assert titles == [f"长沙高新区快讯{day:02d}" for day in range(10)]


def test_member_page_query_count_does_not_grow(client, zones, make_article, django_assert_num_queries):
    """The member, its news, the site settings and the site chrome (3): 6 queries, however much news there is."""
    url = zones["cs_hitech"].get_absolute_url()
    client.get(url)
    with django_assert_num_queries(6):
        client.get(url)
    for day in range(30):
        make_article(f"长沙高新区快讯{day}", days_ago=day + 1)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["related_articles"]) == 10


def test_sitemaps_list_the_directory_and_shown_members_only(zones):
    assert "http://testserver/members/</loc>" in Client().get("/sitemap.xml").content.decode()
    locations = {member.get_absolute_url() for member in MemberSitemap().items()}
    assert zones["cs_hitech"].get_absolute_url() in locations
    assert zones["hidden"].get_absolute_url() not in locations
    assert len(locations) == 5


# --- Home page --------------------------------------------------------


def test_home_shows_the_member_count_from_the_data(client, zones):
    content = client.get("/").content.decode()
    assert "现有会员单位 <strong>5</strong> 家，分布在 4 个市州。" in content
    assert f'<a class="panel__more" href="{reverse("members:list")}">会员名录 ›</a>' in content
    Member.objects.filter(pk=zones["zz_park"].pk).update(active=False)
    assert "现有会员单位 <strong>4</strong> 家，分布在 3 个市州。" in client.get("/").content.decode()


def test_home_panel_takes_one_query(zones, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert Member.objects.active().stats() == {"total": 5, "cities": 4}
