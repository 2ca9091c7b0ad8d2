"""Marking each delivery ``sent`` right after the server accepted its message (DESIGN.md, the
sending protocol, step 2), without the worker standing idle while the database commits.

Each mark is one ``UPDATE`` committed on its own (autocommit). On PostgreSQL it is sent as a
prepared statement and not waited for: the worker goes on with the next message, and
:meth:`SentMarks.wait` collects the result before that message's final line is sent (see
``newsletters.smtp.send``'s ``before_end``), i.e. before the server can accept it. So when a
message is accepted, the one before it is already recorded, and a crash can still duplicate at
most one message per worker process. A mark sent just before a crash is committed by the server
all the same.

Elsewhere (SQLite, or inside a transaction, as in tests) each mark is a plain statement that
completes before the next message starts.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError
from django.db import connection as db_connection
from django.utils import timezone

from .models import Delivery

_STATEMENT = b"cityrelations_newsletters_mark_sent"
_PREPARED_FLAG = "_cityrelations_mark_sent_prepared"


def _sql(placeholder: str) -> str:
    table = Delivery._meta.db_table  # a name from model metadata; every value is a parameter
    p = [placeholder.format(n) for n in range(1, 5)]
    return (
        f"UPDATE {table} SET status = {p[0]}, sent_at = {p[1]}, message_id = {p[2]}, "
        f"last_error = '' WHERE id = {p[3]}"
    )


class SentMarks:
    """The batch's marks; use as a context manager so the last one is collected."""

    def __init__(self) -> None:
        db_connection.ensure_connection()
        self._pending = False
        self._pg: Any = None
        if db_connection.vendor == "postgresql" and not db_connection.in_atomic_block:
            self._pg = db_connection.connection  # the psycopg connection, in autocommit
            self._prepare()
        else:
            self._cursor = db_connection.cursor()

    def _prepare(self) -> None:
        if getattr(self._pg, _PREPARED_FLAG, False):
            return  # prepared statements live as long as the database session
        result = self._pg.pgconn.prepare(_STATEMENT, _sql("${}").encode())
        self._check(result)
        setattr(self._pg, _PREPARED_FLAG, True)

    def send(self, delivery: Delivery, message_id: str) -> None:
        """Mark ``delivery`` sent; on PostgreSQL, return as soon as the statement is on its way."""
        self.wait()
        values = [Delivery.Status.SENT, timezone.now().isoformat(), message_id[:255], delivery.pk]
        if self._pg is None:
            self._cursor.execute(_sql("%s"), values)
            return
        from psycopg import generators

        pgconn = self._pg.pgconn
        pgconn.send_query_prepared(_STATEMENT, [str(value).encode() for value in values])
        self._pg.wait(generators.send(pgconn))
        self._pending = True

    def wait(self) -> None:
        """Block until the last mark sent is committed (raises ``DatabaseError`` if it failed)."""
        if not self._pending:
            return
        from psycopg import generators

        self._pending = False
        for result in self._pg.wait(generators.fetch_many(self._pg.pgconn)):
            self._check(result)

    def _check(self, result: Any) -> None:
        from psycopg import pq

        if result.status != pq.ExecStatus.COMMAND_OK:
            message = (result.error_message or b"").decode(errors="replace").strip()
            raise DatabaseError(f"marking a delivery sent failed: {message}")

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
