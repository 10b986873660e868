"""会员单位: seed content."""

from django.urls import reverse

from hnda_site.seeding import load_all
from members.models import Member
from members.seed import MEMBERS

from .helpers import SAMPLE_CSV, City, Kind, Level, Role, import_csv, names

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
