"""Imports are bounded: file size, rows, columns and the unpacked size of an .xlsx, each with a Chinese message."""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from members.models import Member
from spreadsheets import formats as spreadsheets
from spreadsheets.formats import ImportLimitError, ImportLimits, bounded_dataset
from spreadsheets.models import PendingImport

REPO = Path(__file__).resolve().parents[2]
HEADERS = ["名称", "简称", "市州", "级别", "类型", "协会职务", "网址", "地址", "入会日期", "排序", "启用"]


def member_row(number):
    return [f"第{number}开发区", f"第{number}区", "长沙市", "省级", "经济技术开发区", "", "", "", "", "", ""]


def csv_file(rows):
    lines = [",".join(HEADERS), *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_file(rows):
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def admin_import(client, content, file_format="0"):
    name = "members.csv" if file_format == "0" else "members.xlsx"
    upload = SimpleUploadedFile(name, content)
    return client.post(reverse("admin:members_member_import"), {"format": file_format, "import_file": upload})


def xlsx_bomb(rows, columns=10):
    """An .xlsx whose one sheet holds ``rows`` × ``columns`` cells, compressed to almost nothing."""
    seed = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["名称"])
    book.save(seed)
    row = ("<row>" + "<c><v>1</v></c>" * columns + "</row>").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(seed) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(item, source.read(item.filename))
                continue
            with bomb.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                for _ in range(rows // 1000):
                    sheet.write(row * 1000)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


@pytest.fixture
def small_limits(settings):
    settings.IMPORT_MAX_ROWS = 5
    settings.IMPORT_MAX_FILE_SIZE = 20_000
    return ImportLimits.from_settings()


def test_the_import_page_states_the_limits(staff_client, db):
    content = staff_client.get(reverse("admin:members_member_import")).content.decode()
    assert "每个文件不超过 2.0\xa0MB，最多 1000 行（第一行列名不计）" in content


def test_a_file_over_the_size_limit_is_refused_before_it_is_stored(staff_client, small_limits):
    content = csv_file([member_row(n) for n in range(5)]) + b" " * 20_000
    response = admin_import(staff_client, content)
    size = filesizeformat(len(content))
    assert f"文件太大（{size}），导入文件不能超过 19.5\xa0KB。" in response.content.decode()
    assert "confirm_form" not in response.context
    assert not PendingImport.objects.exists()


@pytest.mark.parametrize(("make_file", "file_format"), [(csv_file, "0"), (xlsx_file, "1")])
def test_rows_over_the_limit_are_refused_with_a_chinese_message(staff_client, small_limits, make_file, file_format):
    at_limit = admin_import(staff_client, make_file([member_row(n) for n in range(5)]), file_format)
    assert "将新增 <strong>5</strong> 个" in at_limit.content.decode()
    over = admin_import(staff_client, make_file([member_row(n) for n in range(6)]), file_format)
    assert "文件超过 5 行（第一行列名不计）。一次最多导入 5 行，请把名录分成几个文件" in over.content.decode()
    assert "confirm_form" not in over.context
    assert PendingImport.objects.count() == 1  # the file at the limit, waiting for confirmation
    assert not Member.objects.exists()


def test_empty_rows_below_the_data_do_not_count_but_rows_between_keep_line_numbers(small_limits):
    empty = [""] * len(HEADERS)
    rows = [HEADERS, member_row(1), empty, member_row(3), *[empty] * 30]
    dataset = bounded_dataset(rows, small_limits, filler="")
    assert len(dataset) == 3
    assert dataset[1] == tuple(empty)
    with pytest.raises(ImportLimitError, match="文件中的行数（包括空行）超过 60 行"):
        bounded_dataset([HEADERS, member_row(1), *[empty] * 60], small_limits, filler="")


def test_columns_beyond_the_limit_are_refused_and_unnamed_ones_dropped(small_limits):
    wide = [*HEADERS, *[f"列{n}" for n in range(40)]]
    with pytest.raises(ImportLimitError, match="列数超过 50 列"):
        bounded_dataset([wide], small_limits, filler="")
    with pytest.raises(ImportLimitError, match="列数超过 50 列"):
        bounded_dataset([HEADERS, [*member_row(1), *[""] * 40, "x"]], small_limits, filler="")
    dataset = bounded_dataset([HEADERS, [*member_row(1), "备注无列名"], member_row(2)[:3]], small_limits, filler="")
    assert dataset.headers == HEADERS
    assert dataset[0] == tuple(member_row(1))
    assert dataset[1] == (*member_row(2)[:3], *[""] * 8)


def test_an_xlsx_that_unpacks_too_large_is_refused(staff_client, db):
    bomb = xlsx_bomb(rows=20_000)
    assert len(bomb) < 100_000
    response = admin_import(staff_client, bomb, file_format="1")
    assert "这个 Excel 文件解压后超过 2.5\xa0MB，远大于会员名录所需，无法导入" in response.content.decode()
    assert not PendingImport.objects.exists()


def test_xlsx_rows_are_counted_while_reading_not_taken_from_the_declared_size(settings):
    """openpyxl would stop at the size a file declares; the limit must see every row."""
    settings.IMPORT_MAX_ROWS = 3
    book = openpyxl.Workbook()
    for row in [HEADERS, *(member_row(n) for n in range(4))]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        parts = {item.filename: source.read(item.filename) for item in source.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace('<dimension ref="A1:K5"/>', '<dimension ref="A1:K2"/>').encode()
    lying = io.BytesIO()
    with zipfile.ZipFile(lying, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(ImportLimitError, match="文件超过 3 行"):
        spreadsheets.XLSX().create_dataset(lying.getvalue())


MEASURE = """
import json, os, resource, sys, time
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "hnda_site.settings_test"
django.setup()
from spreadsheets import formats as spreadsheets
data = open(sys.argv[1], "rb").read()
start = time.process_time()
try:
    spreadsheets.XLSX().create_dataset(data)
    outcome = "read"
except spreadsheets.ImportLimitError as error:
    outcome = str(error)
# This process's own peak (VmHWM): ru_maxrss may carry the RSS of the forking pytest process over exec.
status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
peak_kb = int(status["VmHWM"].split()[0]) if "VmHWM" in status else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"cpu_seconds": time.process_time() - start, "outcome": outcome, "peak_mb": peak_kb / 1024}))
"""


@pytest.mark.parametrize(
    ("rows", "message"),
    [(650_000, "解压后超过 2.5\xa0MB"), (15_000, "文件超过 1000 行")],
    ids=["millions-of-cells", "under-the-unpacked-limit"],
)
def test_an_xlsx_bomb_is_refused_quickly_without_growing_the_worker(tmp_path, rows, message):
    """A 400 KB file of 6.5 million cells once took minutes and 285 MB to read (README, "Spreadsheets")."""
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(xlsx_bomb(rows))
    assert path.stat().st_size < 420_000
    finished = subprocess.run(  # noqa: S603 - our own code
        [sys.executable, "-c", MEASURE, str(path)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    measured = json.loads(finished.stdout)
    assert message in measured["outcome"]
    assert measured["cpu_seconds"] < 3  # CPU time: the wall clock depends on the machine's load
    assert measured["peak_mb"] < 150
