"""A fresh site (issue 26, item 11): the association's usual 栏目, placed but empty, and a member count
that says what it counts."""

import pytest

from hnda_site.seeding import load_all
from news.models import Category
from news.seed import category_creator

pytestmark = pytest.mark.django_db


def test_the_seed_ships_the_usual_sections_placed_and_empty(client, seeded):
    sections = {category.slug: category for category in Category.objects.all()}
    assert {"park-express", "notices", "policies"} <= set(sections)
    assert sections["notices"].name == "通知公告" and sections["policies"].name == "政策法规"
    for slug in ("notices", "policies"):
        assert sections[slug].show_in_nav and sections[slug].show_on_home
        assert not sections[slug].articles.exists()
    home = client.get("/").content.decode()
    assert 'href="/news/notices/"' in home and 'href="/news/policies/"' in home  # in the navigation
    assert 'id="home-column-notices"' not in home  # an empty 栏目 has no column
    assert client.get("/news/policies/").status_code == 200


def test_loading_the_seed_again_adds_no_section(seeded):
    count = Category.objects.count()
    load_all()
    assert Category.objects.count() == count


def test_a_section_staff_made_under_another_address_is_left_alone(db):
    Category.objects.create(name="通知公告", slug="tongzhi")
    category_creator("notices", "通知公告", "Notices", 2)()
    assert list(Category.objects.values_list("slug", flat=True)) == ["tongzhi"]


def test_the_member_panel_says_what_its_number_counts(client, seeded):
    home = client.get("/").content.decode()
    assert "本网站已收录会员单位 <strong>" in home
    assert "现有会员单位 <strong>" not in home
