"""The delegations' own kind of row for the searchable picker: a gift's counterpart."""

from __future__ import annotations

from functools import partial

from cityrelations.core.pickers import PickerSource, folded_words, register_source
from partners.pickers import contact_label


def register_picker_sources() -> None:
    from .forms.gifts import counterpart_contact_choices

    register_source(
        "gift_counterpart",
        PickerSource(
            permission="partners.view_contact",
            queryset=lambda: counterpart_contact_choices().select_related("city", "organization"),
            matches=partial(folded_words, ("first_name", "last_name", "email")),
            label=contact_label,
            related=("city", "organization"),
        ),
    )
