"""Checking an uploaded ZIP (XLSX, DOCX, ODT) before anything in it is unpacked.

A few hundred kilobytes of ZIP can declare gigabytes of content (a "zip bomb"). Python's
``zipfile`` never produces more than an entry's declared size, so checking the declared sizes
in the central directory, before reading any entry, bounds the memory an upload can take.
"""

from __future__ import annotations

import zipfile
from typing import IO

# Small entries may compress as well as they like: they cannot hurt.
RATIO_FREE_BYTES = 1024 * 1024


class ArchiveRefused(Exception):
    """The archive is damaged, or would unpack to more than allowed."""


class ArchiveDamaged(ArchiveRefused):
    """Not a ZIP archive that can be read at all."""


def check_zip(
    handle: IO[bytes], *, max_total: int, max_ratio: int, max_entries: int = 10_000
) -> list[zipfile.ZipInfo]:
    """The archive's entries, if its declared sizes are within the limits; else ArchiveRefused."""
    try:
        with zipfile.ZipFile(handle) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise ArchiveDamaged("not a readable ZIP archive") from exc
    if len(entries) > max_entries:
        raise ArchiveRefused(f"{len(entries)} entries")
    total = 0
    for entry in entries:
        total += entry.file_size
        if total > max_total:
            raise ArchiveRefused(f"unpacks to more than {max_total} bytes")
        if entry.file_size > RATIO_FREE_BYTES and (
            entry.compress_size == 0 or entry.file_size / entry.compress_size > max_ratio
        ):
            raise ArchiveRefused(f"{entry.filename} is compressed more than {max_ratio}:1")
    return entries
