"""会员单位: import and export in the admin, the admin list."""

import io
import re

import openpyxl
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from members.models import Member
from spreadsheets.importstorage import DatabaseImportStorage

from .helpers import HEADERS, SAMPLE_CSV, full_member

# --- Import and export in the admin ---------------------------------------------------------


def admin_import(staff_client, name, content, file_format="0"):
    """Upload a file on the admin's import page (format 0 is CSV, 1 is Excel)."""
    upload = SimpleUploadedFile(name, content)
    return staff_client.post(reverse("admin:members_member_import"), {"format": file_format, "import_file": upload})


def test_admin_import_previews_then_applies_on_confirmation(staff_client, db):
    preview = admin_import(staff_client, "members-sample.csv", SAMPLE_CSV.read_bytes())
    assert preview.status_code == 200
    content = preview.content.decode()
    assert "将新增 <strong>3</strong> 个" in content
    assert content.count('<td class="import-type">新增</td>') == 3
    assert 'value="确认导入"' in content
    assert not Member.objects.exists()  # a preview writes nothing

    confirm = preview.context["confirm_form"]
    response = staff_client.post(
        reverse("admin:members_member_process_import"), {**confirm.initial, "confirm": "确认导入"}
    )
    assert response.status_code == 302
    assert set(Member.objects.values_list("short_name", flat=True)) == {"长沙高新区", "长沙经开区", "湘西高新区"}
    follow = staff_client.get(response["Location"]).content.decode()
    assert "新增3条记录" in follow

    again = admin_import(staff_client, "members-sample.csv", SAMPLE_CSV.read_bytes())
    assert (
        "将新增 <strong>0</strong> 个，更新 <strong>0</strong> 个，<strong>3</strong> 个没有变化"
        in again.content.decode()
    )


def test_admin_import_shows_row_errors_and_offers_no_confirmation(staff_client, db):
    text = f"{HEADERS}\n长沙高新技术产业开发区,长沙高新区,火星市,国家级,高新技术产业开发区,,,,,,\n"
    response = admin_import(staff_client, "bad.csv", text.encode("utf-8"))
    content = response.content.decode()
    assert "有 1 行需要改正，整个文件都没有导入" in content
    assert '<th scope="row">第 2 行</th>' in content
    assert "<strong>市州</strong>：“火星市”不是有效的市州" in content
    assert "确认导入" not in content
    assert not Member.objects.exists()


