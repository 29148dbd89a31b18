"""Unbound extension instances; ``create_app`` binds them. Nothing here imports the app."""

from __future__ import annotations

from flask import Flask, current_app, has_app_context
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from matchsvc.core.models import Base
from matchsvc.errors import ProblemApi



class AppLimiter(Limiter):
    """Flask-Limiter keeps its on/off switch on the instance, so with one module-level limiter the
    last ``create_app`` would switch limits on or off for every app in the process; this one reads
    ``RATELIMIT_ENABLED`` from the config of the app handling the request."""

    @property  # type: ignore[override]
    def enabled(self) -> bool:
        if has_app_context():
            return bool(current_app.config.get("RATELIMIT_ENABLED", self._enabled_default))
        return self._enabled_default

    @enabled.setter
    def enabled(self, value: bool) -> None:
        self._enabled_default = value

    def init_app(self, app: Flask) -> None:
        with app.app_context():  # so ``enabled`` reads this app's config, not the caller's
            super().init_app(app)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
api = ProblemApi()
jwt = JWTManager()
limiter = AppLimiter(key_func=get_remote_address, default_limits=[])
