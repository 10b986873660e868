"""Files attached to a 会员专区 post: downloaded only by those who read the 会员专区, never public (not in the
下载中心, search, sitemap or any cache), and attached by the 会员管理 group in the admin."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from attachments.models import Attachment
from memberarea.models import MemberPost, Membership
from news.models import Article
from tests.attachments import files
from tests.conftest import BROWSER_USER_AGENT

SECRET = b"HNDZA-members-only-audit"


@pytest.fixture
def audit_file(report):
    return Attachment.objects.create(
        member_post=report,
        title="2026年度财务审计报告全文",
        file=files.upload("审计报告.pdf", files.pdf_bytes(SECRET.decode())),
    )


def test_a_member_reads_the_post_with_its_file_and_downloads_it(member_client, report, audit_file):
    page = member_client.get(report.get_absolute_url()).content.decode()
    assert audit_file.get_absolute_url() in page and "2026年度财务审计报告全文.pdf" in page
    response = member_client.get(audit_file.get_absolute_url())
    assert response.status_code == 200
    assert SECRET in b"".join(response.streaming_content)
    assert "private" in response["Cache-Control"]


def test_the_public_and_other_accounts_get_no_file(client, django_user_model, audit_file):
    assert client.get(audit_file.get_absolute_url()).status_code == 404
    client.force_login(django_user_model.objects.create_user("someone", password="x-123456789"))
    assert client.get(audit_file.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("status", [Membership.Status.SUSPENDED, Membership.Status.WITHDRAWN])
def test_a_unit_not_in_good_standing_gets_no_file(member_client, contact, audit_file, status):
    Membership.objects.create(member=contact.member, status=status)
    assert member_client.get(audit_file.get_absolute_url()).status_code == 404


def test_a_draft_posts_file_is_for_staff_only(member_client, staff_client, report, audit_file):
    MemberPost.objects.filter(pk=report.pk).update(status=MemberPost.Status.DRAFT)
    assert member_client.get(audit_file.get_absolute_url()).status_code == 404
    assert staff_client.get(audit_file.get_absolute_url()).status_code == 200


def test_members_only_files_are_not_extracted_and_never_listed_or_searched(client, seeded, audit_file):
    assert audit_file.text_status == Attachment.TextStatus.NONE  # nothing members-only reaches the index
    for url in ("/downloads/", "/downloads/?q=审计", "/search/?q=审计报告", "/sitemap.xml", "/en/downloads/"):
        content = client.get(url).content.decode()
        assert audit_file.get_absolute_url() not in content and audit_file.title not in content, url


def test_members_only_files_never_come_from_the_page_cache(settings, client, contact, audit_file):
    settings.PAGE_CACHE_ENABLED = True
    member = Client(HTTP_USER_AGENT=BROWSER_USER_AGENT)
    member.force_login(contact.user)
    for _round in range(2):
        assert member.get(audit_file.get_absolute_url()).status_code == 200
        anonymous = client.get(audit_file.get_absolute_url())
        assert anonymous.status_code == 404 and "X-Page-Cache" not in anonymous


def test_a_file_has_exactly_one_parent(report, make_article):
    both = Attachment(
        member_post=report, article=make_article("公开文章"), file=files.upload("a.pdf", files.pdf_bytes())
    )
    with pytest.raises(ValidationError):
        both.full_clean()


def test_the_member_managers_attach_files_to_a_post_in_the_admin(client, django_user_model, minutes):
    manager = django_user_model.objects.create_user("huiyuan", password="Staff-pass-2026", is_staff=True)
    manager.groups.add(Group.objects.get(name="会员管理"))
    client.force_login(manager)
    add_url = reverse("admin:memberarea_memberpost_add")
    form = client.get(add_url).content.decode()
    assert 'name="new_attachments"' in form and "只有登录的会员单位能下载" in form
    response = client.post(
        add_url,
        {
            "section": minutes.pk,
            "title": "理事会会议纪要",
            "body": "<p>会议决议如下。</p>",
            "status": MemberPost.Status.PUBLISHED,
            "published_at_0": "2026-11-20",
            "published_at_1": "09:00:00",
            "new_attachments": [
                files.upload("会议纪要.pdf", files.pdf_bytes()),
                files.upload("签到表.pdf", files.pdf_bytes()),
            ],
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    post = MemberPost.objects.get(title="理事会会议纪要")
    assert sorted(post.attachments.values_list("title", flat=True)) == ["会议纪要", "签到表"]
    assert not Article.objects.exists()


def test_an_unverified_staff_session_downloads_no_draft_file(settings, admin_user, make_article, report):
    """With REQUIRE_2FA, a password-only session previews nothing: not a draft article's file either."""
    settings.REQUIRE_2FA = True
    draft = make_article("草稿文章", status=Article.Status.DRAFT)
    draft_file = Attachment.objects.create(article=draft, file=files.upload("草稿附件.pdf", files.pdf_bytes()))
    members_file = Attachment.objects.create(member_post=report, file=files.upload("纪要.pdf", files.pdf_bytes()))
    session = Client(HTTP_USER_AGENT=BROWSER_USER_AGENT)
    session.force_login(admin_user)
    assert session.get(draft_file.get_absolute_url()).status_code == 404
    assert session.get(members_file.get_absolute_url()).status_code == 404
