"""Marking each delivery ``sent`` right after the server accepted its message (DESIGN.md, the
sending protocol, step 2), without the worker standing idle while the database commits.

Each mark is one ``UPDATE`` committed on its own (autocommit). On PostgreSQL it is sent and not
waited for: the worker goes on with the next message, and :meth:`SentMarks.wait` collects the
result before that message's final line is sent (``.smtp.send``'s ``before_end``),
i.e. before the server can accept it. So when a message is accepted, the one before it is
already recorded, and a crash can still duplicate at most one message per worker process.

The rule that comes with it: between :meth:`SentMarks.send` and the next :meth:`SentMarks.wait`
nothing else may use the database connection (psycopg would refuse: a command is in progress).
The sender only renders and talks SMTP in between.

Elsewhere (SQLite, or inside a transaction, as in the in-process tests) each mark is a plain
statement that completes before the next message starts.
"""

from __future__ import annotations

import psycopg
from django.db import connection as db_connection
from django.utils import timezone
from psycopg import errors, generators, pq

from ..models import Delivery

# Table name from model metadata; every value is a parameter.
_TABLE = Delivery._meta.db_table
_MARK_SQL = (
    f"UPDATE {_TABLE} SET status = %s, sent_at = %s, message_id = %s, last_error = '' WHERE id = %s"
)
# The same for libpq, unprepared: no session state, so connection poolers are no concern.
_MARK_LIBPQ = (
    f"UPDATE {_TABLE} SET status = $1, sent_at = $2, message_id = $3, last_error = '' WHERE id = $4"
).encode()


class SentMarks:
    """The batch's marks; use as a context manager so the last one is collected."""

    def __init__(self) -> None:
        db_connection.ensure_connection()
        self._pending = False
        self._pg: psycopg.Connection | None = None
        raw = db_connection.connection
        if isinstance(raw, psycopg.Connection) and not db_connection.in_atomic_block:
            self._pg = raw  # psycopg 3's own connection, in autocommit
        else:
            self._cursor = db_connection.cursor()

    def send(self, delivery: Delivery, message_id: str) -> None:
        """Mark ``delivery`` sent; on PostgreSQL, return as soon as the statement is on its way."""
        self.wait()
        values: list[str | int] = [
            Delivery.Status.SENT,
            timezone.now().isoformat(),
            message_id[:255],
            delivery.pk,
        ]
        if self._pg is None:
            self._cursor.execute(_MARK_SQL, values)
            return
        with db_connection.wrap_database_errors:  # psycopg's errors as Django's
            pgconn = self._pg.pgconn
            pgconn.send_query_params(_MARK_LIBPQ, [str(value).encode() for value in values])
            self._pg.wait(generators.send(pgconn))
        self._pending = True

    def wait(self) -> None:
        """Block until the last mark sent is committed (raises ``DatabaseError`` if it failed)."""
        if not self._pending or self._pg is None:
            return
        try:
            with db_connection.wrap_database_errors:
                results = self._pg.wait(generators.fetch_many(self._pg.pgconn))
        except BaseException:
            # The connection's state is unknown (a time limit, say, mid-read): let Django
            # check it before it is used again.
            db_connection.errors_occurred = True
            raise
        self._pending = False
        with db_connection.wrap_database_errors:
            for result in results:
                if result.status != pq.ExecStatus.COMMAND_OK:
                    raise errors.error_from_result(result, encoding=self._pg.info.encoding)

    def close(self) -> None:
        try:
            self.wait()
        finally:
            if self._pg is None:
                self._cursor.close()

    def __enter__(self) -> SentMarks:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
