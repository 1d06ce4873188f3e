"""Uploaded images: checked by content, size-capped, re-encoded so no metadata leaks."""

import asyncio
import base64
import binascii
import hashlib
import re
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from typing import TypeVar
from urllib.parse import quote

from anyascii import anyascii
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlmodel.ext.asyncio.session import AsyncSession

from api.params import id_or_none
from core.errors import Invalid
from core.security import capability, capability_valid
from models.enrollment import StoredFile

MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_TOO_LARGE = "This photo is larger than 10 MB. Upload a smaller picture."
MAX_PIXELS = 40_000_000
MAX_SIDE = 2000
# A screenshot attached to a help-desk case keeps a 4K monitor's width (3840 px): shrunk to
# 2000, its small text blurred for the agent who had to read it.
MAX_SCREENSHOT_SIDE = 4096
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"}
MAX_SIGNATURE_BYTES = 512 * 1024
# The signing pages' pad is 600 x 200; a signature larger than three pads side by side on either
# side is no drawing of one (a 6,300-pixel square took ~13 s to check, ~8 s per PDF printing it).
MAX_SIGNATURE_SIDE = 1800
SIGNATURE_TOO_LARGE = "The drawn signature is too large. Clear it and draw it again."
UNSAFE_NAME_CHARACTERS = set('<>:"/\\|?*`')  # markup, quoting and path characters
NOT_A_PHOTO = ("This file is not a picture we can read. Upload a JPEG or PNG photo taken of "
               "the storage unit.")

# Checking and re-encoding a picture is CPU work (a 12-megapixel phone photo: ~280 ms) that
# would stop the event loop, and every other request of the process with it. It runs on
# threads of its own, two at a time, so a burst of uploads holds at most two decoded images in
# memory (Pillow releases the GIL while it decodes, resizes and encodes).
IMAGE_WORK = ThreadPoolExecutor(max_workers=2, thread_name_prefix="images")
T = TypeVar("T")


async def off_the_loop(work: Callable[..., T], *args) -> T:
    """`work(*args)` on an image thread; the request awaits it, the others go on."""
    return await asyncio.get_running_loop().run_in_executor(IMAGE_WORK, work, *args)


def _open_checked(raw: bytes, field: str, formats: set[str],
                  max_side: int | None = None,
                  unreadable: str = NOT_A_PHOTO) -> Image.Image:
    """The picture, decoded, once its header passed: its format, its pixels (and, given
    `max_side`, each side) within bounds, read before any pixel is; `unreadable` says what to
    do when it is not one."""
    try:
        probe = Image.open(BytesIO(raw))
        if probe.format not in formats:
            raise Invalid(unreadable, field=field)
        if max_side is not None and max(probe.width, probe.height) > max_side:
            raise Invalid(SIGNATURE_TOO_LARGE, field=field)
        if probe.width * probe.height > MAX_PIXELS:
            raise Invalid("This picture has too many pixels; upload one under 40 megapixels.",
                          field=field)
        probe.verify()
        image = Image.open(BytesIO(raw))
        image.load()
        return image
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as error:
        raise Invalid(unreadable, field=field) from error


