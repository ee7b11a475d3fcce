"""Uploads refused while they stream: a file past `settings.UPLOAD_MAX_BYTES` is never kept, in memory or on disk.

Django's own limits leave files out (`DATA_UPLOAD_MAX_MEMORY_SIZE` counts only the other fields) and its
handlers keep a file of any size (in memory, then in a temporary file), so a view that checks `upload.size`
has already stored all of it. This handler sits first in `FILE_UPLOAD_HANDLERS`: it passes each chunk on until the
file passes the limit, then skips the rest of that file (read and dropped). The other fields, the CSRF token among
them, are still read, and the view asks `refused_uploads(request)` to say why the file is missing. The proxy's
`client_max_body_size` (docs/deploy.md) stops a far larger body before it reaches the app at all.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def upload_max_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


class SizeLimitedUploadHandler(FileUploadHandler):
    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > upload_max_bytes():
            refused = getattr(self.request, "_refused_uploads", [])
            self.request._refused_uploads = [*refused, self.field_name]
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) makes the file


def refused_uploads(request) -> list[str]:
    """The names of the file fields whose file was too large and was dropped while it streamed."""
    return list(getattr(request, "_refused_uploads", []))
