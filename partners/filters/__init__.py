"""The list pages' django-filter FilterSets, one module per concept: cities, partnerships (and
the map), organisations and memberships, agreements, contacts, projects, interactions.

The shared bases (styled and sorted FilterSets, the days and staff-user filters, the word
search) are in ``cityrelations/core/filters.py``."""
