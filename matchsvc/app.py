"""The application factory behind :func:`matchsvc.create_app`."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any, Mapping

from flask import Flask, Response, current_app, g, request
from werkzeug.routing import IntegerConverter

from matchsvc import config as cfg
from matchsvc.core.i18n import _
from matchsvc.core.schemas import MAX_ID, surrogate_path
from matchsvc.errors import (MalformedJSON, UnsupportedMediaType, ValidationFailed, handle_unexpected,
                             problem_response)
from matchsvc.extensions import api, db, jwt, limiter, migrate

API_PREFIX = "/api/"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class IdConverter(IntegerConverter):
    """``<int:...>`` that only matches ids an INTEGER column can hold, so a huge id is a 404
    rather than a database overflow error."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def build_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask("matchsvc", instance_relative_config=True, static_folder=None)
    app.config.update(cfg.DEFAULTS)
    app.config.update(cfg.from_environment(app.instance_path))
    if config:
        app.config.update(config)
        if "SQLALCHEMY_DATABASE_URI" in config:
            app.config["SQLALCHEMY_DATABASE_URI"] = cfg.normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    if app.config.get("WEBHOOK_URL") and not app.config.get("WEBHOOK_SECRET"):
        raise RuntimeError("WEBHOOK_URL is set but WEBHOOK_SECRET is not: the host platform could not "
                           "check the signatures. Set WEBHOOK_SECRET (not the SECRET_KEY).")
    from matchsvc.core.clock import zone

    try:
        zone(app.config["TIMEZONE"])
    except ValueError as exc:
        raise RuntimeError(str(exc)) from None
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.url_map.converters["int"] = IdConverter
    from matchsvc.core import logs, security

    logs.configure()
    from matchsvc.core import outage

    outage.quiet_driver_logs()
    security.init_app(app)  # refuses a short SECRET_KEY before anything is signed with it

    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=int(app.config["BLAS_THREADS"]))
    _init_database(app)
    outage.release_sessions_quietly(app, db)  # after db.init_app: its teardown runs first
    migrate.init_app(app, db, directory=_migrations_dir())
    jwt.init_app(app)
    _init_jwt_errors()
    from matchsvc.core import metrics

    metrics.init_app(app)  # first, so it times even the requests refused by the hooks below
    app.before_request(_refuse_malformed_json)  # before the limiter, whose key function reads the body
    limiter.init_app(app)
    from matchsvc.core import i18n

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).resolve().parent / "translations"))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "zh_Hans")
    i18n.babel.init_app(app, locale_selector=i18n.locale)
    i18n.init_app(app)
    api.init_app(app)
    app.extensions["matchsvc.api"] = api
    app.register_error_handler(Exception, handle_unexpected)

    from matchsvc import routes

    routes.register(app, api)

    from matchsvc import web

    web.register(app)

    from matchsvc import cli

    cli.register(app)

    from matchsvc.notifications import outbox, receivers

    receivers.connect()
    outbox.register_listeners()

    from matchsvc.matching import service as matching

    matching.connect()

    @app.before_request
    def _request_id() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if response.mimetype == "application/json":
            response.headers["Content-Type"] = "application/json; charset=utf-8"
        return response

    return app


def _refuse_malformed_json() -> None:
    """One 400 problem for any JSON body the parsers would choke on: malformed, or nested deeper
    than Python's recursion limit (which the json module answers with RecursionError, a 500); a
    422 for a lone surrogate anywhere in it, even in a key (it cannot be encoded back); and
    a 415 for a body sent as anything but JSON, which the parsers would silently take for no
    fields at all (an edit would "succeed" and change nothing). A route whose view (function or
    view class) says ``accepts_multipart`` takes multipart bodies, and its ``max_content_length``
    replaces the global MAX_CONTENT_LENGTH (256 KB) for that route alone (photo uploads: 8 MB)."""
    view_func = current_app.view_functions.get(request.endpoint or "")
    view = getattr(view_func, "view_class", view_func)
    if getattr(view, "max_content_length", None):
        request.max_content_length = view.max_content_length
    if not request.path.startswith(API_PREFIX):  # the web pages post forms
        return
    if not request.is_json:
        if request.mimetype == "multipart/form-data" and getattr(view, "accepts_multipart", False):
            return
        if request.method in {"POST", "PUT", "PATCH"} and request.content_length:
            raise UnsupportedMediaType("Send the body as JSON, with Content-Type: application/json.")
        return
    data = request.get_data(cache=True)
    if not data:
        return
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):
        raise MalformedJSON("The request body is not valid JSON.") from None
    where = surrogate_path(parsed)
    if where is not None:
        raise ValidationFailed(_("The request did not validate; see errors."),
                               errors={where: [_("Not valid Unicode text (it holds a lone surrogate).")]})


def _migrations_dir() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parent.parent / "migrations")


def _init_database(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    #: SQL errors (logged with their statement) never carry the values: passwords, contacts...
    options.setdefault("hide_parameters", True)
    busy = float(app.config.get("SQLITE_BUSY_TIMEOUT", 30))
    if uri.startswith("sqlite"):
        from pathlib import Path

        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        options.setdefault("connect_args", {"timeout": busy})
    elif uri.startswith("postgresql"):
        #: A server that does not answer is an outage (503) after this long, not a hung worker.
        options.setdefault("connect_args", {"connect_timeout": int(app.config.get("DATABASE_CONNECT_TIMEOUT", 5))})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    if uri.startswith("sqlite"):
        import sqlalchemy as sa

        with app.app_context():
            engine = db.engine

            @sa.event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn: Any, _record: Any) -> None:
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute(f"PRAGMA busy_timeout={int(busy * 1000)}")
                cur.close()


def _init_jwt_errors() -> None:
    """flask-jwt-extended answers with its own JSON; make every auth failure a 401 problem."""

    def unauthorized(detail: str) -> Response:
        return problem_response(401, title="Unauthorized", detail=detail, code="unauthorized",
                                headers={"WWW-Authenticate": "Bearer"})

    jwt.unauthorized_loader(lambda reason: unauthorized(_("A bearer token is required.")))
    jwt.invalid_token_loader(lambda reason: unauthorized(_("The bearer token is invalid.")))
    jwt.expired_token_loader(lambda header, payload: unauthorized(_("The bearer token has expired.")))
    jwt.revoked_token_loader(lambda header, payload: unauthorized(_("The bearer token was revoked.")))
    jwt.needs_fresh_token_loader(lambda header, payload: unauthorized(_("A fresh token is required.")))
    jwt.user_lookup_error_loader(lambda header, payload: unauthorized(
        _("The account is disabled or no longer exists.")))
    jwt.token_verification_failed_loader(lambda header, payload: unauthorized(_("The bearer token is invalid.")))

    @jwt.token_in_blocklist_loader
    def _revoked(_header: dict[str, Any], payload: dict[str, Any]) -> bool:
        from matchsvc.accounts import service as accounts

        jti = payload.get("jti")
        return accounts.is_revoked(jti if isinstance(jti, str) else None)

    @jwt.user_lookup_loader
    def _load(_header: dict[str, Any], payload: dict[str, Any]) -> Any:
        """The token's account; None (a 401) for an unknown or disabled one."""
        from matchsvc.accounts.models import Account

        try:
            account_id = int(payload["sub"])
        except (KeyError, TypeError, ValueError):
            return None
        if not 0 < account_id <= MAX_ID:
            return None
        account = db.session.get(Account, account_id)
        return account if account is not None and account.disabled_at is None else None
