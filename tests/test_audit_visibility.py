"""操作记录 and 历史 pages show each staff member only the history of models they may view (audit/visibility.py)."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from association.models import Document, DocumentVersion
from audit.models import ChangeRecord
from hnda_site.models import FriendlyLink, SiteSettings
from members.models import Member
from news.models import Article

from .conftest import BROWSER_USER_AGENT

LISTING = "/admin/audit/changerecord/"
SECRET_TITLE = "尚未公开的人事任免"
SECRET_BODY = "拟任命张三为秘书长"


def staff_in(group_name, username="huiyuan"):
    user = User.objects.create_user(username, password="pw-123456789", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    client = Client(HTTP_USER_AGENT=BROWSER_USER_AGENT)
    client.force_login(user)
    return client


@pytest.fixture
def member_manager(db):
    return staff_in("会员管理")


@pytest.fixture
def draft_article(admin_user, category):
    article = Article.objects.create(title="草稿", category=category, body="<p>初稿</p>")
    article.title, article.body = SECRET_TITLE, f"<p>{SECRET_BODY}</p>"
    article._history_user = admin_user
    article.save()
    return article


@pytest.fixture
def member(admin_user):
    member = Member.objects.create(name="岳阳经济技术开发区", city="yueyang", kind="economic")
    member.address = "岳阳市新址"
    member._history_user = admin_user
    member.save()
    return member


def filter_choices(response, field_path):
    """The names a list filter offers (a filter with one choice only is not shown at all)."""
    specs = [spec for spec in response.context["cl"].filter_specs if spec.field_path == field_path]
    return {str(name) for spec in specs for _, name in spec.lookup_choices}


def test_a_member_manager_does_not_read_draft_article_changes_in_the_change_records(
    member_manager, draft_article, member
):
    content = member_manager.get(LISTING).content.decode()
    assert SECRET_TITLE not in content and SECRET_BODY not in content
    assert "岳阳市新址" in content  # the member's change, which is theirs to see


def test_a_member_manager_does_not_find_them_by_search(member_manager, draft_article, member):
    searched = member_manager.get(LISTING, {"q": "人事任免"}).content.decode()
    assert SECRET_TITLE not in searched
    assert member_manager.get(LISTING, {"q": "人事任免"}).context["cl"].result_count == 0


def test_the_filters_list_only_the_models_and_people_one_may_see(member_manager, draft_article, member, category):
    other = User.objects.create_superuser("wangwu", "wangwu@example.com", "pw-123456789")
    category.name = "通知公告"
    category._history_user = other
    category.save()
    response = member_manager.get(LISTING)
    assert not {"文章", "栏目"} & filter_choices(response, "content_type")
    assert "wangwu" not in filter_choices(response, "user")
    assert "wangwu" not in response.content.decode()


def test_a_member_manager_cannot_open_an_article_change_record(member_manager, draft_article):
    record = ChangeRecord.objects.get(object_repr=SECRET_TITLE, action="~")
    response = member_manager.get(reverse("admin:audit_changerecord_change", args=[record.pk]), follow=True)
    assert SECRET_TITLE not in response.content.decode()
    assert SECRET_BODY not in response.content.decode()


def test_an_editor_reads_article_records_but_not_member_records(draft_article, member):
    editor = staff_in("编辑", "bianji")
    content = editor.get(LISTING).content.decode()
    assert SECRET_TITLE in content
    assert "岳阳市新址" not in content


def test_a_superuser_reads_every_record(staff_client, draft_article, member):
    content = staff_client.get(LISTING).content.decode()
    assert SECRET_TITLE in content and "岳阳市新址" in content


def test_the_records_of_a_model_one_may_view_but_not_change_are_shown(db, draft_article):
    reader = User.objects.create_user("duzhe", password="pw-123456789", is_staff=True)
    reader.user_permissions.add(
        Permission.objects.get(codename="view_changerecord"), Permission.objects.get(codename="view_article")
    )
    client = Client(HTTP_USER_AGENT=BROWSER_USER_AGENT)
    client.force_login(reader)
    assert SECRET_TITLE in client.get(LISTING).content.decode()


def history_tracked(admin_user, category):
    """One record of each model that has a 历史 page, changed once."""
    document = Document.objects.create(slug="intro", title="协会简介")
    objects = [
        Article.objects.create(title=SECRET_TITLE, category=category),
        category,
        document,
        DocumentVersion.objects.create(document=document, body=f"<p>{SECRET_BODY}</p>"),
        SiteSettings.load(),
        FriendlyLink.objects.create(name="湖南省商务厅", url="https://swt.hunan.gov.cn/"),
    ]
    for obj in objects:
        obj._history_user = admin_user
        obj.save()
    return objects


MODELS = ["article", "category", "document", "documentversion", "sitesettings", "friendlylink"]


@pytest.mark.parametrize("model_name", MODELS)
def test_a_member_manager_cannot_open_the_history_pages_of_other_models(
    model_name, member_manager, admin_user, category
):
    [obj] = [o for o in history_tracked(admin_user, category) if o._meta.model_name == model_name]
    opts = obj._meta
    history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    version = obj.history.first().history_id
    one_version = reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version])
    for url in (history, one_version):
        response = member_manager.get(url)
        assert response.status_code == 403, url
        assert SECRET_TITLE not in response.content.decode()


def test_a_member_manager_cannot_open_the_history_of_a_deleted_article(member_manager, draft_article):
    url = reverse("admin:news_article_history", args=[draft_article.pk])
    draft_article.delete()
    response = member_manager.get(url)
    assert response.status_code == 403
    assert SECRET_TITLE not in response.content.decode()


def test_a_member_manager_opens_the_history_of_members(member_manager, member):
    response = member_manager.get(reverse("admin:members_member_history", args=[member.pk]))
    assert response.status_code == 200
    assert "岳阳市新址" in response.content.decode()


def test_the_narrowed_listing_costs_the_same_queries_however_many_records(member_manager, admin_user):
    def change_members(first, count):
        for number in range(first, first + count):
            member = Member.objects.create(name=f"开发区{number}", city="yueyang", kind="economic")
            member.address = "新址"
            member._history_user = admin_user
            member.save()

    change_members(0, 2)
    with CaptureQueriesContext(connection) as few:
        member_manager.get(LISTING)
    change_members(2, 30)
    with CaptureQueriesContext(connection) as many:
        assert "开发区31" in member_manager.get(LISTING).content.decode()
    assert len(many) == len(few)
