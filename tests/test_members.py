"""会员单位: the directory and its filters, a member's page, import/export, logos, seed content."""

import io
import os
import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import QueryDict
from django.template import Context, RequestContext, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from import_export.formats import base_formats
from PIL import Image

from hnda_site.importstorage import DatabaseImportStorage
from hnda_site.seeding import load_all
from members.filters import DirectoryFilters
from members.logos import MAX_LOGO_SIDE
from members.models import Member
from members.resources import (
    ChoiceWidget,
    DateWidget,
    MemberResource,
    OrderWidget,
    YesNoWidget,
    csv_bytes_as_utf8,
    import_template,
)
from members.seed import MEMBERS
from members.sitemaps import MemberSitemap
from members.views import MEMBERS_PER_PAGE
from news.models import Article

REPO = Path(__file__).resolve().parent.parent
SAMPLE_CSV = REPO / "docs" / "members-sample.csv"
HEADERS = "名称,简称,市州,级别,类型,协会职务,网址,地址,入会日期,排序,启用"
City, Level, Kind, Role = Member.City, Member.Level, Member.Kind, Member.Role


@pytest.fixture
def make_member(db):
    """Create a member; only the name is needed, the rest has plausible defaults."""

    def make(name, **fields):
        fields.setdefault("city", City.CHANGSHA)
        fields.setdefault("kind", Kind.HIGH_TECH)
        return Member.objects.create(name=name, **fields)

    return make


@pytest.fixture
def zones(make_member):
    """Five members across cities, levels, kinds and roles, plus one that is not shown."""
    return {
        "cs_hitech": make_member(
            "长沙高新技术产业开发区", short_name="长沙高新区", level=Level.NATIONAL, kind=Kind.HIGH_TECH
        ),
        "cs_etdz": make_member(
            "长沙经济技术开发区", short_name="长沙经开区", level=Level.NATIONAL, kind=Kind.ECONOMIC, role=Role.PRESIDENT
        ),
        "zz_park": make_member(
            "株洲市产业园", short_name="株洲园", city=City.ZHUZHOU, level=Level.PROVINCIAL, kind=Kind.INDUSTRIAL
        ),
        "xx_hitech": make_member("湘西高新技术产业开发区", short_name="湘西高新区", city=City.XIANGXI),
        "yy_bonded": make_member(
            "岳阳城陵矶综合保税区", short_name="岳阳综保区", city=City.YUEYANG, level=Level.NATIONAL, kind=Kind.BONDED
        ),
        "hidden": make_member("已停用的园区", city=City.CHANGSHA, level=Level.NATIONAL, active=False),
    }


def names(response):
    return [member.name for member in response.context["members"]]


def facet(response, name):
    return next(f for f in response.context["facets"] if f.name == name)


def counts(response, name):
    return {option.label: option.count for option in facet(response, name).options}


def png_upload(size=(40, 30), name="logo.png", image_format="PNG", noise=False):
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (11, 79, 138))
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


# --- Model rules ----------------------------------------------------------------


def test_order_is_role_rank_then_staff_order_then_name(make_member):
    """会长单位 first and 会员单位 last; within a role, staff's 排序, then the name."""
    plain_b = make_member("B 园区")
    plain_a = make_member("A 园区")
    director = make_member("理事园区", role=Role.DIRECTOR)
    vice_late = make_member("副会长园区甲", role=Role.VICE_PRESIDENT, order=5)
    vice_early = make_member("副会长园区乙", role=Role.VICE_PRESIDENT, order=1)
    president = make_member("会长园区", role=Role.PRESIDENT, order=9)
    executive = make_member("常务理事园区", role=Role.EXECUTIVE_DIRECTOR)
    expected = [president, vice_early, vice_late, executive, director, plain_a, plain_b]
    assert list(Member.objects.all()) == expected
    assert list(Member.objects.active().for_list()) == expected


def test_staff_order_ranks_within_a_role(make_member):
    later = make_member("A 园区", order=2)
    sooner = make_member("B 园区", order=1)
    assert list(Member.objects.all()) == [sooner, later]


def test_active_leaves_out_hidden_members(zones):
    assert zones["hidden"] not in Member.objects.active()
    assert Member.objects.active().count() == 5