def test_confirming_a_file_with_an_invalid_row_applies_nothing(staff_client, db):
    """Even a file that was not previewed (or changed since) is applied whole or not at all."""
    valid = "长沙高新技术产业开发区,长沙高新区,长沙市,国家级,高新技术产业开发区,,,,,,"
    text = f"{HEADERS}\n{valid}\n湘西,湘西,火星市,,其他,,,,,,\n"
    storage = DatabaseImportStorage(encoding="utf-8-sig", read_mode="r")
    storage.save(text.encode("utf-8"))
    response = staff_client.post(
        reverse("admin:members_member_process_import"),
        {"import_file_name": storage.name, "original_file_name": "x.csv", "format": "0", "resource": "0"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("admin:members_member_import")
    assert not Member.objects.exists()
    assert "没有导入任何内容" in staff_client.get(response["Location"]).content.decode()


def test_admin_import_reads_excel_and_gbk_csv(staff_client, db):
    book = openpyxl.Workbook()
    book.active.append(HEADERS.split(","))
    book.active.append(["株洲高新技术产业开发区", "株洲高新区", "株洲市", "国家级", "高新技术产业开发区"])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = admin_import(staff_client, "members.xlsx", buffer.getvalue(), file_format="1")
    assert "将新增 <strong>1</strong> 个" in xlsx.content.decode()
    text = f"{HEADERS}\n湘潭经济技术开发区,湘潭经开区,湘潭市,国家级,经济技术开发区,,,,,,\n"
    gbk = admin_import(staff_client, "members.csv", text.encode("gb18030"))
    assert "将新增 <strong>1</strong> 个" in gbk.content.decode()
    assert "湘潭经开区" in gbk.content.decode()
    confirm = gbk.context["confirm_form"].initial
    staff_client.post(reverse("admin:members_member_process_import"), {**confirm, "confirm": "确认导入"})
    assert Member.objects.get().short_name == "湘潭经开区"


def test_admin_import_of_an_unreadable_file_says_so_in_chinese(staff_client, db):
    response = admin_import(staff_client, "members.xlsx", b"not a spreadsheet", file_format="1")
    assert "无法读取此文件" in response.content.decode()
    empty = admin_import(staff_client, "members.csv", (HEADERS + "\n").encode("utf-8"))
    assert "文件中没有数据" in empty.content.decode()


def test_admin_import_page_offers_templates_and_explains_columns(staff_client, db):
    content = staff_client.get(reverse("admin:members_member_import")).content.decode()
    assert reverse("admin:members_member_import_template", args=["xlsx"]) in content
    assert "只要有一行出错，整个文件都不会导入" in content
    assert '<th scope="row">市州</th><td>必填</td>' in content
    response = staff_client.get(reverse("admin:members_member_import_template", args=["csv"]))
    assert response["Content-Disposition"] == 'attachment; filename="members-template.csv"'
    assert response.content.decode("utf-8-sig").strip() == HEADERS
    assert staff_client.get(reverse("admin:members_member_import_template", args=["doc"])).status_code == 404


def test_admin_export_is_excel_friendly_csv(staff_client, make_member):
    full_member(make_member)
    response = staff_client.post(reverse("admin:members_member_export"), {"format": "0", "resource": "0"})
    assert response.status_code == 200
    assert re.fullmatch(r'attachment; filename="members-\d{4}-\d{2}-\d{2}\.csv"', response["Content-Disposition"])
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == HEADERS
    assert (
        lines[1]
        == "长沙经济技术开发区,长沙经开区,长沙市,国家级,经济技术开发区,常务理事单位,https://www.example.gov.cn/,长沙市经开区东六路,2010-11-12,4,否"
    )


def test_staff_who_may_only_view_members_cannot_import(db):
    clerk = User.objects.create_user("clerk", password="pw-123456789", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_member"))
    client = Client()
    client.force_login(clerk)
    assert client.get(reverse("admin:members_member_import")).status_code == 403
    assert client.get(reverse("admin:members_member_import_template", args=["csv"])).status_code == 403
    upload = SimpleUploadedFile("members.csv", SAMPLE_CSV.read_bytes())
    response = client.post(reverse("admin:members_member_import"), {"format": "0", "import_file": upload})
    assert response.status_code == 403
    assert not Member.objects.exists()
    changelist = client.get(reverse("admin:members_member_changelist")).content.decode()
    assert reverse("admin:members_member_import") not in changelist
    assert reverse("admin:members_member_export") in changelist  # viewing includes exporting


def test_anonymous_visitors_cannot_import_or_download_templates(client, db):
    for url in [reverse("admin:members_member_import"), reverse("admin:members_member_import_template", args=["csv"])]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- Admin list -------------------------------------------------------------------------


def test_admin_list_search_filters_and_order_editing(staff_client, zones):
    changelist = reverse("admin:members_member_changelist")
    assert staff_client.get(changelist, {"q": "长沙经开区"}).context["cl"].result_count == 1
    assert staff_client.get(changelist, {"city__exact": "changsha"}).context["cl"].result_count == 3
    assert (
        staff_client.get(changelist, {"level__exact": "national", "active__exact": "1"}).context["cl"].result_count == 3
    )
    page = staff_client.get(changelist).content.decode()
    assert 'name="form-0-order"' in page
    assert "未注明" in page  # 湘西高新区's level


def test_admin_actions_show_and_hide_members(staff_client, zones):
    changelist = reverse("admin:members_member_changelist")
    staff_client.post(changelist, {"action": "hide_from_site", "_selected_action": [zones["zz_park"].pk]})
    assert not Member.objects.active().filter(pk=zones["zz_park"].pk).exists()
    staff_client.post(changelist, {"action": "show_on_site", "_selected_action": [zones["hidden"].pk]})
    assert Member.objects.active().filter(pk=zones["hidden"].pk).exists()
