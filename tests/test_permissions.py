"""Previewing drafts needs the change permission of that model; staff groups per role (issue 8)."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.test import Client

from association.models import Document, DocumentVersion
from members.models import Member
from news.models import Article

from .conftest import BROWSER_USER_AGENT

staff_groups = importlib.import_module("audit.migrations.0002_staff_groups")


def staff_in(*group_names):
    user = User.objects.create_user("-".join(group_names) or "nobody", password="pw-123456789", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=group_names))
    client = Client(HTTP_USER_AGENT=BROWSER_USER_AGENT)
    client.force_login(user)
    return client


@pytest.fixture
def drafts(category):
    document = Document.objects.create(slug="intro", title="协会简介")
    return {
        "article": Article.objects.create(title="草稿文章", category=category).get_absolute_url(),
        "member": Member.objects.create(
            name="未启用园区", city="changsha", kind="other", active=False
        ).get_absolute_url(),
        "document": DocumentVersion.objects.create(document=document, body="<p>草稿正文</p>").get_absolute_url(),
    }


@pytest.mark.parametrize(
    ("group", "may_preview"),
    [("编辑", {"article"}), ("文档管理", {"document"}), ("会员管理", {"member"})],
)
def test_previewing_drafts_needs_the_change_permission_of_that_model(group, may_preview, drafts):
    client = staff_in(group)
    for kind, url in drafts.items():
        expected = 200 if kind in may_preview else 404
        assert client.get(url).status_code == expected, (group, kind)


def test_staff_without_any_group_preview_nothing(drafts):
    client = staff_in()
    assert {client.get(url).status_code for url in drafts.values()} == {404}


def test_the_role_groups_exist_with_their_permissions(db):
    codenames = {group.name: set(group.permissions.values_list("codename", flat=True)) for group in Group.objects.all()}
    assert {"change_article", "add_category", "view_changerecord"} <= codenames["编辑"]
    assert {"change_documentversion", "change_document"} <= codenames["文档管理"]
    assert {"add_member", "change_member", "delete_member"} <= codenames["会员管理"]
    assert "change_member" not in codenames["编辑"]


def test_creating_the_groups_again_changes_nothing(db):
    before = {group.name: group.permissions.count() for group in Group.objects.all()}
    staff_groups.create_groups(apps, None)
    assert {group.name: group.permissions.count() for group in Group.objects.all()} == before
