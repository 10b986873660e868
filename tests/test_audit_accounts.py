"""User, group and permission changes are in 操作记录, with values, for those who may view users (audit/accounts.py)."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse

from audit.models import ChangeRecord

from .admin_forms import form_data
from .conftest import BROWSER_USER_AGENT

LISTING = "/admin/audit/changerecord/"
NEW_PASSWORD = "another-Horse-battery-7"


@pytest.fixture
def zhangsan(db):
    return User.objects.create_user("zhangsan", "zhangsan@example.com", "pw-123456789", is_staff=True)


def user_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def records_of(obj, action="~"):
    return ChangeRecord.objects.filter(content_type__model=obj._meta.model_name, object_id=str(obj.pk), action=action)


def save_user_form(client, user, **changes):
    response = client.post(user_url(user), form_data(client.get(user_url(user)), **changes))
    assert response.status_code == 302, response.content.decode()[:2000]


def test_making_someone_superuser_records_who_made_whom(staff_client, admin_user, zhangsan):
    save_user_form(staff_client, zhangsan, is_superuser="on")
    [record] = records_of(zhangsan)
    assert (record.user, record.object_repr) == (admin_user, "zhangsan")
    assert record.changes == [["超级用户状态", "否", "是"]]
    content = staff_client.get(LISTING).content.decode()
    assert "超级用户状态：否 → 是" in content


@pytest.mark.parametrize(
    ("field", "change", "expected"),
    [
        ("is_staff", {"is_staff": ""}, ["工作人员状态", "是", "否"]),
        ("is_active", {"is_active": ""}, ["有效", "是", "否"]),
        ("email", {"email": "zs@example.org"}, ["电子邮件地址", "zhangsan@example.com", "zs@example.org"]),
    ],
)
def test_account_flags_are_recorded_with_values(field, change, expected, staff_client, zhangsan):
    data = form_data(staff_client.get(user_url(zhangsan)))
    data.update(change)
    if change.get(field) == "":
        data.pop(field)
    staff_client.post(user_url(zhangsan), data)
    assert records_of(zhangsan).get().changes == [expected]


def test_group_membership_and_permissions_from_one_save_make_one_record(staff_client, zhangsan):
    editors = Group.objects.get(name="编辑")
    change_member = Permission.objects.get(codename="change_member")
    save_user_form(staff_client, zhangsan, groups=[editors.pk], user_permissions=[change_member.pk], is_superuser="on")
    [record] = records_of(zhangsan)
    assert record.changes == [
        ["超级用户状态", "否", "是"],
        ["加入组", "编辑"],
        ["增加权限", "会员单位：修改会员单位"],
    ]

    save_user_form(staff_client, zhangsan, groups=[], user_permissions=[])
    latest = records_of(zhangsan).first()
    assert latest.changes == [["退出组", "编辑"], ["取消权限", "会员单位：修改会员单位"]]


def test_group_permission_changes_are_recorded_on_the_group(staff_client, admin_user):
    group = Group.objects.get(name="会员管理")
    url = reverse("admin:auth_group_change", args=[group.pk])
    data = form_data(staff_client.get(url))
    view_article = Permission.objects.get(codename="view_article")
    delete_member = Permission.objects.get(codename="delete_member")
    data["permissions"] = [pk for pk in data["permissions"] if pk != delete_member.pk] + [view_article.pk]
    assert staff_client.post(url, data).status_code == 302
    [record] = records_of(group)
    assert record.user == admin_user
    assert record.changes == [["取消权限", "会员单位：删除会员单位"], ["增加权限", "园区快讯：查看文章"]]


def test_adding_a_user_to_a_group_from_the_group_side_is_recorded_on_the_user(zhangsan):
    Group.objects.get(name="会员管理").user_set.add(zhangsan)
    assert records_of(zhangsan).get().changes == [["加入组", "会员管理"]]


def test_creating_and_deleting_users_and_groups_is_recorded(staff_client, admin_user):
    response = staff_client.post(
        reverse("admin:auth_user_add"),
        {"username": "lisi", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    lisi = User.objects.get(username="lisi")
    created = records_of(lisi, "+").get()
    assert created.user == admin_user
    assert created.changes == [["有效", "是"], ["工作人员状态", "否"], ["超级用户状态", "否"]]

    staff_client.post(reverse("admin:auth_user_delete", args=[lisi.pk]), {"post": "yes"})
    deleted = ChangeRecord.objects.get(content_type__model="user", action="-")
    assert (deleted.object_repr, deleted.user) == ("lisi", admin_user)

    group = Group.objects.create(name="财务")
    group.name = "财务与后勤"
    group.save()
    group.delete()
    assert [r.action for r in ChangeRecord.objects.filter(content_type__model="group").order_by("id")] == [
        "+",
        "~",
        "-",
    ]
    assert ChangeRecord.objects.get(content_type__model="group", action="~").changes == [["名称", "财务", "财务与后勤"]]


def test_a_password_change_is_recorded_as_an_event_never_the_hash(staff_client, zhangsan):
    url = reverse("admin:auth_user_password_change", args=[zhangsan.pk])
    response = staff_client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302
    zhangsan.refresh_from_db()
    assert records_of(zhangsan).get().changes == [["密码", "已修改"]]
    for record in ChangeRecord.objects.all():
        text = str(record.changes)
        assert zhangsan.password not in text and "pbkdf2" not in text and "md5$" not in text


def test_logging_in_records_nothing(zhangsan, settings):
    """last_login moves, and Django may re-hash a password on login: neither is a change anyone made."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    before = ChangeRecord.objects.count()
    client = Client(REMOTE_ADDR="198.51.100.7")
    response = client.post("/admin/login/?next=/admin/", {"username": "zhangsan", "password": "pw-123456789"})
    assert response.status_code == 302
    zhangsan.refresh_from_db()
    assert zhangsan.password.startswith("pbkdf2")  # re-hashed on login
    assert ChangeRecord.objects.count() == before


def staff_with(*codenames, username="huiyuan", group=None):
    user = User.objects.create_user(username, password="pw-123456789", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_changerecord", *codenames]))
    if group:
        user.groups.add(Group.objects.get(name=group))
    client = Client(HTTP_USER_AGENT=BROWSER_USER_AGENT)
    client.force_login(user)
    return client


def test_only_those_who_may_view_users_see_account_records(staff_client, zhangsan):
    save_user_form(staff_client, zhangsan, is_superuser="on")
    member_manager = staff_with(group="会员管理")
    content = member_manager.get(LISTING).content.decode()
    assert "超级用户状态" not in content and "zhangsan" not in content

    user_viewer = staff_with("view_user", username="renshi")
    assert "超级用户状态：否 → 是" in user_viewer.get(LISTING).content.decode()
