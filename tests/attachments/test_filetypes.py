"""The type of an attachment is decided by its content and must be on the allowed list."""

import io

import pytest
from django.core.exceptions import ValidationError

from attachments import filetypes
from attachments.filetypes import Kind

from . import files


def kind_of(data, name):
    return filetypes.inspect(io.BytesIO(data), name)


@pytest.mark.parametrize(
    ("make", "name", "kind"),
    [
        (files.pdf_bytes, "会议通知.pdf", Kind.PDF),
        (files.encrypted_pdf_bytes, "预算.pdf", Kind.PDF),
        (files.docx_bytes, "报名表.docx", Kind.DOCX),
        (files.xlsx_bytes, "名单.xlsx", Kind.XLSX),
        (files.zip_bytes, "材料.zip", Kind.ZIP),
        (lambda: files.ole2_bytes(["WordDocument"]), "旧通知.doc", Kind.DOC),
        (lambda: files.ole2_bytes(["WordDocument"]), "金山文字.wps", Kind.WPS),
        (lambda: files.ole2_bytes(["Workbook"]), "旧名单.xls", Kind.XLS),
        (lambda: files.ole2_bytes(["Workbook"]), "金山表格.et", Kind.ET),
        (lambda: files.image_bytes("JPEG"), "合影.jpg", Kind.JPG),
        (lambda: files.image_bytes("PNG"), "图.png", Kind.PNG),
        (lambda: files.image_bytes("GIF"), "图.gif", Kind.GIF),
        (lambda: files.image_bytes("WEBP"), "图.webp", Kind.WEBP),
    ],
)
def test_allowed_files_are_typed_by_content(make, name, kind):
    assert kind_of(make(), name) == kind


def test_the_name_does_not_decide_the_type():
    """A real PDF named .docx is a PDF; a DOCX named .pdf is a DOCX."""
    assert kind_of(files.pdf_bytes(), "报名表.docx") == Kind.PDF
    assert kind_of(files.docx_bytes(), "通知.pdf") == Kind.DOCX


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (files.HTML, "会议通知.pdf", "网页 HTML"),
        (files.SVG, "会议通知.pdf", "SVG"),
        (files.ELF, "报名表.pdf", "可执行程序"),
        (files.PE, "报名表.doc", "可执行程序"),
        (b"plain text, nothing else", "说明.docx", "不允许的文件类型"),
    ],
)
def test_disguised_files_are_refused(data, name, words):
    with pytest.raises(ValidationError) as refused:
        kind_of(data, name)
    assert words in refused.value.messages[0]


@pytest.mark.parametrize("make", [files.docm_bytes, files.xlsm_bytes])
def test_macro_enabled_office_files_are_refused(make):
    with pytest.raises(ValidationError) as refused:
        kind_of(make(), "通知.docx")
    assert refused.value.code == "macro"


def test_an_old_office_file_with_a_vba_project_is_refused():
    with pytest.raises(ValidationError) as refused:
        kind_of(files.ole2_bytes(["WordDocument", "Macros", "_VBA_PROJECT"]), "通知.doc")
    assert refused.value.code == "macro"


def test_an_ole2_file_that_is_neither_word_nor_excel_is_refused():
    with pytest.raises(ValidationError):
        kind_of(files.ole2_bytes(["PowerPoint Document"]), "演示.ppt")


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (files.zip_bomb_ratio, "zip_bomb"),
        (files.zip_bomb_entries, "zip_entries"),
        (files.zip_nested, "zip_nested"),
    ],
)
def test_zip_bombs_are_refused(make, code):
    with pytest.raises(ValidationError) as refused:
        kind_of(make(), "材料.zip")
    assert refused.value.code == code


def test_files_over_the_size_limit_are_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as refused:
        kind_of(files.pdf_bytes() + b" " * 1000, "大文件.pdf")
    assert refused.value.code == "too_big"


def test_a_broken_image_is_refused():
    with pytest.raises(ValidationError):
        kind_of(files.image_bytes("PNG")[:40], "图.png")


@pytest.mark.parametrize(
    ("size", "label"), [(900, "900 B"), (35_000, "34 KB"), (1_258_291, "1.2 MB"), (3 * 1024**3, "3.0 GB")]
)
def test_size_labels(size, label):
    assert filetypes.size_label(size) == label
