"""Upload handlers (settings.FILE_UPLOAD_HANDLERS) and request limits derived from the attachment limit.

- ``SafeNamesUploadHandler`` parses multipart bodies with a parser that keeps a file whose name Django
  would silently drop (``..``, ``.``, only control characters): the file reaches the checks under a neutral
  name instead of vanishing from the submission.
- ``SizeLimitUploadHandler`` stops keeping the bytes of a file once it exceeds the largest accepted upload;
  the rest is counted, not stored, and the file arrives as an ``OversizedUpload`` with its real size, which
  every check refuses with a clear message (no gigabytes in the temporary folder).
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParser

MIB = 1024 * 1024
NEUTRAL_NAME = "Tệp đính kèm"


def max_upload_bytes() -> int:
    """The largest file any form accepts: attachments, or a 10 MB import spreadsheet."""
    return int(getattr(settings, "COSO_MAX_UPLOAD_BYTES", 0) or max(int(settings.COSO_MAX_ATTACHMENT_BYTES), 10 * MIB))


def request_body_limit(attachment_bytes: int) -> int:
    """DATA_UPLOAD_MAX_MEMORY_SIZE for a given attachment limit: one attachment of the largest size sent as
    base64 in a JSON body (4/3 of its size) plus 1 MiB for the other fields. Files sent as multipart do not
    count towards it (Django streams them to the upload handlers)."""
    return (attachment_bytes + 2) // 3 * 4 + MIB


class _KeepNamesParser(MultiPartParser):
    def sanitize_file_name(self, file_name: str) -> str | None:
        clean = super().sanitize_file_name(file_name)
        if clean is None and file_name and file_name.strip():
            return NEUTRAL_NAME  # "..", "." or only control characters: keep the file, not the name
        return clean


class SafeNamesUploadHandler(FileUploadHandler):
    """First handler: parse the body with ``_KeepNamesParser`` and the remaining handlers."""

    def handle_raw_input(self, input_data: Any, meta: dict[str, Any], content_length: int, boundary: str, encoding: str | None = None) -> Any:
        others = [h for h in self.request.upload_handlers if h is not self] if self.request is not None else []
        return _KeepNamesParser(meta, input_data, others, encoding).parse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class OversizedUpload(UploadedFile):
    """A file larger than any form accepts: only its name, type and real size are kept."""

    def __init__(self, name: str, content_type: str, size: int, charset: str | None = None):
        super().__init__(io.BytesIO(b""), name=name, content_type=content_type, size=size, charset=charset)


class SizeLimitUploadHandler(FileUploadHandler):
    """Pass chunks on until the file exceeds ``max_upload_bytes()``; then only count the rest."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.limit = max_upload_bytes()
        self.received = 0
        self.oversized = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.oversized = True
            return None  # later handlers (memory, temporary file) keep nothing more of this file
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.oversized:
            return OversizedUpload(self.file_name or NEUTRAL_NAME, self.content_type or "", self.received, self.charset)
        return None
