"""Attachment checks: size, type by content (not by name), images re-encoded without metadata.

Everything is checked before anything is stored: one bad file refuses the whole submission.
"""

from __future__ import annotations

import contextlib
import io
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

import filetype
from PIL import Image, ImageOps

from coso.core.exceptions import ApplicationError

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
ALLOWED_LABEL = "ảnh (JPG, PNG, WEBP, GIF), PDF, Word, Excel, PowerPoint, OpenDocument"
MAX_PIXELS = 40_000_000


@dataclass
class PreparedFile:
    original_name: str
    data: bytes
    extension: str
    content_type: str
    is_image: bool


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def _read(upload: Any) -> bytes:
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
                raise ApplicationError(f"Ảnh “{name}” quá lớn (quá {MAX_PIXELS // 1_000_000} triệu điểm ảnh).", code="attachment-too-large")
            img.load()
            img = ImageOps.exif_transpose(img)  # keep the visible orientation, then drop EXIF
    except ApplicationError:
        raise
    except Exception:  # noqa: BLE001 - any decoder failure means the file is not a usable image
        raise ApplicationError(f"Tệp “{name}” không phải là ảnh hợp lệ.", code="attachment-invalid")
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


def prepare_attachments(files: list[Any], *, max_files: int) -> list[PreparedFile]:
    """Check every file; return cleaned contents or raise (nothing has been stored)."""
    files = [f for f in (files or []) if f is not None]
    limit = settings.COSO_MAX_ATTACHMENT_BYTES
    if len(files) > max_files:
        raise ApplicationError(f"Chỉ được gửi tối đa {max_files} tệp đính kèm.", code="too-many-attachments", details={"max": max_files})
    prepared: list[PreparedFile] = []
    for upload in files:
        name = str(getattr(upload, "name", "") or "tệp")[:200]
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            raise ApplicationError(f"Tệp “{name}” vượt quá {_mb(limit)}.", code="attachment-too-large", details={"file": name, "max_bytes": limit})
        data = _read(upload)
        if len(data) > limit:
            raise ApplicationError(f"Tệp “{name}” vượt quá {_mb(limit)}.", code="attachment-too-large", details={"file": name, "max_bytes": limit})
        if not data:
            raise ApplicationError(f"Tệp “{name}” rỗng.", code="attachment-invalid", details={"file": name})
        kind = filetype.guess(data)
        ext = kind.extension if kind else ""
        if ext in IMAGE_TYPES:
            clean, ext2, ctype = _reencode(data, ext, name)
            prepared.append(PreparedFile(name, clean, ext2, ctype, True))
        elif ext in DOCUMENT_TYPES:
            prepared.append(PreparedFile(name, data, ext, DOCUMENT_TYPES[ext], False))
        else:
            raise ApplicationError(
                f"Tệp “{name}” không thuộc loại được nhận ({ALLOWED_LABEL}). Loại tệp được kiểm tra theo nội dung, không theo tên.",
                code="attachment-type",
                details={"file": name, "detected": ext or "unknown"},
            )
    return prepared


def store(prepared: PreparedFile) -> str:
    """Save under a generated name (never the sender's name) in private media storage."""
    now = timezone.now()
    path = f"feedback/{now:%Y/%m}/{uuid.uuid4().hex}.{prepared.extension}"
    return default_storage.save(path, ContentFile(prepared.data))


def remove(names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            default_storage.delete(name)
