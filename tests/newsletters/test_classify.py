"""What a refusal means for the row (``sending.classify``): failed for good, retried later
on its own, or the whole batch stopped and retried (the connection is in trouble)."""

from __future__ import annotations

import smtplib

import pytest

from newsletters.sending.classify import (
    CONNECTION_TRANSIENT,
    PERMANENT,
    RECIPIENT_TRANSIENT,
    classify_error,
)
from newsletters.sending.smtp import MessageRefused


@pytest.mark.parametrize(
    ("error", "kind", "reason"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x.example": (550, b"no such user")}), PERMANENT, "550"),
        (smtplib.SMTPRecipientsRefused({"a@x.example": (451, b"greylisted")}), RECIPIENT_TRANSIENT, "451"),
        (smtplib.SMTPRecipientsRefused({"a@x.example": (421, b"closing")}), CONNECTION_TRANSIENT, "421"),
        (MessageRefused(554, b"spam"), PERMANENT, "554 spam"),
        (MessageRefused(451, b"try later"), RECIPIENT_TRANSIENT, "451 try later"),
        (MessageRefused(421, b"closing"), CONNECTION_TRANSIENT, "421 closing"),
        (smtplib.SMTPDataError(451, b"DATA not now"), CONNECTION_TRANSIENT, "451 DATA not now"),
        (smtplib.SMTPSenderRefused(451, b"slow down", "n@city.example"), CONNECTION_TRANSIENT, "451"),
        (smtplib.SMTPServerDisconnected("gone"), CONNECTION_TRANSIENT, "gone"),
        (ConnectionRefusedError("refused"), CONNECTION_TRANSIENT, "refused"),
        (ValueError("newline in address"), PERMANENT, "newline in address"),
    ],
)  # fmt: skip
def test_each_refusal_is_classified(error, kind, reason):
    got_kind, got_reason = classify_error(error)

    assert got_kind == kind
    assert reason in got_reason
