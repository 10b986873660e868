"""What an uploaded attachment really is, decided by its content, never by its name.

``inspect(file, name)`` returns the :class:`Kind` of the file or raises ``ValidationError``
with a Chinese message staff can act on. The magic bytes say which family a file is in
(``filetype`` for PDF, images and ZIP; the OLE2 signature for the old Office and WPS formats),
and each family is then looked into:

- OLE2 (doc, xls, wps, et): the directory must name a Word or Excel stream; a VBA project
  (macros) is refused. The name's extension only chooses between doc/wps and xls/et, which
  share a format.
- ZIP: bombs are refused (too many entries, too much unpacked data, a high ratio, an archive
  inside); a ZIP with ``[Content_Types].xml`` is an OOXML file and must be a plain Word or
  Excel document: macro-enabled content types (docm, xlsm) and ``vbaProject.bin`` are refused.
- Images: Pillow must read the header, within the site's pixel limit (``richtext.images``).

Everything else (HTML or SVG named .pdf, executables, scripts) is refused.
"""

import os
import re
import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat

from richtext import images

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# ZIP limits: a real 报名表 or photo archive is far inside them.
ZIP_MAX_ENTRIES = 1000
ZIP_MAX_UNPACKED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100  # unpacked / packed, per entry and overall (text compresses ~5-10×)
ZIP_RATIO_FLOOR = 1024 * 1024  # entries smaller than this unpacked may compress as well as they like
NESTED_ARCHIVES = re.compile(r"\.(zip|rar|7z|gz|tgz|bz2|xz|tar|cab|jar|docx|xlsx|pptx)$", re.IGNORECASE)
CONTENT_TYPES_MAX = 1024 * 1024


class Kind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOC = "doc", "DOC"
    DOCX = "docx", "DOCX"
    XLS = "xls", "XLS"
    XLSX = "xlsx", "XLSX"
    WPS = "wps", "WPS"
    ET = "et", "ET"
    ZIP = "zip", "ZIP"
    JPG = "jpg", "JPG"
    PNG = "png", "PNG"
    GIF = "gif", "GIF"
    WEBP = "webp", "WEBP"


# The Content-Type each kind is served with (never text/html, never anything a browser runs).
CONTENT_TYPES = {
    Kind.PDF: "application/pdf",
    Kind.DOC: "application/msword",
    Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Kind.XLS: "application/vnd.ms-excel",
    Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Kind.WPS: "application/vnd.ms-works",
    Kind.ET: "application/vnd.ms-excel",
    Kind.ZIP: "application/zip",
    Kind.JPG: "image/jpeg",
    Kind.PNG: "image/png",
    Kind.GIF: "image/gif",
    Kind.WEBP: "image/webp",
}

# The 下载中心's type filter: a few groups staff and visitors think in.
GROUPS = {
    "pdf": [Kind.PDF],
    "word": [Kind.DOC, Kind.DOCX, Kind.WPS],
    "excel": [Kind.XLS, Kind.XLSX, Kind.ET],
    "zip": [Kind.ZIP],
    "image": [Kind.JPG, Kind.PNG, Kind.GIF, Kind.WEBP],
}

ALLOWED = "PDF、Word（doc、docx）、Excel（xls、xlsx）、WPS（wps、et）、ZIP 压缩包和图片（JPG、PNG、GIF、WebP）"

_IMAGES = {"image/jpeg": Kind.JPG, "image/png": Kind.PNG, "image/gif": Kind.GIF, "image/webp": Kind.WEBP}
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": Kind.DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": Kind.XLSX,
}
_MACRO_MARKERS = ("macroenabled", "vbaproject", "vnd.ms-office.activex")
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_EXCEL_STREAMS = ("Workbook".encode("utf-16-le"), "Book\x00".encode("utf-16-le"))
_VBA_STREAMS = ("_VBA_PROJECT".encode("utf-16-le"), "Macros".encode("utf-16-le"))


def refuse(message, code, **params):
    raise ValidationError(message, code=code, params=params)


def max_bytes():
    return settings.ATTACHMENT_MAX_BYTES


