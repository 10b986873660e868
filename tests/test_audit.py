"""Audit trail, stale-form refusal, truthful status and the shared admin mixins (issue 8)."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from import_export.formats import base_formats

from association.models import Document, DocumentVersion
from audit.models import ChangeRecord
from hnda_site.models import SiteSettings
from members.models import Member
from members.resources import MemberResource
from news.models import Article, Category

from .admin_forms import form_data
from .conftest import BROWSER_USER_AGENT

SHANGHAI = ZoneInfo("Asia/Shanghai")
MEMBER_HEADERS = "名称,简称,市州,级别,类型,协会职务,网址,地址,入会日期,排序,启用"


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def other_staff_client(client, db):
    other = User.objects.create_superuser("wangwu", "wangwu@example.com", "pw-123456789")
    client.force_login(other)
    return client


# --- Saving a stale form -------------------------------------------------------------------------


def test_second_save_of_a_stale_article_form_is_refused_with_what_changed(
    staff_client, other_staff_client, make_article
):
    article = make_article("原来的标题")
    opened_by_a = form_data(staff_client.get(change_url(article)))
    opened_by_b = form_data(other_staff_client.get(change_url(article)))

    other_staff_client.post(change_url(article), {**opened_by_b, "title": "王五改的标题"})
    response = staff_client.post(change_url(article), {**opened_by_a, "title": "我改的标题", "publisher": "我填的"})

    assert response.status_code == 200  # the form again, not a redirect
    content = response.content.decode()
    assert "有人修改并保存了这条记录（wangwu" in content
    assert "标题：原来的标题 → 王五改的标题" in content
    assert 'value="我改的标题"' in content and 'value="我填的"' in content  # the typed input is kept
    article.refresh_from_db()
    assert article.title == "王五改的标题"


def test_saving_again_after_the_refusal_keeps_ones_own_text(staff_client, other_staff_client, make_article):
    article = make_article("原来的标题")
    opened_by_a = form_data(staff_client.get(change_url(article)))
    other_staff_client.post(change_url(article), form_data(other_staff_client.get(change_url(article)), title="新"))
    refused = staff_client.post(change_url(article), {**opened_by_a, "title": "我改的标题"})

    again = staff_client.post(change_url(article), form_data(refused))
    assert again.status_code == 302
    article.refresh_from_db()
    assert article.title == "我改的标题"


@pytest.mark.parametrize("kind", ["category", "member", "settings", "draft"])
def test_every_staff_edited_model_refuses_a_stale_form(kind, staff_client, other_staff_client, category):
    obj, field, value = {
        "category": (category, "name", "改名的栏目"),
        "member": (
            Member.objects.create(name="长沙高新区管委会", city="changsha", kind="high_tech"),
            "address",
            "新址",
        ),
        "settings": (SiteSettings.load(), "phone", "0731-1234567"),
        "draft": (
            DocumentVersion.objects.create(document=Document.objects.create(slug="intro", title="协会简介")),
            "change_note",
            "改了说明",
        ),
    }[kind]
    opened_by_a = form_data(staff_client.get(change_url(obj)))
    other_staff_client.post(change_url(obj), form_data(other_staff_client.get(change_url(obj)), **{field: value}))

    response = staff_client.post(change_url(obj), opened_by_a)
    assert response.status_code == 200
    assert "为免覆盖别人的修改，本次没有保存" in response.content.decode()
    obj.refresh_from_db()
    assert getattr(obj, field) == value


def test_a_bulk_action_makes_an_open_form_stale(staff_client, make_article):
    article = make_article("置顶前打开的文章")
    opened = form_data(staff_client.get(change_url(article)))
    staff_client.post(reverse("admin:news_article_changelist"), {"action": "pin", "_selected_action": [article.pk]})
    response = staff_client.post(change_url(article), {**opened, "title": "改了标题"})
    assert "置顶：否 → 是" in response.content.decode()


# --- Saving without a change ---------------------------------------------------------------------


def test_saving_an_unchanged_article_logs_nothing_and_keeps_the_seconds(staff_client, category):
    published = datetime(2026, 3, 5, 9, 30, 45, 123456, tzinfo=SHANGHAI)
    article = Article.objects.create(title="有秒的文章", category=category, status="published", published_at=published)
    history_before = article.history.count()

    response = staff_client.post(change_url(article), form_data(staff_client.get(change_url(article))))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.published_at == published
    assert article.history.count() == history_before
    assert not LogEntry.objects.exists()
    assert not ChangeRecord.objects.filter(action=ChangeRecord.Action.CHANGED).exists()


def test_the_article_form_shows_the_seconds_of_the_publication_time(staff_client, category):
    published = datetime(2026, 3, 5, 9, 30, 45, tzinfo=SHANGHAI)
    article = Article.objects.create(title="有秒的文章", category=category, status="published", published_at=published)
    assert form_data(staff_client.get(change_url(article)))["published_at_1"] == "09:30:45"


# --- History -------------------------------------------------------------------------------------


def test_a_change_in_the_admin_is_recorded_with_user_and_old_and_new_values(staff_client, admin_user, make_article):
    article = make_article("旧标题")
    staff_client.post(change_url(article), form_data(staff_client.get(change_url(article)), title="新标题"))

    record = ChangeRecord.objects.get(action=ChangeRecord.Action.CHANGED)
    assert record.user == admin_user
    assert record.object_repr == "新标题"
    assert record.changes == [["标题", "旧标题", "新标题"]]


def test_bulk_actions_write_one_history_row_per_changed_article_with_a_chinese_reason(
    staff_client, admin_user, make_article
):
    first, second = make_article("第一篇"), make_article("第二篇", pinned=True)
    staff_client.post(
        reverse("admin:news_article_changelist"), {"action": "pin", "_selected_action": [first.pk, second.pk]}
    )
    records = ChangeRecord.objects.filter(action=ChangeRecord.Action.CHANGED)
    assert [(r.object_repr, r.reason, r.user, r.changes) for r in records] == [
        ("第一篇", "批量操作：置顶", admin_user, [["置顶", "否", "是"]])
    ]
    first.refresh_from_db()
    assert first.updated_by == admin_user  # pin used to forget who did it


@pytest.mark.parametrize(
    ("action", "fields", "reason"),
    [
        ("unpublish", {}, "批量操作：撤回"),
        ("publish", {"status": Article.Status.DRAFT}, "批量操作：发布"),
        ("unpin", {"pinned": True}, "批量操作：取消置顶"),
    ],
)
def test_each_article_bulk_action_is_recorded(action, fields, reason, staff_client, make_article):
    article = make_article("批量文章", **fields)
    staff_client.post(reverse("admin:news_article_changelist"), {"action": action, "_selected_action": [article.pk]})
    assert article.history.first().history_change_reason == reason


@pytest.mark.parametrize(
    ("action", "active", "reason"),
    [("hide_from_site", True, "批量操作：隐藏"), ("show_on_site", False, "批量操作：显示")],
)
def test_member_bulk_actions_are_recorded(action, active, reason, staff_client):
    member = Member.objects.create(name="岳阳经开区", city="yueyang", kind="economic", active=active)
    staff_client.post(reverse("admin:members_member_changelist"), {"action": action, "_selected_action": [member.pk]})
    member.refresh_from_db()
    assert member.active is not active
    assert ChangeRecord.objects.get(action="~").reason == reason


def test_publishing_a_document_version_is_recorded(staff_client, admin_user):
    document = Document.objects.create(slug="intro", title="协会简介")
    draft = DocumentVersion.objects.create(document=document, body="<p>正文</p>")
    staff_client.post(
        reverse("admin:association_documentversion_changelist"), {"action": "publish", "_selected_action": [draft.pk]}
    )
    record = ChangeRecord.objects.get(action="~")
    assert record.reason == "发布版本"
    assert record.user == admin_user
    assert ["状态", "草稿", "已发布"] in record.changes


def test_an_import_records_one_entry_per_changed_member_with_a_chinese_reason(admin_user, db):
    Member.objects.create(name="长沙经济技术开发区", city="changsha", kind="economic", short_name="旧简称")
    Member.objects.create(name="株洲高新区", city="zhuzhou", kind="high_tech")
    text = (
        f"{MEMBER_HEADERS}\n"
        "长沙经济技术开发区,长沙经开区,长沙市,,经济技术开发区,,,,,,\n"
        "株洲高新区,,株洲市,,高新技术产业开发区,,,,,,\n"  # unchanged: no entry
        "湘潭高新区,,湘潭市,,高新技术产业开发区,,,,,,\n"
    )
    dataset = base_formats.CSV(encoding="utf-8-sig").create_dataset(text)
    MemberResource().import_data(dataset, rollback_on_validation_errors=True, user=admin_user)

    records = ChangeRecord.objects.exclude(reason="").order_by("object_repr")
    assert [(r.object_repr, r.reason, r.user) for r in records] == [
        ("湘潭高新区", "通过导入新增", admin_user),
        ("长沙经济技术开发区", "通过导入修改", admin_user),
    ]
    assert records[1].changes == [["简称", "旧简称", "长沙经开区"]]


def test_the_change_records_are_listed_filtered_and_read_only(staff_client, make_article):
    article = make_article("记录里的文章")
    staff_client.post(change_url(article), form_data(staff_client.get(change_url(article)), title="改过的文章"))
    listing = reverse("admin:audit_changerecord_changelist")
    response = staff_client.get(listing)
    content = response.content.decode()
    assert "改过的文章" in content and "标题：记录里的文章 → 改过的文章" in content
    assert "增加 操作记录" not in content

    filtered = staff_client.get(listing, {"content_type__id__exact": "0"})
    assert "改过的文章" not in filtered.content.decode()
    record = ChangeRecord.objects.first()
    assert staff_client.get(reverse("admin:audit_changerecord_delete", args=[record.pk])).status_code == 403
    staff_client.post(reverse("admin:audit_changerecord_change", args=[record.pk]), {"reason": "改记录"})
    record.refresh_from_db()
    assert record.reason == ""


def test_the_history_page_shows_changes_in_chinese_without_revert(staff_client, make_article):
    article = make_article("旧标题", status=Article.Status.DRAFT)
    staff_client.post(
        change_url(article), form_data(staff_client.get(change_url(article)), title="新标题", status="published")
    )
    response = staff_client.get(reverse("admin:news_article_history", args=[article.pk]))
    content = response.content.decode()
    assert "<strong>状态:</strong>" in content and "<strong>标题:</strong>" in content
    assert "旧标题" in content and "新标题" in content
    assert "还原" not in content


# --- Status in the article list ------------------------------------------------------------------


@time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI), tick=False)
@time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_the_article_list_says_draft_scheduled_or_published(staff_client, category):
    Article.objects.create(title="草稿文章", category=category)
    Article.objects.create(
        title="定时文章",
        category=category,
        status="published",
        published_at=datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI),
    )
    Article.objects.create(title="已发文章", category=category, status="published", published_at=timezone.now())
    content = staff_client.get(reverse("admin:news_article_changelist")).content.decode()
    assert '<td class="field-status_display">定时发布（2026年12月1日 09:00）</td>' in content
    assert '<td class="field-status_display">草稿</td>' in content
    assert '<td class="field-status_display">已发布</td>' in content


# --- Shared mixins -------------------------------------------------------------------------------


def test_the_record_fieldset_is_hidden_when_adding(staff_client, category):
    add = staff_client.get(reverse("admin:news_article_add")).content.decode()
    assert "最后修改人" not in add
    article = Article.objects.create(title="有记录", category=category)
    assert "最后修改人" in staff_client.get(change_url(article)).content.decode()


def test_created_and_updated_by_are_recorded(staff_client, other_staff_client, admin_user, category):
    staff_client.post(
        reverse("admin:news_article_add"),
        {"title": "谁写的", "category": category.pk, "status": "draft", "published_at_0": "", "published_at_1": ""},
    )
    article = Article.objects.get(title="谁写的")
    other_staff_client.post(change_url(article), form_data(other_staff_client.get(change_url(article)), title="谁改的"))
    article.refresh_from_db()
    assert article.created_by == admin_user
    assert article.updated_by.username == "wangwu"


def test_a_notices_category_defaults_to_ninety_days(db):
    assert Category.objects.create(name="通知公告", slug="notices").stale_after_days == 90
    assert Category.objects.create(name="协会动态", slug="dynamics").stale_after_days == 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_the_same_form_let_only_one_through(admin_user, make_article):
    """Real concurrent requests on PostgreSQL: the row lock makes the second save see the first."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (.ci/run); SQLite serializes writers")
    article = make_article("同时打开")
    first = Client(HTTP_USER_AGENT=BROWSER_USER_AGENT)
    first.force_login(admin_user)
    opened = form_data(first.get(change_url(article)))
    threads = 4
    barrier = threading.Barrier(threads)
    statuses = []

    def save(number):
        client = Client(HTTP_USER_AGENT=BROWSER_USER_AGENT)
        client.force_login(admin_user)
        barrier.wait()
        try:
            statuses.append(client.post(change_url(article), {**opened, "title": f"第{number}个"}).status_code)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=save, args=[number]) for number in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(statuses) == [200] * (threads - 1) + [302]
    article.refresh_from_db()
    assert article.edit_version == 1
