"""What a visitor may upload with a form (the 入会申请表): a PDF, a Word file or a picture, by its content."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Magic bytes of the types an application form may be (the name's extension is never trusted).
SIGNATURES = {
    b"%PDF-": "pdf",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "doc",  # OLE2: .doc, .wps
    b"\xff\xd8\xff": "jpg",
    b"\x89PNG\r\n\x1a\n": "png",
    b"PK\x03\x04": "zip",
}
MACRO_PARTS = ("word/vbaProject.bin", "xl/vbaProject.bin")


def check_application_file(upload):
    """Refuse a file that is too big, or not a PDF, Word document (.doc, .docx, .wps) or JPEG/PNG picture."""
    if upload.size > settings.FORM_UPLOAD_MAX_BYTES:
        raise ValidationError(_("文件不能超过 %(limit)s。") % {"limit": filesizeformat(settings.FORM_UPLOAD_MAX_BYTES)})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = next((kind for magic, kind in SIGNATURES.items() if head.startswith(magic)), None)
    if kind == "zip":
        kind = "docx" if _is_plain_docx(upload) else None
        upload.seek(0)
    if kind is None:
        raise ValidationError(_("只能上传 PDF、Word（doc、docx、wps）或 JPG、PNG 图片。"))
    return kind


def _is_plain_docx(upload):
    """A .docx is a ZIP with word/document.xml; a macro-enabled one (vbaProject.bin) is refused."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if len(names) > 1000 or sum(info.file_size for info in archive.infolist()) > 200 * 1024 * 1024:
                return False
    except zipfile.BadZipFile:
        return False
    return "word/document.xml" in names and not names & set(MACRO_PARTS)