def clean_filename(filename: str, fallback: str = "upload") -> str:
    """A person's file name as it is kept and shown: its base name only (a path such as
    ../../etc/passwd.png is passwd.png), without control or markup characters, at most 200
    characters with its extension; `fallback` when nothing is left."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c not in UNSAFE_NAME_CHARACTERS
                   and unicodedata.category(c) not in ("Cc", "Cf"))
    base = " ".join(base.split()).lstrip(". ").rstrip(". ")
    stem, dot, extension = base.rpartition(".")
    if len(base) > 200 and dot and len(extension) < 20:
        base = f"{stem[:199 - len(extension)]}.{extension}"
    return base[:200] or fallback


# What each kind of file we keep is named as: a name's extension picks the program that opens
# it, so it must say what the file is.
KIND_EXTENSIONS = {
    "application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "text/csv": "csv",
    "text/plain": "txt",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"}
EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")


def kind_name(filename: str, fallback: str, extension: str = "jpg") -> str:
    """The name a file is kept and downloaded under: its own, ending as what it is (a PDF sent
    as scan.png would open in an image viewer, a PNG kept as a JPEG but named .png would be
    saved as a JPEG named .png). Only what looks like an extension is replaced: "Dr. Smith"
    keeps its words."""
    stem = EXTENSION.sub("", clean_filename(filename, fallback)).rstrip(". ")
    return f"{stem[:195] or fallback}.{extension}"


def disposition(name: str, how: str = "attachment") -> str:
    """A download's Content-Disposition for any name (RFC 6266): plain letters for old
    browsers, the name as written for the others. A name outside Latin-1 (O’Brien, Nguyễn)
    cannot be written into the header as it is."""
    plain = clean_filename(anyascii(name).replace('"', ""))
    return f"{how}; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def served_name(filename: str, content_type: str) -> str:
    """A stored file's download name: files kept before names followed their kind are named
    after it here."""
    extension = KIND_EXTENSIONS.get(content_type.split(";")[0].strip())
    return kind_name(filename, "file", extension) if extension else clean_filename(filename)


def reencode_photo(raw: bytes, field: str, keep_png: bool = False) -> tuple[bytes, int, int]:
    """A fresh JPEG from the pixels only: EXIF (location, camera, owner) is dropped. With
    `keep_png` (a case's attachment), a PNG stays a PNG, equally bare, and a picture keeps up
    to MAX_SCREENSHOT_SIDE (a screenshot's text stays sharp). What is kept is never larger
    than MAX_PHOTO_BYTES: a PNG that would be is kept as a JPEG (its bytes say which)."""
    if not raw:
        raise Invalid("Choose a photo to upload.", field=field)
    if len(raw) > MAX_PHOTO_BYTES:
        raise Invalid(PHOTO_TOO_LARGE, field=field)
    opened = _open_checked(raw, field, PHOTO_FORMATS)
    png = keep_png and opened.format == "PNG"
    image = ImageOps.exif_transpose(opened)
    image = image.convert("RGBA" if png and image.has_transparency_data else "RGB")
    side = MAX_SCREENSHOT_SIDE if keep_png else MAX_SIDE
    image.thumbnail((side, side))
    out = BytesIO()
    if png:
        image.save(out, "PNG", optimize=True)
        if out.tell() <= MAX_PHOTO_BYTES:
            return out.getvalue(), image.width, image.height
        # fine detail a PNG cannot hold in 10 MB (a 5.6 MB one came out at 47 MB): a JPEG,
        # and at the photos' size if even that would pass the limit
        image, out = image.convert("RGB"), BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    if out.tell() > MAX_PHOTO_BYTES and max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        out = BytesIO()
        image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), image.width, image.height


UNREADABLE_SIGNATURE = "The drawn signature could not be read. Clear it and draw it again."


def decode_signature_image(data_url: str, field: str = "signature") -> bytes:
    """A drawn signature arrives as a PNG data URL from the signature pad."""
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix):
        raise Invalid("Draw your signature in the box, or type your name instead.", field=field)
    try:
        raw = base64.b64decode(data_url[len(prefix):], validate=True)
    except (binascii.Error, ValueError) as error:
        raise Invalid(UNREADABLE_SIGNATURE, field=field) from error
    if len(raw) > MAX_SIGNATURE_BYTES:
        raise Invalid(SIGNATURE_TOO_LARGE, field=field)
    image = _open_checked(raw, field, {"PNG"}, MAX_SIGNATURE_SIDE, UNREADABLE_SIGNATURE)
    if image.getbbox() is None or _is_blank(image):
        raise Invalid("The signature box is empty. Draw your signature, or type your name.",
                      field=field)
    out = BytesIO()
    image.convert("LA").save(out, "PNG", optimize=True)
    return out.getvalue()


def _is_blank(image: Image.Image) -> bool:
    grey = image.convert("LA")
    alpha_box = grey.getchannel("A").getbbox()
    lightness = grey.getchannel("L").getextrema()
    return alpha_box is None or lightness[0] > 245


async def store_file(session: AsyncSession, data: bytes, *, filename: str, content_type: str,
                     width: int | None = None, height: int | None = None,
                     uploaded_by: int | None = None) -> StoredFile:
    """`uploaded_by`: the account that sent a file kept before it is attached to anything."""
    stored = StoredFile(sha256=hashlib.sha256(data).hexdigest(), content_type=content_type,
                        filename=clean_filename(filename), size=len(data), width=width,
                        height=height, data=data, uploaded_by=uploaded_by)
    session.add(stored)
    await session.flush()
    return stored


async def store_photo(session: AsyncSession, raw: bytes, filename: str, field: str,
                      uploaded_by: int | None = None) -> StoredFile:
    data, width, height = await off_the_loop(reencode_photo, raw, field)
    name = kind_name(filename, "photo")
    return await store_file(session, data, filename=name, content_type="image/jpeg",
                            width=width, height=height, uploaded_by=uploaded_by)


KEPT_PHOTO = "kept_photo"


def keep_reference(secret: str, file_id: int) -> str:
    """A reference to a photo already checked and stored, which a form carries back so a
    person never uploads a good photo twice because another field was refused."""
    return f"{file_id}.{capability(secret, KEPT_PHOTO, file_id)}"


def kept_file_id(secret: str, reference: str | None) -> int | None:
    """The stored photo a kept reference names (None when absent or not one we issued)."""
    number, _dot, key = (reference or "").partition(".")
    file_id = id_or_none(number)  # a reference sent back altered ('²') is none of ours
    if file_id is None or not capability_valid(secret, KEPT_PHOTO, file_id, key):
        return None
    return file_id
