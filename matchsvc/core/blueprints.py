"""The API's blueprints: the class every domain's ``routes.py`` makes its ``blp`` from, and how a
domain package exports that blueprint (lazily, so that its models and services can be imported on
their own without pulling in every route and every other domain the routes use)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import flask
import flask_smorest
import marshmallow as ma
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict


class QueryParser(FlaskParser):
    """Reads a query parameter sent empty as not sent. API.md writes filters as
    ``?status=&org_unit_id=&q=`` and an HTML form's GET sends every field it has, filled or not;
    either way ``?status=`` means "no status filter", not a 422 for a blank enum or number. Only
    the query string is read this way: a JSON body's ``""`` is a value, validated as sent."""

    def load_querystring(self, req: flask.Request, schema: ma.Schema) -> Any:
        sent = MultiDict([(k, v) for k, v in req.args.items(multi=True) if v != ""])
        return self._makeproxy(sent, schema)


class Blueprint(flask_smorest.Blueprint):
    """`flask_smorest.Blueprint` whose ``@blp.arguments(..., location="query")`` read the query
    string with `QueryParser`."""

    ARGUMENTS_PARSER = QueryParser()


def lazy_blueprint(package: str) -> Callable[[str], Any]:
    """A module-level ``__getattr__`` for ``package`` that imports ``<package>.routes`` when
    ``blp`` is first asked for and returns its blueprint."""

    def __getattr__(name: str) -> Any:
        if name == "blp":
            return importlib.import_module(f"{package}.routes").blp
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
