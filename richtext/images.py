"""Uploaded images (editor pictures, member logos): checked and rewritten with Pillow before they are kept.

A small file can unpack to a huge bitmap (a "decompression bomb": a 20000×20000 PNG
compresses to a few hundred kilobytes), so the pixel count is read from the header and
limited before anything is decoded. An editor picture is then decoded and encoded
again: whatever was appended to the file or hidden beside the pixels (HTML after a
PNG's end, a script in a GIF/JS polyglot, EXIF with the place a photo was taken,
comments, colour profiles) is not in the new file, only the pixels.
"""

import warnings
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

# 40 megapixels: a 8000×5000 photo. Decoded, that is already 160 MB of memory.
MAX_PIXELS = 40_000_000

# What each format Pillow read is stored as, and its extension. An animated GIF or WebP
# keeps its first frame: every frame would multiply the memory a bomb can take, and
# news and the charter have no use for animation. A GIF becomes a PNG (same pixels).
SAVE_FORMATS = {"JPEG": ("JPEG", "jpg"), "PNG": ("PNG", "png"), "GIF": ("PNG", "png"), "WEBP": ("WEBP", "webp")}

NOT_AN_IMAGE = "无法识别这个文件：请上传 JPG、PNG、GIF 或 WebP 格式的图片。"


def _too_big(width=None, height=None, max_pixels=MAX_PIXELS):
    size = f"（{width}×{height}）" if width else ""
    return ValidationError(
        "图片的像素尺寸过大%(size)s，最多 %(limit)s 万像素。请缩小后再上传。",
        code="image_too_big",
        params={"size": size, "limit": max_pixels // 10_000},
    )


def pixel_size(file, max_pixels=MAX_PIXELS):
    """(width, height) of the image in ``file``, from its header; None if Pillow cannot read it.

    ValidationError (code ``image_too_big``) if it has more than ``max_pixels`` pixels.
    """
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 and refuses from 179 megapixels: both are far too big here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_big(max_pixels=max_pixels) from None
    except Exception:
        return None
    finally:
        file.seek(0)
    if width * height > max_pixels:
        raise _too_big(width, height, max_pixels)
    return width, height


def reencode(file, max_pixels=MAX_PIXELS, max_side=None):
    """A new file with only the pixels of the image in ``file`` (first frame, upright, no metadata).

    Scaled down to ``max_side`` pixels wide and high if given and larger. Its name is
    ``image.<extension>`` of the format it is stored in. ValidationError if ``file`` is not
    a JPEG, PNG, GIF or WebP image that Pillow can decode, or has too many pixels.
    """
    if pixel_size(file, max_pixels) is None:
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image")
    try:
        with Image.open(file) as original:
            if original.format not in SAVE_FORMATS:
                raise ValidationError(NOT_AN_IMAGE, code="not_an_image")
            save_format, extension = SAVE_FORMATS[original.format]
            if max_side and original.format == "JPEG":
                original.draft("RGB", (max_side, max_side))  # decode a big JPEG at a smaller scale
            image = ImageOps.exif_transpose(original)
        if max_side:
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        image = _for_format(image, save_format)
        # Only transparency survives: no EXIF, text chunks, comments or profiles.
        image.info = {key: value for key, value in image.info.items() if key == "transparency"}
        buffer = BytesIO()
        options = {"quality": 88, "optimize": True} if save_format == "JPEG" else {}
        image.save(buffer, format=save_format, **options)
    except ValidationError:
        raise
    except Exception as error:  # truncated or corrupt data: Pillow raises a variety of errors
        raise ValidationError("图片已损坏，无法读取。请换一个文件再上传。", code="broken_image") from error
    finally:
        file.seek(0)
    return ContentFile(buffer.getvalue(), name=f"image.{extension}")


def _for_format(image, save_format):
    if save_format == "JPEG" and image.mode not in ("RGB", "L"):
        return image.convert("RGB")
    if save_format == "WEBP" and image.mode not in ("RGB", "RGBA"):
        return image.convert("RGBA" if "A" in image.mode or "transparency" in image.info else "RGB")
    if save_format == "PNG" and image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
        return image.convert("RGBA")
    return image
