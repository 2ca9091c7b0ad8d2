"""Messages over an open ``smtplib`` connection, in as few round trips as the server allows.

``smtplib.SMTP.sendmail`` waits for the reply to MAIL, then to RCPT, then to DATA, then to the
message: four round trips per message. A server that advertises PIPELINING (RFC 2920; Postfix,
Exim and the providers' SMTP relays do) takes the whole envelope in one write, and "the actual
transfer of message content is explicitly allowed to be the first 'command' in a group": so
:class:`Outbox` sends one message's content and final "." in the same write as the next
message's envelope, and a message costs one write and one round trip. Over a provider's relay,
tens of milliseconds away, that is a quarter of ``sendmail``'s time per message. :func:`send`
is the one-message form (two round trips with PIPELINING, four without).

``before_end`` runs before a message's final "." line is sent, without which the server cannot
accept it: the sender collects the previous message's "sent" mark there, so that mark is
committed before this message can be accepted (DESIGN.md: at most one message per worker is ever
accepted and not yet recorded), while the server is already reading this one.

Refusals are ``smtplib``'s own exceptions, as ``sendmail`` raises them (a message refused at its
end is a :class:`MessageRefused`, a kind of ``SMTPDataError``): :func:`send` raises them after a
RSET that leaves the connection ready for the next message; :class:`Outbox` returns them.
"""

from __future__ import annotations

import contextlib
import functools
import re
import smtplib
import socket
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

_LEADING_PERIOD = re.compile(rb"^\.", re.MULTILINE)
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+")
CRLF = b"\r\n"


class MessageRefused(smtplib.SMTPDataError):
    """The server refused a message in its reply to the final "." line: a verdict on this
    message (a 4xx other than 421 means "not now"), the connection goes on."""


def _nothing() -> None:
    return None


def _command(verb: str, argument: str) -> str:
    line = f"{verb} {argument}"
    if "\r" in line or "\n" in line:  # as smtplib.putcmd: no command injection through an address
        raise ValueError(f"command and arguments contain prohibited newline characters: {line!r}")
    return line + "\r\n"


def _payload(data: bytes) -> bytes:
    """The message as DATA sends it, leading periods doubled, before the final line "."."""
    if data.startswith(b".") or b"\n." in data:  # rare: a search is cheaper than the regex
        data = _LEADING_PERIOD.sub(b"..", data)
    return data if data.endswith(CRLF) else data + CRLF


def _quoted(address: str) -> str:
    """``<address>``, as smtplib.quoteaddr gives it, without parsing a plain address. An address
    with a line break is refused (quoteaddr would quietly keep what precedes it)."""
    if "\r" in address or "\n" in address:
        raise ValueError(f"an address contains prohibited newline characters: {address!r}")
    if _PLAIN_ADDRESS.fullmatch(address):
        return f"<{address}>"
    return smtplib.quoteaddr(address)


_quoted_sender = functools.lru_cache(maxsize=16)(_quoted)  # one sender, many messages


def pipelines(smtp: smtplib.SMTP) -> bool:
    """Whether the server takes a pipelined envelope (says hello first if need be)."""
    smtp.ehlo_or_helo_if_needed()
    return bool(smtp.does_esmtp and smtp.has_extn("pipelining"))


def _no_delay(smtp: smtplib.SMTP) -> None:
    """The final "." goes out as its own small write after the message: without TCP_NODELAY,
    Nagle's algorithm would hold it until the server's delayed ACK (~40 ms per message)."""
    sock = smtp.sock
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def send(
    smtp: smtplib.SMTP,
    *,
    sender: str,
    recipient: str,
    data: bytes,
    before_end: Callable[[], None] = _nothing,
) -> None:
    """Send ``data`` (a whole message, CRLF line ends) from ``sender`` to one ``recipient``."""
    pipelined = pipelines(smtp)
    _no_delay(smtp)
    options = f" size={len(data)}" if smtp.has_extn("size") else ""
    mail = _command("mail", f"FROM:{_quoted_sender(sender)}{options}")
    rcpt = _command("rcpt", f"TO:{_quoted(recipient)}")
    if pipelined:
        smtp.send(mail + rcpt + "data\r\n")
        _pipelined_envelope_replies(smtp, sender, recipient)
    else:
        smtp.send(mail)
        _check_sender(smtp, sender, smtp.getreply())
        smtp.send(rcpt)
        _check_recipient(smtp, recipient, smtp.getreply())
        smtp.send("data\r\n")
        _check_data(smtp, smtp.getreply())
    smtp.send(_payload(data))
    _guarded(smtp, before_end)
    smtp.send(b"." + CRLF)
    code, text = smtp.getreply()
    if code != 250:
        _abandon(smtp, code)
        raise MessageRefused(code, text)


def _pipelined_envelope_replies(smtp: smtplib.SMTP, sender: str, recipient: str) -> None:
    """Read the replies to MAIL, RCPT and DATA, and raise for the first refusal (RFC 2920)."""
    replies: list[tuple[int, bytes]] = []
    try:
        while len(replies) < 3:
            replies.append(smtp.getreply())
    except smtplib.SMTPServerDisconnected:
        if not replies or replies[-1][0] in (250, 251):
            raise
        # A refusal, then the server hung up: the refusal (checked below) says why.
    envelope_refused = replies[0][0] != 250 or replies[1][0] not in (250, 251)
    if envelope_refused and len(replies) == 3 and replies[2][0] == 354:
        # DATA opened although the envelope was refused: end it, empty, as RFC 2920 says.
        smtp.send(b"." + CRLF)
        smtp.getreply()
    _check_sender(smtp, sender, replies[0])
    _check_recipient(smtp, recipient, replies[1])
    _check_data(smtp, replies[2])


