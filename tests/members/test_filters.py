"""会员单位: the directory's filters, without the database."""

from django.http import QueryDict
from django.template import Context, RequestContext, Template
from django.test import RequestFactory

from members.filters import DirectoryFilters
from members.models import Member

from .helpers import City, Kind, Role

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