def test_search_matches_full_and_short_names_and_every_word(zones):
    active = Member.objects.active()
    assert set(active.search("经济技术")) == {zones["cs_etdz"]}
    assert set(active.search("经开区")) == {zones["cs_etdz"]}
    assert set(active.search("长沙 高新")) == {zones["cs_hitech"]}
    assert set(active.search("高新区")) == {zones["cs_hitech"], zones["xx_hitech"]}


def test_names_are_unique_and_trimmed(make_member):
    make_member(" 长沙高新技术产业开发区 ", short_name=" 长沙高新区 ")
    member = Member.objects.get()
    assert (member.name, member.short_name) == ("长沙高新技术产业开发区", "长沙高新区")
    duplicate = Member(name="长沙高新技术产业开发区", city=City.CHANGSHA, kind=Kind.HIGH_TECH)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert error.value.message_dict["name"] == ["已有名称相同的会员单位。"]


@pytest.mark.parametrize("website", ["javascript:alert(1)", "ftp://example.com/", "www.example.gov.cn"])
def test_website_must_be_http_or_https(db, website):
    member = Member(name="园区", city=City.CHANGSHA, kind=Kind.OTHER, website=website)
    with pytest.raises(ValidationError) as error:
        member.full_clean()
    assert "website" in error.value.message_dict


def test_website_url_never_gives_out_another_scheme():
    """Even a value stored without validation is not turned into a javascript: link."""
    assert Member(website="javascript:alert(1)").website_url == ""
    assert Member(website="https://www.example.gov.cn/").website_url == "https://www.example.gov.cn/"


def test_level_label_and_monogram():
    assert Member(level="").level_label == "未注明"
    assert Member(level=Level.NATIONAL).level_label == "国家级"
    assert Member(name="长沙高新技术产业开发区", short_name="长沙高新区").monogram == "长"
    assert Member(name="湘西高新技术产业开发区").monogram == "湘"


def test_introduction_is_sanitized_on_save(make_member):
    member = make_member("园区", introduction='<p onclick="x()">简介</p><script>alert(1)</script>')
    member.refresh_from_db()
    assert member.introduction == "<p>简介</p>"


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


# --- Directory: 1,000 members -------------------------------------------------------


@pytest.fixture
def thousand_members(db):
    cities, levels, kinds, roles = list(City), [*Level, ""], list(Kind), list(Role)
    Member.objects.bulk_create(
        Member(
            name=f"测试园区{number:04d}",
            short_name=f"测{number:04d}",
            city=cities[number % len(cities)],
            level=levels[number % len(levels)],
            kind=kinds[number % len(kinds)],
            role=roles[number % len(roles)],
            order=number % 7,
        )
        for number in range(1000)
    )


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
    # On PostgreSQL a search runs in a transaction that makes it use the index (hnda_site.search.index_scans).
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


# --- Article.objects.mentioning() ---------------------------------------------------


def test_mentioning_matches_title_or_body_for_any_name(make_article):
    in_title = make_article("长沙高新区入选试点")
    in_body = make_article("园区动态", body="<p>湘西高新区推动绿色发展。</p>")
    make_article("无关新闻", body="<p>株洲。</p>")
    assert set(Article.objects.mentioning("长沙高新区", "湘西高新区")) == {in_title, in_body}
    assert set(Article.objects.mentioning("湘西高新区")) == {in_body}


def test_mentioning_ignores_empty_names_and_matches_nothing_without_one(make_article):
    article = make_article("长沙高新区入选试点")
    assert list(Article.objects.mentioning("长沙高新区", "", "  ", None)) == [article]
    assert not Article.objects.mentioning().exists()
    assert not Article.objects.mentioning("", "   ").exists()


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


# --- The filters, without the database ----------------------------------------------------


def test_filters_read_known_values_only():
    filters = DirectoryFilters(QueryDict("city=changsha&level=xyz&role=1&kind=&q=  长沙   高新 "))
    assert filters.selected == {"city": "changsha", "role": Role.PRESIDENT}
    assert filters.query == "长沙 高新"
    assert [(chip.name, chip.label, chip.value) for chip in filters.chips] == [
        ("q", "关键词", "含“长沙 高新”"),
        ("city", "市州", "长沙市"),
        ("role", "协会职务", "会长单位"),
    ]
    assert not DirectoryFilters(QueryDict("city=nowhere&page=2")).is_active


