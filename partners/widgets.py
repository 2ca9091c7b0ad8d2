"""Widgets of the partners forms and filters: the searchable picker under its older names."""

from __future__ import annotations

from cityrelations.core.pickers import Picker, PickerMultiple

SearchableSelect = Picker
SearchableSelectMultiple = PickerMultiple
