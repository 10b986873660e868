"""会员单位: import and export of the spreadsheet, with and without the database."""

import io
from datetime import date, datetime

import openpyxl
import pytest
from import_export.formats import base_formats

from members.models import Member
from members.resources import (
    ChoiceWidget,
    DateWidget,
    MemberResource,
    OrderWidget,
    YesNoWidget,
    csv_bytes_as_utf8,
    import_template,
)

from .helpers import HEADERS, SAMPLE_CSV, City, Kind, Level, Role, full_member, import_csv

# --- Import and export: the spreadsheet columns, without the database ------------------------


def test_choice_columns_take_chinese_labels_values_and_common_short_forms():
    city = ChoiceWidget(City, "市州", aliases={"长沙": City.CHANGSHA, "湘西州": City.XIANGXI})
    assert city.clean(" 长沙市 ") == City.CHANGSHA
    assert city.clean("changsha") == City.CHANGSHA
    assert city.clean("湘西州") == City.XIANGXI
    assert city.render(City.XIANGXI) == "湘西土家族苗族自治州"
    with pytest.raises(ValueError, match="“北京市”不是有效的市州，应填：长沙市、株洲市"):
        city.clean("北京市")
    with pytest.raises(ValueError, match="请填写市州。"):
        city.clean(None)
    assert ChoiceWidget(Level, "级别", required=False).clean("") == ""
    role = MemberResource.fields["role"]
    assert role.clean({"协会职务": ""}) == Role.MEMBER
    assert role.clean({"协会职务": "会长"}) == Role.PRESIDENT
    assert MemberResource.fields["city"].clean({"市州": "湘西"}) == City.XIANGXI


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2020-12-18", date(2020, 12, 18)),
        ("2020/12/18", date(2020, 12, 18)),
        ("2020年12月18日", date(2020, 12, 18)),
        ("2020.1.8", date(2020, 1, 8)),
        (date(2020, 12, 18), date(2020, 12, 18)),
        (datetime(2020, 12, 18, 0, 0), date(2020, 12, 18)),  # an Excel date cell
        ("", None),
        (None, None),
    ],
)
def test_dates_in_the_usual_ways(cell, expected):
    assert DateWidget().clean(cell) == expected


@pytest.mark.parametrize("cell", ["2020-13-01", "去年", "18/12"])
def test_unreadable_dates_are_refused_in_chinese(cell):
    with pytest.raises(ValueError, match="不是有效的日期，请写成 2020-12-18 或 2020年12月18日"):
        DateWidget().clean(cell)


def test_yes_no_and_order_columns():
    yes_no = YesNoWidget()
    assert [yes_no.clean(cell) for cell in ["是", "否", "TRUE", 1.0, True, 0, "", None]] == [
        True,
        False,
        True,
        True,
        True,
        False,
        None,
        None,
    ]
    with pytest.raises(ValueError, match="启用一栏请填“是”或“否”"):
        yes_no.clean("也许")
    assert [OrderWidget().clean(cell) for cell in ["3", 4, 5.0, "", None]] == [3, 4, 5, None, None]
    with pytest.raises(ValueError, match="排序应填不小于 0 的整数"):
        OrderWidget().clean("第一")


def test_gbk_csv_from_excel_is_read_as_utf8():
    text = f"{HEADERS}\n长沙高新技术产业开发区,长沙高新区,长沙市,国家级,高新技术产业开发区,,,,,,\n"
    assert csv_bytes_as_utf8(text.encode("gb18030")) == text.encode("utf-8")
    assert csv_bytes_as_utf8(text.encode("utf-8-sig")) == text.encode("utf-8-sig")


def test_import_the_sample_file(db):
    result = import_csv(SAMPLE_CSV.read_text(encoding="utf-8-sig"))
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 3
    hitech = Member.objects.get(name="长沙高新技术产业开发区")
    assert (hitech.short_name, hitech.city, hitech.level, hitech.kind, hitech.role, hitech.active) == (
        "长沙高新区",
        City.CHANGSHA,
        Level.NATIONAL,
        Kind.HIGH_TECH,
        Role.MEMBER,
        True,
    )
    assert Member.objects.get(short_name="湘西高新区").level == ""


def test_reimporting_the_same_file_changes_nothing(db):
    text = f"{HEADERS}\n长沙经济技术开发区,长沙经开区,长沙,国家级,经开区,副会长,https://www.example.gov.cn/,东六路,2010年11月12日,3,是\n"
    assert import_csv(text).totals["new"] == 1
    before = Member.objects.values().get()
    again = import_csv(text)
    assert (again.totals["new"], again.totals["update"], again.totals["skip"]) == (0, 0, 1)
    assert Member.objects.values().get() == before