def test_facet_url_changes_one_filter_and_drops_the_page():
    request = RequestFactory().get("/members/", {"city": "changsha", "q": "高新", "page": "3"})
    template = Template("{% load members_tags %}{% facet_url 'level' 'national' %}|{% facet_url 'city' %}")
    rendered = template.render(RequestContext(request, {}))
    assert rendered == "?city=changsha&amp;q=%E9%AB%98%E6%96%B0&amp;level=national|?q=%E9%AB%98%E6%96%B0"


def test_member_card_partial_renders_a_placeholder_without_logo():
    member = Member(
        pk=1, name="湘西高新技术产业开发区", short_name="湘西高新区", city=City.XIANGXI, kind=Kind.HIGH_TECH
    )
    html = Template('{% include "members/includes/member_card.html" %}').render(Context({"member": member}))
    assert "湘西土家族苗族自治州 · 未注明 · 高新技术产业开发区" in html
    assert 'aria-hidden="true">湘</span>' in html


# --- Import and export: the spreadsheet columns, without the database ------------------------


def test_choice_columns_take_chinese_labels_values_and_common_short_forms():
    city = ChoiceWidget(City, "市州", aliases={"长沙": City.CHANGSHA, "湘西州": City.XIANGXI})
    assert city.clean(" 长沙市 ") == City.CHANGSHA
    assert city.clean("changsha") == City.CHANGSHA
    assert city.clean("湘西州") == City.XIANGXI
    assert city.render(City.XIANGXI) == "湘西土家族苗族自治州"
    with pytest.raises(ValueError, match="“北京市”不是有效的市州，应填：长沙市、株洲市"):
        city.clean("北京市")
    with pytest.raises(ValueError, match="请填写市州。"):
        city.clean(None)
    assert ChoiceWidget(Level, "级别", required=False).clean("") == ""
    role = MemberResource.fields["role"]
    assert role.clean({"协会职务": ""}) == Role.MEMBER
    assert role.clean({"协会职务": "会长"}) == Role.PRESIDENT
    assert MemberResource.fields["city"].clean({"市州": "湘西"}) == City.XIANGXI


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2020-12-18", date(2020, 12, 18)),
        ("2020/12/18", date(2020, 12, 18)),
        ("2020年12月18日", date(2020, 12, 18)),
        ("2020.1.8", date(2020, 1, 8)),
        (date(2020, 12, 18), date(2020, 12, 18)),
        (datetime(2020, 12, 18, 0, 0), date(2020, 12, 18)),  # an Excel date cell
        ("", None),
        (None, None),
    ],
)
def test_dates_in_the_usual_ways(cell, expected):
    assert DateWidget().clean(cell) == expected


@pytest.mark.parametrize("cell", ["2020-13-01", "去年", "18/12"])
def test_unreadable_dates_are_refused_in_chinese(cell):
    with pytest.raises(ValueError, match="不是有效的日期，请写成 2020-12-18 或 2020年12月18日"):
        DateWidget().clean(cell)


def test_yes_no_and_order_columns():
    yes_no = YesNoWidget()
    assert [yes_no.clean(cell) for cell in ["是", "否", "TRUE", 1.0, True, 0, "", None]] == [
        True,
        False,
        True,
        True,
        True,
        False,
        None,
        None,
    ]
    with pytest.raises(ValueError, match="启用一栏请填“是”或“否”"):
        yes_no.clean("也许")
    assert [OrderWidget().clean(cell) for cell in ["3", 4, 5.0, "", None]] == [3, 4, 5, None, None]
    with pytest.raises(ValueError, match="排序应填不小于 0 的整数"):
        OrderWidget().clean("第一")


def test_gbk_csv_from_excel_is_read_as_utf8():
    text = f"{HEADERS}\n长沙高新技术产业开发区,长沙高新区,长沙市,国家级,高新技术产业开发区,,,,,,\n"
    assert csv_bytes_as_utf8(text.encode("gb18030")) == text.encode("utf-8")
    assert csv_bytes_as_utf8(text.encode("utf-8-sig")) == text.encode("utf-8-sig")


