"""发布审核: groups, accounts and an enabled two-step workflow (初审 by 部门负责人 → 签发 by 分管领导)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from association.models import Document
from news.models import Article, Category
from tests.conftest import BROWSER_USER_AGENT
from workflow.models import CategoryAssignment, DocumentAssignment, Workflow


def perms(*names):
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


@pytest.fixture
def make_staff(django_user_model):
    def make(username, *permissions, groups=(), email=None):
        user = django_user_model.objects.create_user(
            username, password="pw-Secret-42", is_staff=True, email=email or f"{username}@example.org"
        )
        user.user_permissions.add(*perms(*permissions))
        for name in groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        return user

    return make


WRITER_PERMS = ("news.view_article", "news.add_article", "news.change_article", "workflow.view_review")
DOC_WRITER_PERMS = (
    "association.view_documentversion",
    "association.add_documentversion",
    "association.change_documentversion",
    "association.view_document",
)


@pytest.fixture
def writer(make_staff):
    """Writes articles and document versions; has no publish permission."""
    return make_staff("writer", *WRITER_PERMS, *DOC_WRITER_PERMS)


@pytest.fixture
def publisher(make_staff):
    """May publish directly (where no workflow applies)."""
    publish = ("news.publish_article", "association.publish_documentversion")
    return make_staff("publisher", *WRITER_PERMS, *DOC_WRITER_PERMS, *publish)


@pytest.fixture
def head(make_staff):
    """部门负责人: 初审."""
    return make_staff("head", groups=["部门负责人"])


@pytest.fixture
def leader(make_staff):
    """分管领导: 签发."""
    return make_staff("leader", groups=["分管领导"])


def login(user):
    client = Client(HTTP_USER_AGENT=BROWSER_USER_AGENT)
    client.force_login(user)
    return client


@pytest.fixture
def news(db):
    return Category.objects.create(name="园区快讯", english_name="PARK EXPRESS", slug="park-express")


@pytest.fixture
def charter(db):
    return Document.objects.create(slug="charter", title="协会章程", publish_requires_details=True)


@pytest.fixture
def workflow(news, charter):
    """The two-step workflow, enabled, for 园区快讯 and the charter."""
    flow = Workflow.objects.create(name="三审", enabled=True)
    flow.steps.create(order=1, name="初审", group=Group.objects.get(name="部门负责人"))
    flow.steps.create(order=2, name="签发", group=Group.objects.get(name="分管领导"))
    CategoryAssignment.objects.create(workflow=flow, category=news)
    DocumentAssignment.objects.create(workflow=flow, document=charter)
    return flow


@pytest.fixture
def draft(news, writer):
    return Article.objects.create(title="园区新闻", category=news, body="<p>正文第一段。</p>", created_by=writer)
