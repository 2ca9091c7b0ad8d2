"""The delegation forms, one module per concept: visits (and workflow decisions), the visit's
plan (participants, itinerary, logistics), gifts, and the post-visit report."""