def _guarded(smtp: smtplib.SMTP, before_end: Callable[[], None]) -> None:
    """Run ``before_end``; if it fails, drop the connection: the server discards a message
    whose final "." never came, so nothing half-sent is ever delivered."""
    try:
        before_end()
    except BaseException:
        smtp.close()
        raise


def _abandon(smtp: smtplib.SMTP, code: int) -> None:
    """After a refusal, as ``sendmail`` does: RSET for the next message, or close on 421."""
    if code == 421:
        smtp.close()
        return
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        smtp.rset()


def _check_data(smtp: smtplib.SMTP, reply: tuple[int, bytes], *, expected: int = 354) -> None:
    if reply[0] != expected:
        _abandon(smtp, reply[0])
        raise smtplib.SMTPDataError(*reply)


def _check_sender(smtp: smtplib.SMTP, sender: str, reply: tuple[int, bytes]) -> None:
    if reply[0] != 250:
        _abandon(smtp, reply[0])
        raise smtplib.SMTPSenderRefused(reply[0], reply[1], sender)


def _check_recipient(smtp: smtplib.SMTP, recipient: str, reply: tuple[int, bytes]) -> None:
    if reply[0] not in (250, 251):
        _abandon(smtp, reply[0])
        raise smtplib.SMTPRecipientsRefused({recipient: reply})


Tag = TypeVar("Tag")


class Outbox(Generic[Tag]):
    """Messages pipelined over one connection to a server that advertises PIPELINING.

    :meth:`put` sends the previous message's content and final "." together with this message's
    envelope, reads the server's verdict on the previous message and its replies to this envelope;
    :meth:`flush` ends the last message. Each message carries a ``tag`` of the caller's:

    * ``on_accepted(tag)`` is called as soon as the server accepted a message (before the next
      envelope's replies are read), so its "sent" mark goes out at once;
    * a refusal is *returned*, as ``(tag, exception)``, in the order the messages were put: of
      the previous message at its end, of this one's envelope. When the server hangs up or
      answers 421 to an envelope, that is this message's refusal, and the connection is closed;
    * anything else that leaves the connection unusable (a failed write, a hang-up or a 421 at
      the end of a message, an error from a callback) closes it and is *raised*: every message
      put and not yet reported was not accepted.

    At most one message is open (its envelope accepted, its content not yet sent); ``before_end``
    runs before its final line goes out, as for :func:`send`.
    """

    def __init__(
        self,
        smtp: smtplib.SMTP,
        *,
        on_accepted: Callable[[Tag], None],
        before_end: Callable[[], None] = _nothing,
    ) -> None:
        if not pipelines(smtp):
            raise ValueError("the server does not advertise PIPELINING")
        _no_delay(smtp)
        self._smtp = smtp
        self._size = smtp.has_extn("size")
        self._on_accepted = on_accepted
        self._before_end = before_end
        self._open: tuple[Tag, bytes] | None = None  # (tag, content as DATA sends it)

    @property
    def idle(self) -> bool:
        """No message is open: the connection can be used for anything else."""
        return self._open is None

    def put(
        self, tag: Tag, *, sender: str, recipient: str, data: bytes
    ) -> list[tuple[Tag, Exception]]:
        """Send a message to one ``recipient``; returns the refusals this round trip brought."""
        try:
            options = f" size={len(data)}" if self._size else ""
            envelope = (
                _command("mail", f"FROM:{_quoted_sender(sender)}{options}")
                + _command("rcpt", f"TO:{_quoted(recipient)}")
                + "data\r\n"
            ).encode("ascii")
        except (ValueError, UnicodeEncodeError) as exc:  # nothing was written
            return [(tag, exc)]
        with self._closing_on_error():
            refused = self._end_open(then=envelope)
            try:
                _pipelined_envelope_replies(self._smtp, sender, recipient)
            except smtplib.SMTPException as exc:  # after a 421 or a hang-up, the socket is closed
                refused.append((tag, exc))
            else:
                self._open = (tag, _payload(data))
        return refused

    def flush(self) -> list[tuple[Tag, Exception]]:
        """End the open message, if any; returns its refusal, if it was refused."""
        with self._closing_on_error():
            return self._end_open(then=b"")

    def abort(self) -> None:
        """Give up the open message: drop the connection before its final line (the server
        discards a message that never ended), so that nothing half-sent is ever delivered."""
        if self._open is not None:
            self._open = None
            self._smtp.close()

    def _end_open(self, *, then: bytes) -> list[tuple[Tag, Exception]]:
        """Write the open message's content and final line, then ``then``; read its verdict."""
        if self._open is None:
            if then:
                self._smtp.send(then)
            return []
        self._before_end()
        tag, content = self._open
        self._open = None
        self._smtp.send(content + b"." + CRLF + then)
        code, text = self._smtp.getreply()
        if code == 250:
            self._on_accepted(tag)
            return []
        if code == 421:
            raise MessageRefused(code, text)  # the connection is closed by _closing_on_error
        # The end of the data clears the server's transaction whatever the verdict (RFC 5321,
        # 4.1.1.4): the envelope that follows needs no RSET.
        return [(tag, MessageRefused(code, text))]

    @contextlib.contextmanager
    def _closing_on_error(self) -> Iterator[None]:
        try:
            yield
        except BaseException:
            self._open = None
            self._smtp.close()
            raise
