"""操作记录 in a real browser: a 友情链接 edited in its list, an account made superuser, and who sees what."""

import re

from django.contrib.auth.models import Group, Permission, User
from playwright.sync_api import expect

from hnda_site.models import FriendlyLink

from .conftest import ADMIN_USERNAME

OLD_URL = "https://swt.hunan.gov.cn/"
NEW_URL = "https://swt-hunan.example.net/"


def test_list_edits_and_account_changes_are_in_the_change_records(page, admin_login, screenshot):
    link = FriendlyLink.objects.create(name="湖南省商务厅", url=OLD_URL, order=1)
    colleague = User.objects.create_user("zhangsan", password="pw-123456789", is_staff=True)
    Group.objects.get_or_create(name="会员管理")  # browser tests' flushed database may have lost the staff groups
    admin_login(page)

    # A 友情链接 hidden from its list page.
    page.goto("/admin/hnda_site/friendlylink/")
    page.locator("#id_form-0-visible").uncheck()
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    # Its address changed in its form; the 历史 page shows both addresses.
    page.goto(f"/admin/hnda_site/friendlylink/{link.pk}/change/")
    page.fill("#id_url", NEW_URL)
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.goto(f"/admin/hnda_site/friendlylink/{link.pk}/history/")
    expect(page.locator("#content-main")).to_contain_text(OLD_URL)
    expect(page.locator("#content-main")).to_contain_text(NEW_URL)

    # A colleague made superuser and put in a group.
    page.goto(f"/admin/auth/user/{colleague.pk}/change/")
    page.get_by_label("超级用户状态").check()
    page.locator("#id_groups_from").select_option(label="会员管理")
    page.locator("#id_groups_add").click()
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    page.goto("/admin/audit/changerecord/")
    rows = page.locator("#result_list tbody tr")
    made_superuser = rows.filter(has_text="超级用户状态：否 → 是")
    expect(made_superuser).to_contain_text("zhangsan")
    expect(made_superuser).to_contain_text("加入组：会员管理")
    expect(made_superuser).to_contain_text(ADMIN_USERNAME)
    expect(rows.filter(has_text="湖南省商务厅").first).to_contain_text(f"网址：{OLD_URL} → {NEW_URL}")
    expect(page.locator("#result_list")).to_contain_text("显示：是 → 否")
    screenshot(page, "admin-change-records")


def test_a_member_manager_sees_only_member_records(new_context, staff_user, screenshot):
    FriendlyLink.objects.create(name="湖南省商务厅", url=OLD_URL)
    manager = User.objects.create_user("huiyuan", password="pw-123456789", is_staff=True)
    # The staff groups come from a data migration, which browser tests' flushed database has lost.
    group, _ = Group.objects.get_or_create(name="会员管理")
    group.permissions.add(
        *Permission.objects.filter(codename__in=["view_member", "change_member", "view_changerecord"])
    )
    manager.groups.add(group)
    page = new_context().new_page()
    page.goto("/admin/login/")
    page.fill("input[name=username]", "huiyuan")
    page.fill("input[name=password]", "pw-123456789")
    page.click("input[type=submit]")
    page.goto("/admin/audit/changerecord/")
    expect(page.locator("#content-main")).to_contain_text(re.compile("0 操作记录|0 个操作记录|没有"))
    expect(page.locator("#content-main")).not_to_contain_text("湖南省商务厅")
    expect(page.locator("#content-main")).not_to_contain_text("huiyuan")
    screenshot(page, "admin-change-records-member-manager")
