"""Notification bodies."""

from __future__ import annotations

import marshmallow as ma

from matchsvc.core.i18n import lang
from matchsvc.notifications.texts import render


class NotificationSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    payload = ma.fields.Dict()
    text = ma.fields.Function(lambda n: render(n.kind, n.payload, lang()), metadata={"type": "string"})
    created_at = ma.fields.DateTime()
    read_at = ma.fields.DateTime(allow_none=True)


class InboxArgsSchema(ma.Schema):
    unread = ma.fields.Boolean(load_default=False)


class CountSchema(ma.Schema):
    count = ma.fields.Integer()
