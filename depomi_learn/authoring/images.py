"""Images uploaded into a course's assets/: recognised by content, re-encoded, stripped.

Only PNG, JPEG and WebP are accepted, whatever the file is called. Every image is decoded and
encoded again by Pillow, which drops metadata (EXIF with GPS positions, XMP, comments, colour
profiles) and anything hidden around the pixels, so a file that is also HTML or a zip (a
polyglot) comes out as a plain picture. SVG is refused: scripts hide in it too easily.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..content.assets import sniff_media_type
from . import AuthoringError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # decoded size guard: 40 megapixels is ~160 MB of RGBA
MAX_SIDE = 1600  # learners read on phones over slow connections
FORMATS = {  # Pillow format -> (media type, file extension)
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "WEBP": ("image/webp", "webp"),
}
NAME_CHARACTERS = re.compile(r"[^a-z0-9_-]+")


@dataclass(frozen=True)
class CleanImage:
    name: str  # file name inside assets/, extension from the content
    data: bytes
    media_type: str
    width: int
    height: int


def clean_image(filename: str, data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> CleanImage:
    """Check an uploaded image by its content and return it re-encoded without metadata."""
    if len(data) > max_bytes:
        raise AuthoringError(_("The image is larger than %(size)d KiB.", size=max_bytes // 1024))
    media_type = sniff_media_type(data)
    if media_type == "image/svg+xml":
        raise AuthoringError(_("SVG images are not accepted here: export the drawing as PNG."))
    image = _decode(data)
    if image.format not in FORMATS or FORMATS[image.format][0] != media_type:
        raise AuthoringError(_("The file's content does not match any accepted image type."))
    end = image_end(data, image.format)
    if end is None or data[end:].strip(b"\0\r\n\t "):
        raise AuthoringError(
            _("The file holds something else after the image: export it again as a plain image.")
        )
    media_type, extension = FORMATS[image.format]
    image = _prepared(image)
    encoded = _encode(image, media_type)
    return CleanImage(
        asset_name(filename, extension), encoded, media_type, image.width, image.height
    )


def asset_name(filename: str, extension: str) -> str:
    """Return a safe lowercase file name for assets/ with the extension the content deserves."""
    stem = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = NAME_CHARACTERS.sub("-", ascii_stem.lower()).strip("-_")[:60] or "image"
    return f"{slug}.{extension}"


def image_end(data: bytes, image_format: str) -> int | None:
    """Return where the image's own bytes end (anything after would be a second file)."""
    if image_format == "PNG":
        return _png_end(data)
    if image_format == "WEBP":
        size = int.from_bytes(data[4:8], "little")
        return 8 + size + (size & 1)
    return _jpeg_end(data)


def _png_end(data: bytes) -> int | None:
    offset = 8
    while offset + 12 <= len(data):
        length = int.from_bytes(data[offset : offset + 4], "big")
        kind = data[offset + 4 : offset + 8]
        offset += 12 + length
        if kind == b"IEND":
            return offset
    return None


def _jpeg_end(data: bytes) -> int | None:
    offset = 2  # after SOI
    while offset + 2 <= len(data):
        if data[offset] != 0xFF:
            return None
        marker = data[offset + 1]
        if marker == 0xD9:  # EOI
            return offset + 2
        if marker == 0xFF or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            offset += 1 if marker == 0xFF else 2
            continue
        length = int.from_bytes(data[offset + 2 : offset + 4], "big")
        offset += 2 + length
        if marker == 0xDA:  # start of scan: skip the entropy-coded data to the next marker
            after = _after_scan(data, offset)
            if after is None:
                return None
            offset = after
    return None


def _after_scan(data: bytes, offset: int) -> int | None:
    while True:
        offset = data.find(b"\xff", offset)
        if offset == -1 or offset + 1 >= len(data):
            return None
        following = data[offset + 1]
        if following == 0xFF:  # fill byte before a marker
            offset += 1
        elif following == 0x00 or 0xD0 <= following <= 0xD7:  # stuffed byte or restart marker
            offset += 2
        else:
            return offset


def _decode(data: bytes) -> Image.Image:
    refused = AuthoringError(_("The file is not a PNG, JPEG or WebP image."))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            if image.width * image.height > MAX_PIXELS:
                raise AuthoringError(_("The image has too many pixels."))
            image.load()
        except AuthoringError:
            raise
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
            OSError,
            SyntaxError,
            ValueError,
        ) as error:
            raise refused from error
    return image


def _prepared(image: Image.Image) -> Image.Image:
    # Turn the picture the way the camera meant before its EXIF orientation is dropped.
    image = ImageOps.exif_transpose(image) or image
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE))
    keep: dict = {}
    if "transparency" in image.info:
        keep["transparency"] = image.info["transparency"]
    image.info = keep  # no EXIF, XMP, ICC profile, text chunks or comments are carried over
    return image


def _encode(image: Image.Image, media_type: str) -> bytes:
    output = io.BytesIO()
    if media_type == "image/jpeg":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(output, "JPEG", quality=85, optimize=True)
    elif media_type == "image/webp":
        if image.mode not in ("RGB", "RGBA"):
            alpha = "A" in image.mode or "transparency" in image.info
            image = image.convert("RGBA" if alpha else "RGB")
        image.save(output, "WEBP", quality=85)
    else:
        image.save(output, "PNG", optimize=True)
    return output.getvalue()
