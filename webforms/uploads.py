"""What a visitor may upload with a form (the 入会申请表): the attachment rules (attachments.filetypes: the
type read from the content, macros and archives refused), narrowed to a PDF, a Word file or a picture."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from attachments.filetypes import Kind, inspect

APPLICATION_KINDS = {Kind.PDF, Kind.DOC, Kind.DOCX, Kind.WPS, Kind.JPG, Kind.PNG}


def check_application_file(upload):
    """Refuse a file that is too big, or not a PDF, Word document (.doc, .docx, .wps) or JPEG/PNG picture."""
    if upload.size > settings.FORM_UPLOAD_MAX_BYTES:
        raise ValidationError(_("文件不能超过 %(limit)s。") % {"limit": filesizeformat(settings.FORM_UPLOAD_MAX_BYTES)})
    try:
        kind = inspect(upload, upload.name)
    except ValidationError:
        kind = None
    upload.seek(0)
    if kind not in APPLICATION_KINDS:
        raise ValidationError(_("只能上传 PDF、Word（doc、docx、wps）或 JPG、PNG 图片。"))
    return kind