# --- Import and export with the database ---------------------------------------------------------


def import_csv(text, dry_run=False):
    dataset = base_formats.CSV(encoding="utf-8-sig").create_dataset(text)
    return MemberResource().import_data(dataset, dry_run=dry_run, rollback_on_validation_errors=True)


def test_import_the_sample_file(db):
    result = import_csv(SAMPLE_CSV.read_text(encoding="utf-8-sig"))
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 3
    hitech = Member.objects.get(name="长沙高新技术产业开发区")
    assert (hitech.short_name, hitech.city, hitech.level, hitech.kind, hitech.role, hitech.active) == (
        "长沙高新区",
        City.CHANGSHA,
        Level.NATIONAL,
        Kind.HIGH_TECH,
        Role.MEMBER,
        True,
    )
    assert Member.objects.get(short_name="湘西高新区").level == ""


def test_reimporting_the_same_file_changes_nothing(db):
    text = f"{HEADERS}\n长沙经济技术开发区,长沙经开区,长沙,国家级,经开区,副会长,https://www.example.gov.cn/,东六路,2010年11月12日,3,是\n"
    assert import_csv(text).totals["new"] == 1
    before = Member.objects.values().get()
    again = import_csv(text)
    assert (again.totals["new"], again.totals["update"], again.totals["skip"]) == (0, 0, 1)
    assert Member.objects.values().get() == before


def test_import_updates_a_member_found_by_name(make_member):
    member = make_member("长沙经济技术开发区", short_name="旧简称", order=9)
    result = import_csv(f"{HEADERS}\n长沙经济技术开发区,长沙经开区,长沙市,国家级,经济技术开发区,,,,,,\n")
    assert result.totals["update"] == 1
    member.refresh_from_db()
    assert (member.short_name, member.level, member.order, member.role) == (
        "长沙经开区",
        Level.NATIONAL,
        0,
        Role.MEMBER,
    )
    assert Member.objects.count() == 1


def test_invalid_rows_are_reported_in_chinese_and_nothing_is_applied(make_member):
    existing = make_member("长沙经济技术开发区", short_name="长沙经开区")
    text = (
        f"{HEADERS}\n"
        "长沙高新技术产业开发区,长沙高新区,长沙市,国家级,高新技术产业开发区,,,,,,\n"  # line 2: valid
        "北京经济技术开发区,北京经开区,北京市,国家级,经济技术开发区,,,,,,\n"  # line 3: unknown 市州
        ",无名园区,株洲市,,产业园区,,,,,,\n"  # line 4: no name
        "长沙高新技术产业开发区,重复,长沙市,国家级,高新技术产业开发区,,,,,,\n"  # line 5: duplicate of line 2
        "长沙经济技术开发区,新简称,长沙市,国家级,经济技术开发区,,,,,,\n"  # line 6: valid update
    )
    result = import_csv(text)
    assert result.has_validation_errors()
    errors = {line.number + 1: line.error_dict for line in result.invalid_rows}
    assert set(errors) == {3, 4, 5}
    assert errors[3]["市州"] == ["“北京市”不是有效的市州，应填：" + "、".join(City.labels) + "。"]
    assert errors[4]["名称"] == ["此字段不能为空。"]
    assert errors[5]["名称"] == ["与第 2 行重名：同一单位在文件中只能出现一次。"]
    # Nothing at all was applied: not the valid new row, not the valid update.
    assert list(Member.objects.all()) == [existing]
    existing.refresh_from_db()
    assert existing.short_name == "长沙经开区"


def test_a_file_without_a_name_column_is_refused_in_chinese(db):
    result = import_csv("单位,市州\n长沙高新区,长沙市\n")
    assert result.has_errors()
    assert "文件第一行缺少“名称”列" in str(result.base_errors[0].error)
    assert not Member.objects.exists()


def test_empty_rows_at_the_end_of_a_spreadsheet_are_ignored(db):
    result = import_csv(
        f"{HEADERS}\n长沙高新技术产业开发区,长沙高新区,长沙市,国家级,高新技术产业开发区,,,,,,\n,,,,,,,,,,\n,,,,,,,,,,\n"
    )
    assert not result.has_validation_errors()
    assert Member.objects.count() == 1


