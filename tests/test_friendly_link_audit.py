"""友情链接 are edited like content: history with values, stale forms refused, list edits and actions recorded."""

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from audit.models import ChangeRecord
from hnda_site.models import FriendlyLink

from .admin_forms import form_data
from .conftest import BROWSER_USER_AGENT

LIST_URL = "/admin/hnda_site/friendlylink/"
OLD_URL = "https://swt.hunan.gov.cn/"
PHISHING = "https://swt-hunan.example.net/login"


@pytest.fixture
def link(db):
    return FriendlyLink.objects.create(name="湖南省商务厅", url=OLD_URL, order=1)


def change_url(link):
    return reverse("admin:hnda_site_friendlylink_change", args=[link.pk])


def test_switching_a_link_to_another_site_is_recorded_with_both_addresses(staff_client, admin_user, link):
    staff_client.post(change_url(link), form_data(staff_client.get(change_url(link)), url=PHISHING))
    record = ChangeRecord.objects.get(object_repr="湖南省商务厅", action="~")
    assert record.user == admin_user
    assert record.changes == [["网址", OLD_URL, PHISHING]]
    history = staff_client.get(reverse("admin:hnda_site_friendlylink_history", args=[link.pk])).content.decode()
    assert OLD_URL in history and PHISHING in history


def test_a_stale_link_form_is_refused(staff_client, link):
    opened = form_data(staff_client.get(change_url(link)))
    other = Client(HTTP_USER_AGENT=BROWSER_USER_AGENT)
    other.force_login(User.objects.create_superuser("wangwu", "wangwu@example.com", "pw-123456789"))
    other.post(change_url(link), form_data(other.get(change_url(link)), url=PHISHING))

    response = staff_client.post(change_url(link), {**opened, "name": "湖南省商务厅（改）"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "为免覆盖别人的修改，本次没有保存" in content
    assert f"网址：{OLD_URL} → {PHISHING}" in content
    link.refresh_from_db()
    assert link.name == "湖南省商务厅"


def test_a_change_in_the_list_is_recorded_with_values(staff_client, admin_user, link):
    FriendlyLink.objects.create(name="湖南省发展和改革委员会", url="https://fgw.hunan.gov.cn/", order=2)
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "_save": "保存",
    }
    for index, row in enumerate(FriendlyLink.objects.order_by("group", "order", "id")):
        data |= {
            f"form-{index}-id": row.pk,
            f"form-{index}-group": row.group,
            f"form-{index}-order": row.order,
            f"form-{index}-visible": "on",
        }
    data["form-0-order"] = "9"
    data.pop("form-0-visible")
    response = staff_client.post(LIST_URL, data)
    assert response.status_code == 302
    record = ChangeRecord.objects.get(action="~")
    assert (record.object_repr, record.user) == ("湖南省商务厅", admin_user)
    assert record.changes == [["排序", "1", "9"], ["显示", "是", "否"]]


@pytest.mark.parametrize(
    ("action", "visible", "reason", "values"),
    [
        ("hide_from_site", True, "批量操作：隐藏", ["显示", "是", "否"]),
        ("show_on_site", False, "批量操作：显示", ["显示", "否", "是"]),
    ],
)
def test_link_bulk_actions_are_recorded_with_values(action, visible, reason, values, staff_client, link):
    link.visible = visible
    link.save()
    staff_client.post(LIST_URL, {"action": action, "_selected_action": [link.pk]})
    link.refresh_from_db()
    assert link.visible is not visible
    record = ChangeRecord.objects.filter(action="~").first()
    assert (record.reason, record.changes) == (reason, [values])


def test_deleting_links_in_bulk_is_recorded(staff_client, admin_user, link):
    staff_client.post(LIST_URL, {"action": "delete_selected", "_selected_action": [link.pk], "post": "yes"})
    assert not FriendlyLink.objects.exists()
    record = ChangeRecord.objects.get(action="-")
    assert (record.object_repr, record.user) == ("湖南省商务厅", admin_user)


def test_links_that_existed_before_get_a_first_history_row(link):
    """So that the first change after the upgrade still shows the old address."""
    link.history.all().delete()
    migration = import_module("hnda_site.migrations.0010_friendly_link_history")
    migration.record_existing_links(apps, None)
    link.url = PHISHING
    link.save()
    assert ChangeRecord.objects.get(action="~").changes == [["网址", OLD_URL, PHISHING]]
