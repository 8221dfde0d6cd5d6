"""The one attachment pipeline of every module (dossiers, feedback): size, type by content, clean images, safe names.

1. ``prepare(files)`` checks every file before anything is stored: one bad file refuses the whole submission.
   The type is sniffed from the content (magic bytes), never taken from the name or the browser's
   Content-Type. Images are decoded and re-encoded, which drops EXIF (including GPS position), XMP and
   comments: a photo of a paper or of a pothole must not publish where the sender lives
   (Decree 13/2023/ND-CP on personal data, Art. 2: location data is personal data).
2. ``StoredFiles`` writes the cleaned contents through Django's storage API (``default_storage``, so a
   cloud backend works the same) under generated names, never the sender's name; if anything fails
   before the submission is committed, every file written for it is deleted again.

The sender's file name is only kept as a display name: path parts and control characters removed,
NFC-normalised, truncated (extension kept).
"""

from __future__ import annotations

import contextlib
import io
import unicodedata
import uuid
import warnings
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

import filetype
from PIL import Image, ImageOps

from coso.core import errors
from coso.core.exceptions import ApplicationError

# Sniffed kind → stored content type. GIF/BMP/TIFF are re-encoded as PNG.
IMAGE_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/png", "bmp": "image/png", "tif": "image/png"}
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
ALL_KINDS = frozenset(IMAGE_TYPES) | frozenset(DOCUMENT_TYPES)
KIND_LABELS = {"jpg": "JPG", "png": "PNG", "webp": "WEBP", "gif": "GIF", "bmp": "BMP", "tif": "TIFF", "pdf": "PDF", "doc": "Word", "docx": "Word",
               "xls": "Excel", "xlsx": "Excel", "ppt": "PowerPoint", "pptx": "PowerPoint", "odt": "OpenDocument", "ods": "OpenDocument", "odp": "OpenDocument"}
MAX_PIXELS = 40_000_000
DISPLAY_NAME_LENGTH = 200
FALLBACK_NAME = "Tệp đính kèm"


