"""The members-only 栏目 an association keeps (placed, empty): staff add posts and may rename or remove them."""

from functools import partial

from hnda_site.seeding import load_pieces

from .models import MemberSection

SECTIONS = [
    ("minutes", "会议纪要", 1),
    ("resolutions", "会议决议", 2),
    ("annual-reports", "年度工作报告", 3),
    ("audit-reports", "财务审计报告", 4),
]

PIECES = [
    (f"memberarea.section.{slug}", partial(MemberSection.objects.create, slug=slug, name=name, order=order))
    for slug, name, order in SECTIONS
]


def load():
    return load_pieces(PIECES)