def full_member(make_member):
    return make_member(
        "长沙经济技术开发区",
        short_name="长沙经开区",
        level=Level.NATIONAL,
        kind=Kind.ECONOMIC,
        role=Role.EXECUTIVE_DIRECTOR,
        website="https://www.example.gov.cn/",
        address="长沙市经开区东六路",
        joined_on=date(2010, 11, 12),
        order=4,
        active=False,
    )


@pytest.mark.parametrize("file_format", [base_formats.CSV, base_formats.XLSX])
def test_export_then_import_round_trip_changes_nothing(make_member, file_format):
    full_member(make_member)
    make_member("湘西高新技术产业开发区", short_name="湘西高新区", city=City.XIANGXI)
    before = list(Member.objects.values())
    fmt = file_format()
    exported = fmt.export_data(MemberResource().export(force_native_type=fmt.is_binary()))
    dataset = fmt.create_dataset(exported)
    assert dataset.headers == HEADERS.split(",")
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["市州"] == "长沙市" and row["级别"] == "国家级" and row["类型"] == "经济技术开发区"
    assert row["协会职务"] == "常务理事单位" and row["启用"] == "否"
    result = MemberResource().import_data(dataset, rollback_on_validation_errors=True)
    assert not result.has_validation_errors() and not result.has_errors()
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 0, 2)
    Member.objects.all().delete()
    result = MemberResource().import_data(fmt.create_dataset(exported), rollback_on_validation_errors=True)
    assert result.totals["new"] == 2
    strip = ("id", "created_at", "updated_at")
    assert [{k: v for k, v in m.items() if k not in strip} for m in Member.objects.values()] == [
        {k: v for k, v in m.items() if k not in strip} for m in before
    ]


def test_import_templates_have_the_headers_and_instructions():
    content, content_type = import_template("csv")
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").strip() == HEADERS
    assert content_type.startswith("text/csv")
    content, _ = import_template("xlsx")
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["会员单位", "填写说明"]
    assert book.active.title == "会员单位"  # the import reads the active sheet
    assert [cell.value for cell in book["会员单位"][1]] == HEADERS.split(",")
    assert book["会员单位"].max_row == 1
    instructions = {row[0]: row[2] for row in book["填写说明"].iter_rows(min_row=2, values_only=True)}
    assert "湘西土家族苗族自治州" in instructions["市州"]
    assert import_template("pdf") is None


# --- Import and export in the admin ---------------------------------------------------------


def admin_import(staff_client, name, content, file_format="0"):
    """Upload a file on the admin's import page (format 0 is CSV, 1 is Excel)."""
    upload = SimpleUploadedFile(name, content)
    return staff_client.post(reverse("admin:members_member_import"), {"format": file_format, "import_file": upload})


def test_admin_import_previews_then_applies_on_confirmation(staff_client, db):
    preview = admin_import(staff_client, "members-sample.csv", SAMPLE_CSV.read_bytes())
    assert preview.status_code == 200
    content = preview.content.decode()
    assert "将新增 <strong>3</strong> 个" in content
    assert content.count('<td class="import-type">新增</td>') == 3
    assert 'value="确认导入"' in content
    assert not Member.objects.exists()  # a preview writes nothing

    confirm = preview.context["confirm_form"]
    response = staff_client.post(
        reverse("admin:members_member_process_import"), {**confirm.initial, "confirm": "确认导入"}
    )
    assert response.status_code == 302
    assert set(Member.objects.values_list("short_name", flat=True)) == {"长沙高新区", "长沙经开区", "湘西高新区"}
    follow = staff_client.get(response["Location"]).content.decode()
    assert "新增3条记录" in follow

    again = admin_import(staff_client, "members-sample.csv", SAMPLE_CSV.read_bytes())
    assert (
        "将新增 <strong>0</strong> 个，更新 <strong>0</strong> 个，<strong>3</strong> 个没有变化"
        in again.content.decode()
    )


