"""Shared building blocks that every app imports and that import no app.

Roles and permissions, choice helpers, links, formats, widgets, exports and the personal-data
export log, history, optimistic locking, throttles, the client address, archive checks,
media storage, admin mixins, the email builder (``mail``), the reader's language
(``languages``) and the enqueue-on-commit of Celery tasks (``tasks``). An import-linter contract in ``pyproject.toml`` keeps it that
way (``make lint``): nothing here may import ``partners``, ``delegations``, ``newsletters`` or the
cross-app pages.
"""
