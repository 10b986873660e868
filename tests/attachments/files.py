"""Real files of every attachment type, and disguised or hostile ones, made in memory for the tests."""

import io
import zipfile

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfReader, PdfWriter


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def pdf_bytes(text="Registration deadline HNDZA2041 meeting"):
    """A one-page PDF with ``text`` (ASCII, Helvetica) that pypdf can read back."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    data = out.getvalue()
    assert text.split()[0] in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    return data


def encrypted_pdf_bytes():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes("Secret budget"))))
    writer.encrypt("password")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def broken_pdf_bytes():
    return b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\n" + b"\x00garbage" * 50


def docx_bytes(text="报名截止日期为十二月一日，请各会员单位按时报送回执。"):
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(rows=(("单位", "联系人"), ("长沙高新区", "张三"))):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rewrite_zip(data, content_types=None, extra=()):
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "[Content_Types].xml" and content_types:
                body = content_types(body.decode()).encode()
            target.writestr(item, body)
        for name, body in extra:
            target.writestr(name, body)
    return out.getvalue()


def docm_bytes():
    """A Word document with macros: the macro-enabled content type and a vbaProject.bin."""
    return _rewrite_zip(
        docx_bytes(),
        lambda xml: xml.replace(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            "application/vnd.ms-word.document.macroEnabled.main+xml",
        ),
        extra=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")],
    )


def xlsm_bytes():
    return _rewrite_zip(
        xlsx_bytes(),
        lambda xml: xml.replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        ),
        extra=[("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")],
    )


def zip_bytes(entries=(("名单.txt", "长沙高新区\n"),)):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in entries:
            archive.writestr(name, body)
    return out.getvalue()


def zip_bomb_ratio():
    """A few KB that unpack to 20 MB of zeros."""
    return zip_bytes([("zeros.bin", b"\x00" * (20 * 1024 * 1024))])


def zip_bomb_entries(count=1500):
    return zip_bytes([(f"f{index}.txt", "x") for index in range(count)])


def zip_nested():
    return zip_bytes([("inner.zip", zip_bytes())])


def ole2_bytes(streams=("WordDocument",), size=4096):
    """A compound file (the format of doc/xls/wps/et) whose directory names ``streams``.

    Only the signature and the UTF-16 directory names, which is all the type check reads: a real
    .doc cannot be written without Office or LibreOffice.
    """
    body = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    for name in ("Root Entry", *streams):
        entry = name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
        body += entry
    return bytes(body.ljust(size, b"\x00"))


def image_bytes(fmt="PNG", size=(40, 30), color=(200, 30, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
PE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"\x80\x00\x00\x00"
    + (b"\x00" * 64)
    + b"PE\x00\x00"
    + b"\x00" * 200
)
