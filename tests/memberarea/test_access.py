"""Who reads the 会员专区: logged-in contacts of units in good standing, and staff; the public sees a prompt."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from memberarea.models import MemberPost, Membership
from tests.conftest import BROWSER_USER_AGENT

BODY = "审计结论：收支平衡"


def test_the_public_sees_a_login_prompt_not_the_report(client, report):
    response = client.get(report.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert BODY not in content
    assert report.title not in content  # staff did not choose to show titles
    assert reverse("memberarea:login") in content


def test_staff_may_let_the_public_see_titles_but_never_bodies(client, report):
    report.section.titles_public = True
    report.section.save()
    content = client.get(report.section.get_absolute_url()).content.decode()
    assert report.title in content
    assert BODY not in content
    assert report.get_absolute_url() not in content


def test_a_member_contact_reads_the_report(member_client, report):
    response = member_client.get(report.get_absolute_url())
    assert BODY in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_drafts_and_scheduled_posts_are_not_found_by_members(member_client, report):
    report.status = MemberPost.Status.DRAFT
    report.save()
    assert member_client.get(report.get_absolute_url()).status_code == 404
    report.status = MemberPost.Status.PUBLISHED
    report.published_at = timezone.now() + timezone.timedelta(days=1)
    report.save()
    assert member_client.get(report.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("status", [Membership.Status.SUSPENDED, Membership.Status.WITHDRAWN])
def test_a_unit_whose_membership_is_suspended_or_ended_reads_nothing(member_client, contact, report, status):
    Membership.objects.create(member=contact.member, status=status)
    assert member_client.get(report.get_absolute_url()).status_code == 403


def test_a_disabled_account_loses_access_at_once(member_client, contact, report):
    contact.user.is_active = False
    contact.user.save()
    content = member_client.get(report.get_absolute_url()).content.decode()
    assert BODY not in content


def test_a_logged_in_account_that_is_no_contact_is_refused(client, django_user_model, report):
    client.force_login(django_user_model.objects.create_user("someone", password="x-123456789"))
    assert client.get(report.get_absolute_url()).status_code == 403


def test_staff_read_members_only_posts(staff_client, report):
    assert BODY in staff_client.get(report.get_absolute_url()).content.decode()


def test_a_contact_never_gets_into_the_admin(member_client):
    response = member_client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_members_only_pages_never_come_from_the_page_cache(settings, client, contact, report):
    """A member reads the report with the page cache on; the next anonymous visitor gets only the prompt."""
    settings.PAGE_CACHE_ENABLED = True
    member = Client(HTTP_USER_AGENT=BROWSER_USER_AGENT)
    member.force_login(contact.user)
    for _round in range(2):
        assert BODY in member.get(report.get_absolute_url()).content.decode()
        anonymous = client.get(report.get_absolute_url())
        assert BODY not in anonymous.content.decode()
        assert "X-Page-Cache" not in anonymous
        assert "private" in anonymous["Cache-Control"]


def test_another_units_contact_gets_its_own_page_not_a_cached_one(settings, make_contact, report):
    settings.PAGE_CACHE_ENABLED = True
    first, second = make_contact(), make_contact("zhuzhou", phone="13900000002", name="李华")
    seen = []
    for contact in (first, second):
        browser = Client(HTTP_USER_AGENT=BROWSER_USER_AGENT)
        browser.force_login(contact.user)
        seen.append(browser.get(reverse("memberarea:home")).content.decode())
    assert "王明" in seen[0] and "王明" not in seen[1]
    assert "李华" in seen[1]


def test_members_only_posts_are_in_no_public_search_feed_or_sitemap(client, report, seeded):
    for url in ("/search/?q=审计结论", "/search/?q=财务审计报告", "/news/feed/", "/sitemap.xml"):
        content = client.get(url).content.decode()
        assert report.title not in content and BODY not in content, url
        assert report.get_absolute_url() not in content, url


def test_the_english_area_speaks_english(client, report):
    content = client.get("/en" + report.get_absolute_url()).content.decode()
    assert "Member login" in content or "Members" in content
    assert BODY not in content
