"""Member logos: what may be uploaded, and shrinking big ones on upload.

The admin's ImageField already refuses anything Pillow cannot read as an image;
these rules add a size limit, a short list of web formats, and a maximum of
600×600 pixels for what is stored (a logo is shown at most a few hundred pixels
wide, and a phone should not download a 5 MB scan of it).
"""

from io import BytesIO
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_SIDE = 600
# A small file can still unpack to a huge bitmap (a "decompression bomb").
MAX_LOGO_PIXELS = 40_000_000
LOGO_EXTENSIONS = ["jpg", "jpeg", "png", "gif", "webp"]

validate_logo_extension = FileExtensionValidator(
    allowed_extensions=LOGO_EXTENSIONS, message="标志只能是 JPG、PNG、GIF 或 WebP 格式的图片。"
)


def _is_new_upload(file):
    # A stored logo was checked (and shrunk) when it was uploaded.
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
    try:
        file.seek(0)
        with Image.open(file) as image:
            width, height = image.size
    except Exception:
        # Not an image Pillow can read: the ImageField itself refuses it.
        return
    finally:
        file.seek(0)
    if width * height > MAX_LOGO_PIXELS:
        raise ValidationError(
            "标志图片的像素尺寸过大（%(width)s×%(height)s），请缩小后再上传。",
            code="image_too_big",
            params={"width": width, "height": height},
        )


_SAVE_FORMATS = {"JPEG": ("JPEG", "jpg"), "PNG": ("PNG", "png"), "GIF": ("PNG", "png"), "WEBP": ("WEBP", "webp")}


def shrink_logo(file, max_side=MAX_LOGO_SIDE):
    """A copy of the uploaded image at most ``max_side`` pixels wide and high, or None if it fits.

    The aspect ratio is kept and the image is turned upright (EXIF orientation).
    JPEG and WebP stay as they are, a GIF becomes a PNG (its first frame).
    """
    if not _is_new_upload(file):
        return None
    try:
        file.seek(0)
        with Image.open(file) as original:
            if max(original.size) <= max_side or original.format not in _SAVE_FORMATS:
                return None
            save_format, extension = _SAVE_FORMATS[original.format]
            image = ImageOps.exif_transpose(original)
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            if save_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            buffer = BytesIO()
            options = {"quality": 88, "optimize": True} if save_format == "JPEG" else {}
            image.save(buffer, format=save_format, **options)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        file.seek(0)
    return ContentFile(buffer.getvalue(), name=f"{Path(file.name).stem}.{extension}")
