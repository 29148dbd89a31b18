"""Finding the messages of the catalogues (used by ``scripts/i18n extract`` through babel.cfg).

Babel's Python extractor finds ``_()``, ``_l()`` and ``ngettext()`` calls. Problem texts need no
``_()`` at their raise site (the problem renderer translates them), so this extractor also
collects the plain string literals that reach a problem:

- the arguments of a call to a ``DomainError`` class, ``ValidationError``, a werkzeug HTTP
  exception or ``problem_response`` (``errors={...}`` dicts and lists included);
- ``error="..."`` given to any call (marshmallow validators);
- a list of literals stored into ``errors[...]``, or appended to ``errors.setdefault(...)``;
- ``title`` set in the body of a class (the DomainError subclasses' titles);

and, for ``matchsvc/errors.py`` (option ``framework = yes`` in babel.cfg), the library
messages of :func:`matchsvc.core.i18n.framework_messages`.

A dynamic text at those places (an f-string, ``"...".format()``, ``"..." % x``) cannot be a
msgid; :func:`dynamic_texts` finds them so a test can refuse them: use
``_("... %(name)s ...", name=value)`` there instead.
"""

from __future__ import annotations

import ast
import io
from collections.abc import Iterator
from typing import IO, Any

#: Callables whose string arguments end up in a problem body.
PROBLEM_CALLS = frozenset({
    "DomainError", "Unauthorized", "Forbidden", "NotFound", "Conflict", "InvalidTransition",
    "ValidationFailed", "ConsentRequired", "MalformedJSON", "UnsupportedMediaType", "LimitExceeded",
    "ValidationError", "problem_response", "BadRequest", "RequestEntityTooLarge",
    "UnprocessableEntity", "TooManyRequests", "MethodNotAllowed",
})


def _domain_error_names() -> set[str]:
    """Every DomainError subclass the package defines, wherever it lives."""
    from matchsvc import errors

    try:  # importing the routes imports every domain, and so every DomainError subclass
        import matchsvc.routes  # noqa: F401
    except Exception:  # pragma: no cover - extraction still works with the known names
        pass
    names: set[str] = set()
    todo = [errors.DomainError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def _callee(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _is_dynamic(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return _is_text(node.left) or isinstance(node.left, ast.JoinedStr)
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format" and _is_text(node.func.value))


def _texts(node: ast.AST) -> Iterator[ast.AST]:
    """The text-bearing nodes of an argument: itself, or inside dict values and lists
    (never inside another call, whose own rules apply)."""
    if isinstance(node, ast.Dict):
        for value in node.values:
            yield from _texts(value)
    elif isinstance(node, (ast.List, ast.Tuple)):
        for item in node.elts:
            yield from _texts(item)
    elif isinstance(node, ast.IfExp):
        yield from _texts(node.body)
        yield from _texts(node.orelse)
    else:
        yield node


def _is_errors(node: ast.AST) -> bool:
    """``errors``, ``errors[...]`` or ``errors.setdefault(...)``."""
    if isinstance(node, ast.Name):
        return node.id == "errors"
    if isinstance(node, ast.Subscript):
        return _is_errors(node.value)
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "setdefault" and _is_errors(node.func.value))


def _appends_to_errors(node: ast.Call) -> bool:
    return (isinstance(node.func, ast.Attribute) and node.func.attr in {"append", "extend"}
            and _is_errors(node.func.value) and not isinstance(node.func.value, ast.Name))


def _sites(tree: ast.AST, calls: frozenset[str] | set[str]) -> Iterator[ast.AST]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if _callee(node) in calls:
                for arg in node.args:
                    yield from _texts(arg)
                for kw in node.keywords:
                    if kw.arg in (None, "detail", "title", "errors", "message", "description"):
                        yield from _texts(kw.value)
            for kw in node.keywords:
                if kw.arg == "error":
                    yield from _texts(kw.value)
            if _appends_to_errors(node):
                for arg in node.args:
                    yield from _texts(arg)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                        and target.value.id == "errors"):
                    yield from _texts(node.value)
        elif isinstance(node, ast.ClassDef):
            for stmt in node.body:
                if (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
                        and stmt.target.id == "title" and stmt.value is not None):
                    yield stmt.value
                if not isinstance(stmt, ast.Assign):
                    continue
                for target in stmt.targets:
                    if isinstance(target, ast.Name) and target.id == "title":
                        yield stmt.value
                    elif (isinstance(target, ast.Tuple) and isinstance(stmt.value, ast.Tuple)
                          and len(target.elts) == len(stmt.value.elts)):
                        for name, value in zip(target.elts, stmt.value.elts):
                            if isinstance(name, ast.Name) and name.id == "title":
                                yield value


def problem_literals(tree: ast.AST, calls: frozenset[str] | set[str] | None = None) -> Iterator[tuple[int, str]]:
    """(line, text) of every plain literal that reaches a problem body."""
    calls = calls if calls is not None else PROBLEM_CALLS | _domain_error_names()
    for node in _sites(tree, calls):
        if _is_text(node) and node.value.strip():  # type: ignore[attr-defined]
            yield node.lineno, node.value  # type: ignore[attr-defined]


def dynamic_texts(tree: ast.AST, calls: frozenset[str] | set[str] | None = None) -> Iterator[int]:
    """Lines where a dynamic text (no msgid possible) reaches a problem body."""
    calls = calls if calls is not None else PROBLEM_CALLS | _domain_error_names()
    for node in _sites(tree, calls):
        if _is_dynamic(node):
            yield node.lineno


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]) -> Iterator[tuple]:
    """A Babel extraction method: Babel's own Python extractor plus the problem literals."""
    from babel.messages.extract import extract_python

    data = fileobj.read()
    yield from extract_python(io.BytesIO(data), keywords, comment_tags, options)
    for lineno, text in problem_literals(ast.parse(data)):
        yield lineno, None, text, []
    if str(options.get("framework", "")).lower() in {"1", "yes", "true"}:
        from matchsvc.core.i18n import framework_messages

        for text in framework_messages():
            yield 0, None, text, []
