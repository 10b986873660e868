"""会员单位: fixtures shared by the member tests."""

import pytest

from members.models import Member

from .helpers import City, Kind, Level, Role


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
