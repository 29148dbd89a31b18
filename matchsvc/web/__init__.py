"""The web edge: server-rendered pages for people, beside the JSON API and over the same services.

One module per area (``auth``, ``member``, ``review``, ``organize``, ``admin``), each with its
own blueprint made by :func:`matchsvc.web.core.make_blueprint`; templates under ``templates/``
(``base.html`` and ``macros.html``, then one folder per area), the stylesheet and the vendored
script libraries under ``static/``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from matchsvc.web import csp, labels
from matchsvc.web.dates import localdate, localtime
from matchsvc.web.core import WEB_BLUEPRINTS, csrf, current_account, unrouted_error_page

#: Templates and static files of every area; its static files are served at /static/.
assets = Blueprint("web", __name__, template_folder="templates", static_folder="static",
                   static_url_path="/static")


def register(app: Flask) -> None:
    """Mount the pages, CSRF, the CSP header, template helpers and the offline API docs."""
    from matchsvc.web import admin, auth, member, organize, review

    csrf.init_app(app)
    app.register_blueprint(assets)
    for module in (auth, member, review, organize, admin):
        app.register_blueprint(module.bp)
    app.after_request(csp.apply)
    app.register_error_handler(HTTPException, _http_error)
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["localdate"] = localdate
    app.jinja_env.globals["labels"] = labels
    app.context_processor(_template_context)
    if "api-docs.openapi_swagger_ui" in app.view_functions:
        app.view_functions["api-docs.openapi_swagger_ui"] = api_docs


def _http_error(error: HTTPException) -> Any:
    """An HTTP error outside the pages' blueprints: a page for a browser's navigation, else the
    API's problem+json (replaces the handler the API registered; see core.unrouted_error_page)."""
    page = unrouted_error_page(error)
    if page is not None:
        return page
    return current_app.extensions["matchsvc.api"].handle_http_exception(error)


def is_web_request(blueprint: str | None) -> bool:
    return blueprint in WEB_BLUEPRINTS


def _template_context() -> dict[str, Any]:
    from matchsvc.core.i18n import lang

    from matchsvc.web import nav

    account = current_account()
    return {
        "me": account,
        "nav_links": nav.header_links(account),
        "notifications_endpoint": "web_member.notifications"
        if account is not None and "web_member.notifications" in current_app.view_functions else None,
        "lang": lang(),
        "html_lang": "en" if lang() == "en" else "zh-Hans",
        "unread_count": _unread_count(account),
        "here": _here(),
    }


def _here() -> str:
    """Where the language switch returns to: this page; for a page answering a POST (a refused
    form at /profile/submit, a one-time password at /admin/accounts/…/reset-password), the page
    the form was sent from, since a GET of the POST's address is a 405."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("web_auth.home")


def _unread_count(account: Any) -> int:
    if account is None:
        return 0
    from matchsvc.notifications import service as notifications

    return notifications.unread_count(actor=account)["count"]


def api_docs() -> Any:
    """The browsable API docs, with Swagger UI served from the package (works offline)."""
    from flask import make_response

    response = make_response(render_template(
        "api_docs.html", spec_url=url_for("api-docs.openapi_json"),
        swagger_ui_url=current_app.config["OPENAPI_SWAGGER_UI_URL"]))
    response.headers["Content-Security-Policy"] = csp.DOCS_HEADER
    return response
