"""A real webhook receiver on 127.0.0.1 and the in-memory sender, for the notification tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask import Flask

from matchsvc.notifications import senders
from matchsvc.notifications.senders import verify_signature

from tests import factories

SECRET = "whsec-test-6f1d2c"

if senders.memory.reset not in factories.RESETS:
    factories.RESETS.append(senders.memory.reset)


@dataclass
class Hit:
    """One POST as the receiver saw it."""

    headers: dict[str, str]
    body: bytes
    signed: bool
    status: int

    @property
    def delivery(self) -> str:
        return self.headers["X-Matchsvc-Delivery"]


class Receiver:
    """The host platform's endpoint: checks the signature, de-duplicates on the delivery id, and
    answers ``status`` (500 while "broken"). ``stop()`` closes the port; ``start()`` reopens it."""

    def __init__(self, secret: str = SECRET) -> None:
        self.secret = secret
        self.status = 200
        #: Seconds to wait before answering (a slow receiver).
        self.delay = 0.0
        #: Process the delivery but answer 500 anyway (the acknowledgement is lost).
        self.lose_ack = False
        self.hits: list[Hit] = []
        #: delivery id -> body, each processed once however often it arrives.
        self.processed: dict[str, bytes] = {}
        self.port = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/matchsvc"

    def start(self) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        server.daemon_threads = False  # server_close() joins the request threads
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="webhook-receiver")
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        assert self._thread is not None
        self._thread.join()
        self._server = self._thread = None

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        if self.delay:
            time.sleep(self.delay)
        signed = verify_signature(self.secret, headers.get("X-Matchsvc-Timestamp", ""), body,
                                  headers.get("X-Matchsvc-Signature"), tolerance=300)
        with self._lock:
            status = self.status if signed else 401
            if signed and (200 <= status < 300 or self.lose_ack):
                self.processed.setdefault(headers["X-Matchsvc-Delivery"], body)
            if self.lose_ack:
                status = 500
            self.hits.append(Hit(headers=headers, body=body, signed=signed, status=status))
        return status

    def accepted(self) -> list[Hit]:
        return [h for h in self.hits if 200 <= h.status < 300]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = receiver.handle(dict(self.headers.items()), body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A running receiver (stopped after the test)."""
    r = Receiver()
    r.start()
    yield r
    r.stop()


@pytest.fixture
def webhook(app: Flask, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> Receiver:
    """The webhook sender configured to post to ``receiver``; no background delivery."""
    monkeypatch.setitem(app.config, "WEBHOOK_URL", receiver.url)
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", SECRET)
    monkeypatch.setitem(app.config, "WEBHOOK_INLINE", False)
    return receiver


@pytest.fixture
def memory(app: Flask, monkeypatch: pytest.MonkeyPatch) -> senders.MemorySender:
    """The in-memory sender, turned on; it is emptied after every test (factories.RESETS)."""
    monkeypatch.setitem(app.config, "NOTIFY_MEMORY", True)
    return senders.memory
