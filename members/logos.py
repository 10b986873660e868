"""Member logos: what may be uploaded, and rewriting (and shrinking) them on upload.

The admin's ImageField already refuses anything Pillow cannot read as an image;
these rules add a size limit, a short list of web formats, a pixel limit, and a
maximum of 600×600 pixels for what is stored (a logo is shown at most a few hundred
pixels wide, and a phone should not download a 5 MB scan of it). What is stored is
rewritten by Pillow with only the pixels (``richtext.images``).
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat

from richtext import images

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_SIDE = 600
# A small file can still unpack to a huge bitmap (a "decompression bomb").
MAX_LOGO_PIXELS = 40_000_000
LOGO_EXTENSIONS = ["jpg", "jpeg", "png", "gif", "webp"]

validate_logo_extension = FileExtensionValidator(
    allowed_extensions=LOGO_EXTENSIONS, message="标志只能是 JPG、PNG、GIF 或 WebP 格式的图片。"
)


def _is_new_upload(file):
    # A stored logo was checked (and rewritten) when it was uploaded.
    return file and not getattr(file, "_committed", True)


def validate_logo_size(file):
    """Refuse a new logo larger than 2 MB or of absurd pixel dimensions."""
    if not _is_new_upload(file):
        return
    if file.size > MAX_LOGO_BYTES:
        raise ValidationError(
            "标志图片不能超过 %(limit)s，此文件为 %(size)s。请压缩后再上传。",
            code="file_too_large",
            params={"limit": filesizeformat(MAX_LOGO_BYTES), "size": filesizeformat(file.size)},
        )
    # Not an image Pillow can read (None): the ImageField itself refuses it.
    images.pixel_size(file, MAX_LOGO_PIXELS)


def shrink_logo(file, max_side=MAX_LOGO_SIDE):
    """A new logo rewritten with only its pixels, at most ``max_side`` pixels wide and high.

    The aspect ratio is kept and the image is turned upright (EXIF orientation); anything
    else in the file (appended data, metadata) is dropped, see ``richtext.images``. JPEG,
    PNG and WebP keep their format, a GIF becomes a PNG (its first frame). None for a
    logo stored before, or one Pillow cannot decode after all (it is then kept as uploaded).
    """
    if not _is_new_upload(file):
        return None
    try:
        rewritten = images.reencode(file, MAX_LOGO_PIXELS, max_side)
    except ValidationError:
        return None
    return ContentFile(rewritten.read(), name=f"{Path(file.name).stem}{Path(rewritten.name).suffix}")
