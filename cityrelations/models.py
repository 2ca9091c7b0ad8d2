"""The project app's models live in ``cityrelations.core`` (every app writes to them); importing
them here is how Django registers them under the ``cityrelations`` label."""

from cityrelations.core.models import AccountSettings, PersonalDataExport, SavedView

__all__ = ["AccountSettings", "PersonalDataExport", "SavedView"]