@dataclass
class PreparedFile:
    original_name: str  # display name only (sanitised); files are stored under generated names
    data: bytes
    extension: str
    content_type: str
    is_image: bool

    @property
    def size(self) -> int:
        return len(self.data)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def display_name(raw: Any, *, max_length: int = DISPLAY_NAME_LENGTH) -> str:
    """The sender's file name made safe to show and to put in a header: last path part (``/`` or ``\\``),
    printable characters only, NFC, no leading/trailing dots or spaces, at most ``max_length`` characters
    with the extension kept. A name with nothing left (``..``, ``???`` stays) becomes "Tệp đính kèm"."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    name = name.strip(" .")
    if not name:
        return FALLBACK_NAME
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and 0 < len(ext) <= 10:
            name = stem[: max_length - len(ext) - 2].rstrip(" .") + "…." + ext
        else:
            name = name[: max_length - 1] + "…"
    return name


def _read(upload: Any) -> bytes:
    if isinstance(upload, (bytes, bytearray)):
        return bytes(upload)
    if hasattr(upload, "seek"):
        with contextlib.suppress(Exception):
            upload.seek(0)
    if hasattr(upload, "chunks"):
        return b"".join(upload.chunks())
    return upload.read()


def _reencode(data: bytes, kind: str, name: str) -> tuple[bytes, str, str]:
    """Decode and re-encode an image: EXIF (incl. GPS), XMP, comments and ICC extras are dropped."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img: Image.Image = Image.open(io.BytesIO(data))
            if img.width * img.height > MAX_PIXELS:
                raise errors.REENCODE_ATTACHMENT_TOO_LARGE(name=name, value=MAX_PIXELS // 1_000_000, details={"file": name})
            img.load()
            img = ImageOps.exif_transpose(img)  # keep the visible orientation, then drop EXIF
    except ApplicationError:
        raise
    except Exception:  # noqa: BLE001 - any decoder failure means the file is not a usable image
        raise errors.REENCODE_ATTACHMENT_INVALID(name=name, details={"file": name}) from None
    out = io.BytesIO()
    if kind == "jpg":
        img = img.convert("RGB")
        img.save(out, format="JPEG", quality=88, optimize=True)
        return out.getvalue(), "jpg", "image/jpeg"
    if kind == "webp":
        clean = Image.new(img.mode if img.mode in ("RGB", "RGBA") else "RGBA", img.size)
        clean.paste(img.convert(clean.mode))
        clean.save(out, format="WEBP", quality=88)
        return out.getvalue(), "webp", "image/webp"
    mode = "RGBA" if img.mode in ("RGBA", "LA", "P") else "RGB"
    clean = Image.new(mode, img.size)
    clean.paste(img.convert(mode))
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue(), "png", "image/png"


def allowed_label(allowed: Collection[str] = ALL_KINDS) -> str:
    labels: list[str] = []
    for kind in ("jpg", "png", "webp", "gif", "pdf", "docx", "xlsx", "pptx", "odt"):
        label = "ảnh " + KIND_LABELS[kind] if kind in IMAGE_TYPES else KIND_LABELS[kind]
        if kind in allowed and label not in labels:
            labels.append(label)
    return ", ".join(labels)


def size_validator(upload: Any) -> None:
    """Form-field validator: the size check of ``prepare_one``, so that a form reports a file that is too
    large together with its other errors (one submission shows every error), before any service runs."""
    from django.core.exceptions import ValidationError

    limit = int(settings.COSO_MAX_ATTACHMENT_BYTES)
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(f"Tệp “{display_name(getattr(upload, 'name', ''))}” vượt quá {_mb(limit)}.", code="attachment-too-large")


def prepare_one(upload: Any, *, allowed: Collection[str] = ALL_KINDS, limit: int | None = None) -> PreparedFile:
    """Check one file; return its cleaned content or raise ApplicationError (nothing is stored)."""
    limit = int(settings.COSO_MAX_ATTACHMENT_BYTES) if limit is None else limit
    name = display_name(getattr(upload, "name", ""))
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise errors.ATTACHMENT_TOO_LARGE(name=name, mb=_mb(limit), details={"file": name, "size": size, "max_bytes": limit})
    data = _read(upload)
    if len(data) > limit:
        raise errors.ATTACHMENT_TOO_LARGE(name=name, mb=_mb(limit), details={"file": name, "size": len(data), "max_bytes": limit})
    if not data:
        raise errors.ATTACHMENT_INVALID(name=name, details={"file": name})
    kind = filetype.guess(data)
    ext = kind.extension if kind else ""
    if ext in IMAGE_TYPES and ext in allowed:
        clean, ext2, ctype = _reencode(data, ext, name)
        return PreparedFile(_with_extension(name, ext2), clean, ext2, ctype, True)
    if ext in DOCUMENT_TYPES and ext in allowed:
        return PreparedFile(name, data, ext, DOCUMENT_TYPES[ext], False)
    raise errors.ATTACHMENT_TYPE(name=name, allowed_label=allowed_label(allowed), details={"file": name, "detected": ext or "unknown"})


def _with_extension(name: str, ext: str) -> str:
    """A re-encoded GIF/BMP/TIFF is a PNG now: say so in the display name."""
    stem, dot, old = name.rpartition(".")
    if dot and stem and old.lower() in ("gif", "bmp", "tif", "tiff") and ext == "png":
        return f"{stem}.png"
    return name


def prepare(files: Iterable[Any] | None, *, max_files: int | None = None, allowed: Collection[str] = ALL_KINDS) -> list[PreparedFile]:
    """Check every file; return cleaned contents or raise (nothing has been stored)."""
    items = [f for f in (files or []) if f is not None]
    if max_files is not None and len(items) > max_files:
        raise errors.TOO_MANY_ATTACHMENTS(max_files=max_files, details={"max": max_files})
    return [prepare_one(f, allowed=allowed) for f in items]


prepare_attachments = prepare


def store(prepared: PreparedFile, *, folder: str) -> str:
    """Save under a generated name (never the sender's) in the default storage; returns the stored name."""
    path = f"{folder.strip('/')}/{uuid.uuid4().hex}.{prepared.extension}"
    return default_storage.save(path, ContentFile(prepared.data))


def remove(names: Iterable[str]) -> None:
    for name in names:
        with contextlib.suppress(Exception):  # a storage that cannot delete must not hide the original error
            default_storage.delete(name)


class StoredFiles:
    """Files written for one submission: ``with StoredFiles() as stored: ... stored.save(p, folder=...)``.

    If the block raises (a refused second file, a database error, a failed commit), every file it wrote is
    deleted, so a refused submission leaves nothing in storage. Put the database transaction *inside*
    the block so a failed commit is seen here too.
    """

    def __init__(self) -> None:
        self.names: list[str] = []

    def save(self, prepared: PreparedFile, *, folder: str) -> str:
        name = store(prepared, folder=folder)
        self.names.append(name)
        return name

    def __enter__(self) -> StoredFiles:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if exc_type is not None:
            remove(self.names)
            self.names = []