def test_import_updates_a_member_found_by_name(make_member):
    member = make_member("长沙经济技术开发区", short_name="旧简称", order=9)
    result = import_csv(f"{HEADERS}\n长沙经济技术开发区,长沙经开区,长沙市,国家级,经济技术开发区,,,,,,\n")
    assert result.totals["update"] == 1
    member.refresh_from_db()
    assert (member.short_name, member.level, member.order, member.role) == (
        "长沙经开区",
        Level.NATIONAL,
        0,
        Role.MEMBER,
    )
    assert Member.objects.count() == 1


def test_invalid_rows_are_reported_in_chinese_and_nothing_is_applied(make_member):
    existing = make_member("长沙经济技术开发区", short_name="长沙经开区")
    text = (
        f"{HEADERS}\n"
        "长沙高新技术产业开发区,长沙高新区,长沙市,国家级,高新技术产业开发区,,,,,,\n"  # line 2: valid
        "北京经济技术开发区,北京经开区,北京市,国家级,经济技术开发区,,,,,,\n"  # line 3: unknown 市州
        ",无名园区,株洲市,,产业园区,,,,,,\n"  # line 4: no name
        "长沙高新技术产业开发区,重复,长沙市,国家级,高新技术产业开发区,,,,,,\n"  # line 5: duplicate of line 2
        "长沙经济技术开发区,新简称,长沙市,国家级,经济技术开发区,,,,,,\n"  # line 6: valid update
    )
    result = import_csv(text)
    assert result.has_validation_errors()
    errors = {line.number + 1: line.error_dict for line in result.invalid_rows}
    assert set(errors) == {3, 4, 5}
    assert errors[3]["市州"] == ["“北京市”不是有效的市州，应填：" + "、".join(map(str, City.labels)) + "。"]
    assert errors[4]["名称"] == ["此字段不能为空。"]
    assert errors[5]["名称"] == ["与第 2 行重名：同一单位在文件中只能出现一次。"]
    # Nothing at all was applied: not the valid new row, not the valid update.
    assert list(Member.objects.all()) == [existing]
    existing.refresh_from_db()
    assert existing.short_name == "长沙经开区"


def test_a_file_without_a_name_column_is_refused_in_chinese(db):
    result = import_csv("单位,市州\n长沙高新区,长沙市\n")
    assert result.has_errors()
    assert "文件第一行缺少“名称”列" in str(result.base_errors[0].error)
    assert not Member.objects.exists()


def test_empty_rows_at_the_end_of_a_spreadsheet_are_ignored(db):
    result = import_csv(
        f"{HEADERS}\n长沙高新技术产业开发区,长沙高新区,长沙市,国家级,高新技术产业开发区,,,,,,\n,,,,,,,,,,\n,,,,,,,,,,\n"
    )
    assert not result.has_validation_errors()
    assert Member.objects.count() == 1


@pytest.mark.parametrize("file_format", [base_formats.CSV, base_formats.XLSX])
def test_export_then_import_round_trip_changes_nothing(make_member, file_format):
    full_member(make_member)
    make_member("湘西高新技术产业开发区", short_name="湘西高新区", city=City.XIANGXI)
    before = list(Member.objects.values())
    fmt = file_format()
    exported = fmt.export_data(MemberResource().export(force_native_type=fmt.is_binary()))
    dataset = fmt.create_dataset(exported)
    assert dataset.headers == HEADERS.split(",")
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["市州"] == "长沙市" and row["级别"] == "国家级" and row["类型"] == "经济技术开发区"
    assert row["协会职务"] == "常务理事单位" and row["启用"] == "否"
    result = MemberResource().import_data(dataset, rollback_on_validation_errors=True)
    assert not result.has_validation_errors() and not result.has_errors()
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 0, 2)
    Member.objects.all().delete()
    result = MemberResource().import_data(fmt.create_dataset(exported), rollback_on_validation_errors=True)
    assert result.totals["new"] == 2
    strip = ("id", "created_at", "updated_at")
    assert [{k: v for k, v in m.items() if k not in strip} for m in Member.objects.values()] == [
        {k: v for k, v in m.items() if k not in strip} for m in before
    ]


def test_import_templates_have_the_headers_and_instructions():
    content, content_type = import_template("csv")
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").strip() == HEADERS
    assert content_type.startswith("text/csv")
    content, _ = import_template("xlsx")
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["会员单位", "填写说明"]
    assert book.active.title == "会员单位"  # the import reads the active sheet
    assert [cell.value for cell in book["会员单位"][1]] == HEADERS.split(",")
    assert book["会员单位"].max_row == 1
    instructions = {row[0]: row[2] for row in book["填写说明"].iter_rows(min_row=2, values_only=True)}
    assert "湘西土家族苗族自治州" in instructions["市州"]
    assert import_template("pdf") is None