def extension(name):
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def inspect(file, name=""):
    """The :class:`Kind` of ``file`` (an open binary file), decided by its content; ValidationError if refused."""
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, os.SEEK_END)
        size = file.tell()
    if size > max_bytes():
        refuse(
            "文件太大（%(size)s），每个附件最多 %(limit)s。",
            "too_big",
            size=filesizeformat(size),
            limit=filesizeformat(max_bytes()),
        )
    if size == 0:
        refuse("文件是空的。", "empty")
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    if head.startswith(OLE2_SIGNATURE):
        return _ole2(file, name)
    guess = filetype.guess(head)
    mime = guess.mime if guess else ""
    if mime == "application/pdf" and head.startswith(b"%PDF-"):
        return Kind.PDF
    if mime in _IMAGES:
        return _image(file, _IMAGES[mime])
    if mime == "application/zip" or head.startswith(b"PK\x03\x04"):
        return _zip(file)
    what = _describe(head, guess)
    refuse(
        "不允许的文件类型（%(what)s）：附件只能是 %(allowed)s，以文件内容为准，与文件名无关。",
        "type",
        what=what,
        allowed=ALLOWED,
    )


def _describe(head, guess):
    """A few words for the refusal message: what the file looks like."""
    start = head.lstrip()[:200].lower()
    if head.startswith((b"\x7fELF", b"MZ")) or (guess and guess.mime in {"application/x-executable"}):
        return "可执行程序"
    if start.startswith((b"<!doctype html", b"<html", b"<script")) or b"<html" in start:
        return "网页 HTML"
    if b"<svg" in start or start.startswith(b"<?xml"):
        return "SVG 或 XML"
    if guess:
        return guess.extension
    return "无法识别"


def _ole2(file, name):
    """doc, xls, wps or et: the compound file's directory names its main stream; macros are refused."""
    data = file.read()
    file.seek(0)
    if any(marker in data for marker in _VBA_STREAMS):
        refuse("这个 Office 文件含有宏（VBA），不能作为附件。请另存为不含宏的文档后再上传。", "macro")
    ext = extension(name)
    if _WORD_STREAM in data:
        return Kind.WPS if ext == "wps" else Kind.DOC
    if any(stream in data for stream in _EXCEL_STREAMS):
        return Kind.ET if ext == "et" else Kind.XLS
    refuse("不允许的文件类型（其他 Office 格式）：附件只能是 %(allowed)s。", "type", allowed=ALLOWED)


def _zip(file):
    """A plain ZIP, or an OOXML document (docx, xlsx); bombs and macro-enabled documents are refused."""
    try:
        archive = zipfile.ZipFile(file)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        refuse("压缩文件已损坏，无法打开。", "broken_zip")
    bomb = "这个压缩文件解压后过大或层层嵌套（疑似“压缩炸弹”），不能作为附件。"
    if len(entries) > ZIP_MAX_ENTRIES:
        refuse(
            "压缩文件里的文件太多（%(count)s 个，最多 %(limit)s 个）。",
            "zip_entries",
            count=len(entries),
            limit=ZIP_MAX_ENTRIES,
        )
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    if unpacked > ZIP_MAX_UNPACKED or (unpacked > ZIP_RATIO_FLOOR and unpacked / packed > ZIP_MAX_RATIO):
        refuse(bomb, "zip_bomb")
    for entry in entries:
        if entry.file_size > ZIP_RATIO_FLOOR and entry.file_size / max(entry.compress_size, 1) > ZIP_MAX_RATIO:
            refuse(bomb, "zip_bomb")
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" in names:
        kind = _ooxml(archive, names)
    else:
        if any(NESTED_ARCHIVES.search(entry) for entry in names):
            refuse(bomb + "（压缩包里不能再有压缩包。）", "zip_nested")
        kind = Kind.ZIP
    file.seek(0)
    return kind


def _ooxml(archive, names):
    info = archive.getinfo("[Content_Types].xml")
    if info.file_size > CONTENT_TYPES_MAX:
        refuse("文档结构异常，无法识别。", "ooxml")
    content_types = archive.read(info).decode("utf-8", "replace")
    lowered = content_types.lower()
    if any(marker in lowered for marker in _MACRO_MARKERS) or any(
        name.lower().endswith("vbaproject.bin") for name in names
    ):
        refuse("这个 Office 文件含有宏（如 docm、xlsm），不能作为附件。请另存为 docx 或 xlsx 后再上传。", "macro")
    for main, kind in _OOXML_MAIN.items():
        if main in content_types:
            return kind
    refuse("不允许的 Office 文件类型：附件只能是 %(allowed)s。", "type", allowed=ALLOWED)


def _image(file, kind):
    """An image whose header Pillow reads, within the pixel limit."""
    if images.pixel_size(file) is None:
        refuse("图片已损坏，无法读取。", "broken_image")
    return kind


def size_label(size):
    """1.2 MB, 350 KB, 900 B: the same in both languages (decimal point, Latin units)."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    if size < 1024 * 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{size / (1024 * 1024 * 1024):.1f} GB"