def test_admin_import_shows_row_errors_and_offers_no_confirmation(staff_client, db):
    text = f"{HEADERS}\n长沙高新技术产业开发区,长沙高新区,火星市,国家级,高新技术产业开发区,,,,,,\n"
    response = admin_import(staff_client, "bad.csv", text.encode("utf-8"))
    content = response.content.decode()
    assert "有 1 行需要改正，整个文件都没有导入" in content
    assert '<th scope="row">第 2 行</th>' in content
    assert "<strong>市州</strong>：“火星市”不是有效的市州" in content
    assert "确认导入" not in content
    assert not Member.objects.exists()


def test_confirming_a_file_with_an_invalid_row_applies_nothing(staff_client, db):
    """Even a file that was not previewed (or changed since) is applied whole or not at all."""
    valid = "长沙高新技术产业开发区,长沙高新区,长沙市,国家级,高新技术产业开发区,,,,,,"
    text = f"{HEADERS}\n{valid}\n湘西,湘西,火星市,,其他,,,,,,\n"
    storage = DatabaseImportStorage(encoding="utf-8-sig", read_mode="r")
    storage.save(text.encode("utf-8"))
    response = staff_client.post(
        reverse("admin:members_member_process_import"),
        {"import_file_name": storage.name, "original_file_name": "x.csv", "format": "0", "resource": "0"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("admin:members_member_import")
    assert not Member.objects.exists()
    assert "没有导入任何内容" in staff_client.get(response["Location"]).content.decode()


def test_admin_import_reads_excel_and_gbk_csv(staff_client, db):
    book = openpyxl.Workbook()
    book.active.append(HEADERS.split(","))
    book.active.append(["株洲高新技术产业开发区", "株洲高新区", "株洲市", "国家级", "高新技术产业开发区"])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = admin_import(staff_client, "members.xlsx", buffer.getvalue(), file_format="1")
    assert "将新增 <strong>1</strong> 个" in xlsx.content.decode()
    text = f"{HEADERS}\n湘潭经济技术开发区,湘潭经开区,湘潭市,国家级,经济技术开发区,,,,,,\n"
    gbk = admin_import(staff_client, "members.csv", text.encode("gb18030"))
    assert "将新增 <strong>1</strong> 个" in gbk.content.decode()
    assert "湘潭经开区" in gbk.content.decode()
    confirm = gbk.context["confirm_form"].initial
    staff_client.post(reverse("admin:members_member_process_import"), {**confirm, "confirm": "确认导入"})
    assert Member.objects.get().short_name == "湘潭经开区"


def test_admin_import_of_an_unreadable_file_says_so_in_chinese(staff_client, db):
    response = admin_import(staff_client, "members.xlsx", b"not a spreadsheet", file_format="1")
    assert "无法读取此文件" in response.content.decode()
    empty = admin_import(staff_client, "members.csv", (HEADERS + "\n").encode("utf-8"))
    assert "文件中没有数据" in empty.content.decode()


def test_admin_import_page_offers_templates_and_explains_columns(staff_client, db):
    content = staff_client.get(reverse("admin:members_member_import")).content.decode()
    assert reverse("admin:members_member_import_template", args=["xlsx"]) in content
    assert "只要有一行出错，整个文件都不会导入" in content
    assert '<th scope="row">市州</th><td>必填</td>' in content
    response = staff_client.get(reverse("admin:members_member_import_template", args=["csv"]))
    assert response["Content-Disposition"] == 'attachment; filename="members-template.csv"'
    assert response.content.decode("utf-8-sig").strip() == HEADERS
    assert staff_client.get(reverse("admin:members_member_import_template", args=["doc"])).status_code == 404


def test_admin_export_is_excel_friendly_csv(staff_client, make_member):
    full_member(make_member)
    response = staff_client.post(reverse("admin:members_member_export"), {"format": "0", "resource": "0"})
    assert response.status_code == 200
    assert re.fullmatch(r'attachment; filename="members-\d{4}-\d{2}-\d{2}\.csv"', response["Content-Disposition"])
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == HEADERS
    assert (
        lines[1]
        == "长沙经济技术开发区,长沙经开区,长沙市,国家级,经济技术开发区,常务理事单位,https://www.example.gov.cn/,长沙市经开区东六路,2010-11-12,4,否"
    )


def test_staff_who_may_only_view_members_cannot_import(db):
    clerk = User.objects.create_user("clerk", password="pw-123456789", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_member"))
    client = Client()
    client.force_login(clerk)
    assert client.get(reverse("admin:members_member_import")).status_code == 403
    assert client.get(reverse("admin:members_member_import_template", args=["csv"])).status_code == 403
    upload = SimpleUploadedFile("members.csv", SAMPLE_CSV.read_bytes())
    response = client.post(reverse("admin:members_member_import"), {"format": "0", "import_file": upload})
    assert response.status_code == 403
    assert not Member.objects.exists()
    changelist = client.get(reverse("admin:members_member_changelist")).content.decode()
    assert reverse("admin:members_member_import") not in changelist
    assert reverse("admin:members_member_export") in changelist  # viewing includes exporting


def test_anonymous_visitors_cannot_import_or_download_templates(client, db):
    for url in [reverse("admin:members_member_import"), reverse("admin:members_member_import_template", args=["csv"])]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- Admin list -------------------------------------------------------------------------


def test_admin_list_search_filters_and_order_editing(staff_client, zones):
    changelist = reverse("admin:members_member_changelist")
    assert staff_client.get(changelist, {"q": "长沙经开区"}).context["cl"].result_count == 1
    assert staff_client.get(changelist, {"city__exact": "changsha"}).context["cl"].result_count == 3
    assert (
        staff_client.get(changelist, {"level__exact": "national", "active__exact": "1"}).context["cl"].result_count == 3
    )
    page = staff_client.get(changelist).content.decode()
    assert 'name="form-0-order"' in page
    assert "未注明" in page  # 湘西高新区's level


def test_admin_actions_show_and_hide_members(staff_client, zones):
    changelist = reverse("admin:members_member_changelist")
    staff_client.post(changelist, {"action": "hide_from_site", "_selected_action": [zones["zz_park"].pk]})
    assert not Member.objects.active().filter(pk=zones["zz_park"].pk).exists()
    staff_client.post(changelist, {"action": "show_on_site", "_selected_action": [zones["hidden"].pk]})
    assert Member.objects.active().filter(pk=zones["hidden"].pk).exists()


# --- Logos ----------------------------------------------------------------------------------


def admin_add(staff_client, **overrides):
    data = {
        "name": "株洲高新技术产业开发区",
        "short_name": "株洲高新区",
        "city": "zhuzhou",
        "level": "national",
        "kind": "high_tech",
        "role": "5",
        "website": "",
        "address": "",
        "joined_on": "",
        "introduction": "<p>简介</p>",
        "order": "0",
        "active": "on",
        **overrides,
    }
    return staff_client.post(reverse("admin:members_member_add"), data)


def test_staff_add_a_member_with_a_logo(staff_client, db):
    response = admin_add(staff_client, logo=png_upload(), website="www.zzhtz.gov.cn")
    assert response.status_code == 302
    member = Member.objects.get()
    assert member.logo.name.startswith("members/logos/")
    assert member.website == "https://www.zzhtz.gov.cn"
    page = staff_client.get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    assert f'<img class="member-admin-logo member-admin-logo--large" src="{member.logo.url}" alt="">' in page
    listing = staff_client.get(reverse("admin:members_member_changelist")).content.decode()
    assert f'<img class="member-admin-logo" src="{member.logo.url}" alt="">' in listing


def test_logo_must_be_an_image(staff_client, db):
    fake = SimpleUploadedFile("logo.png", b"<script>alert(1)</script>", content_type="image/png")
    response = admin_add(staff_client, logo=fake)
    assert response.status_code == 200
    assert "请上传一张有效的图片" in str(response.context["adminform"].form.errors["logo"])
    assert not Member.objects.exists()


def test_logo_must_be_a_web_image_format(staff_client, db):
    response = admin_add(staff_client, logo=png_upload(name="logo.bmp", image_format="BMP"))
    assert "标志只能是 JPG、PNG、GIF 或 WebP 格式的图片。" in response.context["adminform"].form.errors["logo"]
    assert not Member.objects.exists()


def test_logo_larger_than_2_mb_is_refused(staff_client, db):
    big = png_upload(size=(1000, 1000), noise=True)  # random pixels do not compress: about 3 MB
    assert big.size > 2 * 1024 * 1024
    response = admin_add(staff_client, logo=big)
    errors = response.context["adminform"].form.errors["logo"]
    assert len(errors) == 1
    message = errors[0].replace("\xa0", " ")
    assert re.fullmatch(r"标志图片不能超过 2.0 MB，此文件为 \d\.\d MB。请压缩后再上传。", message)
    assert not Member.objects.exists()


def test_big_logo_is_shrunk_keeping_its_proportions(make_member, settings):
    member = make_member("园区", logo=png_upload(size=(1800, 900)))
    with Image.open(member.logo.path) as stored:
        assert stored.size == (MAX_LOGO_SIDE, 300)
        assert stored.format == "PNG"
    jpeg = make_member("园区二", logo=png_upload(size=(700, 1400), name="logo.jpg", image_format="JPEG"))
    with Image.open(jpeg.logo.path) as stored:
        assert stored.size == (300, MAX_LOGO_SIDE)
        assert stored.format == "JPEG"


def test_small_logo_keeps_its_size_and_pixels_but_nothing_appended(make_member):
    upload = png_upload(size=(200, 100))
    upload = SimpleUploadedFile("logo.png", upload.read() + b"<script>alert(1)</script>", content_type="image/png")
    member = make_member("园区", logo=upload)
    with Image.open(member.logo.path) as stored:
        assert (stored.format, stored.size, stored.getpixel((5, 5))) == ("PNG", (200, 100), (11, 79, 138))
    assert b"<script>" not in Path(member.logo.path).read_bytes()


# --- Seed content -----------------------------------------------------------------------


def test_seed_loads_the_three_members_faithfully(db):
    load_all()
    members = {member.short_name: member for member in Member.objects.all()}
    assert set(members) == {"长沙高新区", "长沙经开区", "湘西高新区"}
    expected = {
        "长沙高新区": ("长沙高新技术产业开发区", City.CHANGSHA, Level.NATIONAL, Kind.HIGH_TECH),
        "长沙经开区": ("长沙经济技术开发区", City.CHANGSHA, Level.NATIONAL, Kind.ECONOMIC),
        "湘西高新区": ("湘西高新技术产业开发区", City.XIANGXI, "", Kind.HIGH_TECH),
    }
    for short_name, (name, city, level, kind) in expected.items():
        member = members[short_name]
        assert (member.name, member.city, member.level, member.kind) == (name, city, level, kind)
        # The seed says nothing else: plain membership, everything else empty.
        assert member.role == Role.MEMBER and member.active and member.order == 0
        assert (member.website, member.address, member.introduction, member.joined_on, member.logo.name) == (
            "",
            "",
            "",
            None,
            "",
        )


def test_seed_is_idempotent_and_keeps_staff_changes(db):
    loaded = load_all()
    assert {key for key, _fields in MEMBERS} <= set(loaded)
    member = Member.objects.get(short_name="湘西高新区")
    member.level = Level.NATIONAL
    member.save()
    Member.objects.get(short_name="长沙经开区").delete()
    assert load_all() == []
    assert Member.objects.count() == 2
    assert Member.objects.get(short_name="湘西高新区").level == Level.NATIONAL


def test_seed_leaves_a_member_staff_entered_first(make_member):
    make_member("长沙高新技术产业开发区", short_name="员工填写的简称")
    load_all()
    assert Member.objects.get(name="长沙高新技术产业开发区").short_name == "员工填写的简称"
    assert Member.objects.count() == 3


def test_sample_file_matches_the_seed(db):
    """docs/members-sample.csv holds the three seed members: importing it after the seed changes nothing."""
    load_all()
    result = import_csv(SAMPLE_CSV.read_text(encoding="utf-8-sig"))
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 0, 3)


def test_seeded_directory_shows_the_three_members(client, db):
    load_all()
    response = client.get(reverse("members:list"))
    assert sorted(names(response)) == sorted(["长沙高新技术产业开发区", "长沙经济技术开发区", "湘西高新技术产业开发区"])
    hitech = Member.objects.get(short_name="长沙高新区")
    news = client.get(hitech.get_absolute_url()).context["related_articles"]
    assert [article.title for article in news] == ["长沙高新区入选全国13家国家高新区启动企业创新积分制试点"]
    # The drafts that name the other two are not shown.
    assert not Member.objects.get(short_name="湘西高新区").related_articles()
