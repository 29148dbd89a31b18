"""Mount every domain's blueprint under /api/v1."""

from __future__ import annotations

from flask import Flask

from matchsvc.errors import ProblemApi

PREFIX = "/api/v1"


def register(app: Flask, api: ProblemApi) -> None:
    from matchsvc import accounts, events, interactions, matching, notifications, orgs, photos, profiles, reviews, stats
    from matchsvc.core import health

    for module in (accounts, orgs, profiles, photos, reviews, interactions, matching, notifications, events, stats):
        api.register_blueprint(module.blp, url_prefix=PREFIX)
    app.register_blueprint(health.blp)
