"""The sending engine: an edition to every subscriber, crash-safe and without duplicates.

The protocol (DESIGN.md, "The sending protocol"), and where each step lives:

1. Start (:mod:`.start`): one conditional UPDATE flips the edition to SENDING, one set-based
   ``INSERT … SELECT`` writes a ``queued`` ``Delivery`` row for every active, unsuppressed
   subscriber, and after commit batch tasks that carry only ids are enqueued (:mod:`.enqueue`).
2. Batch (:mod:`.batch`, run by ``newsletters.tasks.send_batch``): a task claims its rows with
   one conditional ``UPDATE … WHERE status = 'queued'``, sends them over one SMTP/ESP connection
   (:mod:`.smtp`: pipelined when the server allows it), and marks each row ``sent`` with its
   Message-ID right after the server accepted it (:mod:`.marks`).
3. Sweep (:mod:`.sweep`, beat every minute): rows left in ``sending`` by a dead worker, and
   queued rows whose task was lost with it, go back to the queue. The only duplicate window is
   a crash between the server's acceptance and our commit: at most one message per worker.
4. Refusals (:mod:`.classify`): transient errors retry with backoff, permanent ones fail the
   row with the reason; bounces and complaints (anymail webhooks, ``newsletters.webhooks``)
   suppress the subscriber, and a batch skips whoever was suppressed after queueing.
5. One global rate limit for every worker (:mod:`.rate_limit`, a Redis token bucket), and the
   progress the send panel polls while it runs (:mod:`.progress`, which also marks the edition
   SENT once no row is left).
6. The message (:mod:`.message`): ``emails/editions/edition*`` rendered once per edition and
   language through ``cityrelations.core.mail``, with ``List-Unsubscribe`` and
   ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058), a plain-text part and a
   web-archive link; over SMTP it is assembled as bytes per subscriber (:mod:`.raw`, the fast
   path: the same templates, flattened once per edition and language).

Celery settings that go with it: ``acks_late``, ``task_reject_on_worker_lost``, prefetch 1, a
Redis ``visibility_timeout`` above the longest task, tasks enqueued with ``on_commit``.

Imports run one way, from the entry points down: start, sweep → enqueue, progress, message;
batch → classify, marks, message, raw, progress, rate_limit, smtp; raw → message. Nothing here
imports ``newsletters.tasks`` (which imports the engine; :mod:`.enqueue` finds ``send_batch``
by name), and this ``__init__`` imports nothing: import what you use from its module.
"""
