"""会员单位: model rules, and the articles that mention a member."""

import pytest
from django.core.exceptions import ValidationError

from members.models import Member
from news.models import Article

from .helpers import City, Kind, Level, Role

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
