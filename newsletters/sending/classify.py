"""What a refusal means for its row (DESIGN.md, the sending protocol, step 4): the row fails
(permanent), is retried later on its own (this message, not now), or the batch stops and
everything left is retried (the connection is in trouble)."""

from __future__ import annotations

import smtplib
import socket

from anymail.exceptions import AnymailAPIError, AnymailError, AnymailRecipientsRefused

from .smtp import MessageRefused

PERMANENT, RECIPIENT_TRANSIENT, CONNECTION_TRANSIENT = "permanent", "recipient", "connection"


def classify_error(exc: BaseException) -> tuple[str, str]:
    """``(kind, reason)``: permanent (the row fails), transient for this recipient, or
    transient for the connection (stop the batch, retry later)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, message = next(iter(exc.recipients.values()), (0, b""))
        reason = (
            f"{code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
        )
        if code == 421:  # the server is closing the connection, whatever the recipient
            return CONNECTION_TRANSIENT, reason
        return (PERMANENT if code >= 500 else RECIPIENT_TRANSIENT), reason
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return CONNECTION_TRANSIENT, f"{type(exc).__name__}: {exc}"
    if isinstance(exc, smtplib.SMTPResponseException):
        error: bytes | str = exc.smtp_error
        text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
        reason = f"{exc.smtp_code} {text}"
        if exc.smtp_code >= 500:
            return PERMANENT, reason
        if isinstance(exc, MessageRefused) and exc.smtp_code != 421:
            return RECIPIENT_TRANSIENT, reason  # "not this message, not now": the next one may go
        return CONNECTION_TRANSIENT, reason
    if isinstance(exc, AnymailRecipientsRefused):
        return PERMANENT, f"rejected by the provider: {exc}"
    if isinstance(exc, AnymailAPIError):
        status = getattr(exc, "status_code", None)
        transient = status is None or status == 429 or status >= 500
        return (CONNECTION_TRANSIENT if transient else PERMANENT), str(exc)
    if isinstance(exc, AnymailError):
        return PERMANENT, str(exc)
    if isinstance(exc, smtplib.SMTPException | ConnectionError | socket.timeout | OSError):
        return CONNECTION_TRANSIENT, f"{type(exc).__name__}: {exc}"
    return PERMANENT, f"{type(exc).__name__}: {exc}"
