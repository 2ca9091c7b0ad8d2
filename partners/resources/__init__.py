"""django-import-export resources: the columns of the CSV/XLSX import and export files.

Used by the staff import pages (partners/views/imports.py) and by the admin. Every value that
cannot be read becomes a ``ValueError`` with a message for people, so that it is reported as a
field error on its row instead of a crash. Rows that repeat an earlier row's natural key are
invalid (``Duplicate of row N``), so a file never updates the same record twice.
"""

from .base import FIRST_DATA_LINE, FieldChange, ImportResource
from .records import (
    RESOURCES,
    CityResource,
    ContactResource,
    OrganizationResource,
    PartnershipResource,
)

__all__ = [
    "FIRST_DATA_LINE",
    "RESOURCES",
    "CityResource",
    "ContactResource",
    "FieldChange",
    "ImportResource",
    "OrganizationResource",
    "PartnershipResource",
]
