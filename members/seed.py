"""The member zones the original site names.

The original site names three zones; the seed says nothing of their role in the association, so
they are loaded as plain 会员单位 (the default), and 湘西高新区's level stays empty (shown as 未注明).
Nothing else is known about them, so every other field is left for staff to fill in.
"""

from functools import partial

from hnda_site.seeding import load_pieces

from .models import Member

MEMBERS = [
    (
        "members.member.changsha-high-tech-zone",
        {
            "name": "长沙高新技术产业开发区",
            "short_name": "长沙高新区",
            "city": Member.City.CHANGSHA,
            "level": Member.Level.NATIONAL,
            "kind": Member.Kind.HIGH_TECH,
        },
    ),
    (
        "members.member.changsha-economic-zone",
        {
            "name": "长沙经济技术开发区",
            "short_name": "长沙经开区",
            "city": Member.City.CHANGSHA,
            "level": Member.Level.NATIONAL,
            "kind": Member.Kind.ECONOMIC,
        },
    ),
    (
        "members.member.xiangxi-high-tech-zone",
        {
            "name": "湘西高新技术产业开发区",
            "short_name": "湘西高新区",
            "city": Member.City.XIANGXI,
            "kind": Member.Kind.HIGH_TECH,
        },
    ),
]


def create_member(fields):
    # Staff may have entered (or imported) the member before the seed ran: keep theirs.
    Member.objects.get_or_create(name=fields["name"], defaults=fields)


PIECES = [(key, partial(create_member, fields)) for key, fields in MEMBERS]


def load():
    return load_pieces(PIECES)
