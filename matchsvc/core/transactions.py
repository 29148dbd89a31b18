"""The route owns the transaction: one decorator says so for every route that changes data."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from matchsvc.extensions import db

F = TypeVar("F", bound=Callable[..., Any])


def commit_on_success(view: F) -> F:
    """Commit the session once ``view`` (one service call) has returned; an exception leaves the
    transaction uncommitted and the request's teardown rolls it back.

    Put it directly above ``def``, below the flask-smorest decorators: the result is serialized
    after the commit, as a route that committed by hand would.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = view(*args, **kwargs)
        db.session.commit()
        return result

    return wrapper  # type: ignore[return-value]
