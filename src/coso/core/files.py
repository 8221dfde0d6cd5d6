"""Files kept through Django's storage API (local folder or S3-compatible object storage).

Every file Coso keeps (attachments, generated exports) is written with ``default_storage`` (or a
named storage in ``settings.STORAGES``) and read back only through a view that has checked access
first. ``serve_file`` streams the file from whichever storage holds it, so it works the same with
the local folder and with object storage, from any web process.
"""

from __future__ import annotations

import contextlib
import mimetypes
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage, storages
from django.http import FileResponse, Http404, HttpRequest

CHUNK = 64 * 1024


def get_storage(storage_name: str | None = None) -> Storage:
    """The storage named in settings.STORAGES, or the default one."""
    if not storage_name or storage_name == "default":
        return default_storage
    return storages[storage_name]


def save_bytes(name: str, data: bytes, *, storage_name: str | None = None) -> str:
    """Write ``data`` under ``name`` (a free name is chosen if taken). Returns the stored name."""
    return get_storage(storage_name).save(name, ContentFile(data))


def delete_quietly(name: str, *, storage_name: str | None = None) -> None:
    if not name:
        return
    storage = get_storage(storage_name)
    with contextlib.suppress(FileNotFoundError):
        storage.delete(name)


def serve_file(
    request: HttpRequest,
    name: str,
    *,
    storage_name: str | None = None,
    filename: str = "",
    content_type: str = "",
    as_attachment: bool = True,
) -> FileResponse:
    """Stream a stored file. Call it only after the access check: it checks nothing itself.

    A missing file answers 404 (never a 500). The response is private and never cached.
    """
    storage = get_storage(storage_name)
    if not name:
        raise Http404
    try:
        fh: Any = storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    except Exception as exc:  # noqa: BLE001 - object storage raises its own errors for a missing key
        if _is_missing(exc):
            raise Http404 from None
        raise
    filename = filename or name.rsplit("/", 1)[-1]
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(fh, content_type=content_type, as_attachment=as_attachment, filename=filename)
    response.block_size = CHUNK
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _is_missing(exc: Exception) -> bool:
    """botocore's ClientError for a missing key (404 / NoSuchKey), without importing botocore here."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = str(response.get("Error", {}).get("Code", ""))
        return code in {"404", "NoSuchKey", "NotFound"}
    return False
