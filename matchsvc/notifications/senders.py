"""Channels beyond the inbox and what goes over the wire: the senders the config turns on, the
document each one gets, the webhook's body and signature.

Nothing here writes rows or decides when to send: `notifications.service.dispatch` hands each new
notification to the senders (an outbox row per external sender, written by
`notifications.outbox`, which delivers it later with retries; the in-memory sender records it at
once). This module depends on neither of them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from typing import Any, ClassVar
from urllib.parse import urlsplit

import requests
from flask import current_app

from matchsvc.notifications.models import Notification, OutboxMessage
from matchsvc.notifications.texts import render

#: Keys that would carry contact details; payloads hold ids only, and these never leave the service.
CONTACT_KEYS = frozenset({"contact", "contacts", "phone", "mobile", "email", "wechat", "qq", "address"})
USER_AGENT = "matchsvc-webhook/1"


class DeliveryError(Exception):
    """A sender could not deliver a message; the text is safe to store (no URL, no secret)."""


class Sender:
    """A channel besides the inbox that talks to the outside world: each notification becomes an
    outbox message (its :func:`document`), and ``deliver(message)`` is called later by the outbox
    job. It raises on failure (the message is then retried with back-off); returning means
    delivered.
    """

    name: ClassVar[str]
    #: False for a sender that records each document at once (``record``) instead of the outbox.
    outboxed: ClassVar[bool] = True

    def record(self, document: dict[str, Any]) -> None:
        raise NotImplementedError

    def deliver(self, message: OutboxMessage) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Release connections held between deliveries."""


class WebhookSender(Sender):
    """POSTs each notification document to the host platform, signed with HMAC-SHA256."""

    name = "webhook"

    def __init__(self, *, url: str, secret: str, timeout: tuple[float, float] = (3.0, 10.0)) -> None:
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self._http: requests.Session | None = None

    def deliver(self, message: OutboxMessage) -> None:
        body = canonical_json(message.payload)
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Matchsvc-Event": str(message.payload.get("kind", "")),
            "X-Matchsvc-Delivery": str(message.id),
            "X-Matchsvc-Timestamp": timestamp,
            "X-Matchsvc-Signature": sign(self.secret, timestamp, body),
        }
        if self._http is None:
            self._http = requests.Session()
        try:
            response = self._http.post(self.url, data=body, headers=headers, timeout=self.timeout,
                                       allow_redirects=False)
        except requests.RequestException as exc:
            raise DeliveryError(self._redact(f"{type(exc).__name__}: {exc}")) from None
        with response:
            if not 200 <= response.status_code < 300:
                raise DeliveryError(f"HTTP {response.status_code} {self._redact(response.reason or '')}".strip())

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def _redact(self, text: str) -> str:
        """Exception texts quote the URL; its path and query may hold a token, so drop them."""
        parts = urlsplit(self.url)
        path_query = parts.path + (f"?{parts.query}" if parts.query else "")
        for secret in sorted({self.url, path_query, parts.path, parts.query, self.secret}, key=len, reverse=True):
            if len(secret) > 1:
                text = text.replace(secret, "<redacted>")
        return text


class MemorySender(Sender):
    """For tests: records the document of every notification it is given, at once (no outbox)."""

    name = "memory"
    outboxed = False

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sent: list[dict[str, Any]] = []

    def record(self, document: dict[str, Any]) -> None:
        with self._lock:
            self._sent.append(document)

    @property
    def sent(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._sent)

    def reset(self) -> None:
        with self._lock:
            self._sent.clear()


#: The one in-memory sender of this process; config ``NOTIFY_MEMORY`` turns it on.
memory = MemorySender()


def configured() -> list[Sender]:
    """The senders this app's config turns on besides the inbox: the webhook when ``WEBHOOK_URL``
    is set, the in-memory one when ``NOTIFY_MEMORY`` is true."""
    config = current_app.config
    chosen: list[Sender] = []
    if config.get("WEBHOOK_URL"):
        chosen.append(WebhookSender(url=config["WEBHOOK_URL"], secret=config["WEBHOOK_SECRET"],
                                    timeout=tuple(config.get("WEBHOOK_TIMEOUT") or (3.0, 10.0))))
    if config.get("NOTIFY_MEMORY"):
        chosen.append(memory)
    return chosen


def document(note: Notification) -> dict[str, Any]:
    """What a sender gets: ids and facts, both texts, never contact details."""
    payload = _without_contacts(note.payload or {})
    return {"id": note.id, "account_id": note.account_id, "kind": note.kind, "payload": payload,
            "text_zh": render(note.kind, payload, "zh"), "text_en": render(note.kind, payload, "en"),
            "created_at": note.created_at.isoformat()}


def _without_contacts(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_contacts(v) for k, v in value.items() if str(k).lower() not in CONTACT_KEYS}
    if isinstance(value, list):
        return [_without_contacts(v) for v in value]
    return value


def canonical_json(document: Any) -> bytes:
    """The webhook body: UTF-8 JSON, keys sorted, no spaces, non-ASCII text as is."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign(secret: str | bytes, timestamp: str | int, body: bytes | str) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of ``f"{timestamp}.{body}"`` with the webhook secret."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return "sha256=" + hmac.new(key, str(timestamp).encode("ascii") + b"." + raw, hashlib.sha256).hexdigest()


def verify_signature(secret: str | bytes, timestamp: str | int, body: bytes | str, signature: str | None, *,
                     tolerance: float | None = None, now: float | None = None) -> bool:
    """Whether ``signature`` (the ``X-Matchsvc-Signature`` header) signs ``timestamp`` and ``body``.

    Constant-time. With ``tolerance`` (seconds), a timestamp further than that from ``now``
    (default: the current time) fails too, which limits replays.
    """
    stamp = str(timestamp)
    if not signature or not (stamp.isascii() and stamp.isdigit()):
        return False
    if tolerance is not None and abs((time.time() if now is None else now) - int(stamp)) > tolerance:
        return False
    expected = sign(secret, stamp, body).encode("ascii")
    return hmac.compare_digest(expected, signature.encode("utf-8"))
