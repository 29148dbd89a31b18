"""The message catalogues: complete in Simplified Chinese, compiled, and in step with the code.

Every text the API can show is a msgid of ``matchsvc/translations``: found by the same
extraction as ``scripts/i18n extract`` (``_()``/``_l()`` calls, literals that reach a problem,
the libraries' messages). When a test here fails, run ``scripts/i18n update``, translate the
new empty msgstrs of ``zh_Hans`` in Simplified Chinese, then ``scripts/i18n compile``.
"""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from matchsvc.core.i18n import framework_messages
from matchsvc.core.i18n_extract import dynamic_texts, problem_literals
from tests.helpers import to_simplified

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "matchsvc" / "translations"
LOCALES = ("zh_Hans", "en")
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w*)[^{}]*\}")


def _catalogue(locale: str):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=locale)


@pytest.fixture(scope="module")
def zh():
    return _catalogue("zh_Hans")


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    """The msgids ``scripts/i18n extract`` would write (same babel.cfg, same keywords)."""
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "N_": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _translated(catalogue) -> dict[str, str]:
    return {m.id if isinstance(m.id, str) else m.id[0]: (m.string if isinstance(m.string, str) else m.string[0])
            for m in catalogue if m.id and m.string and not m.fuzzy}


def _sources() -> list[Path]:
    return sorted(p for p in (ROOT / "matchsvc").rglob("*.py"))


@pytest.mark.parametrize("locale", LOCALES)
def test_mo_files_are_compiled_from_the_current_po(locale):
    compiled = io.BytesIO()
    write_mo(compiled, _catalogue(locale))
    mo = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo"
    assert mo.read_bytes() == compiled.getvalue(), f"{mo} is stale: run scripts/i18n compile"


def test_every_message_of_the_code_has_a_simplified_chinese_translation(zh, extracted):
    missing = sorted(extracted - set(_translated(zh)))
    assert not missing, "no zh_Hans translation (scripts/i18n update, translate, compile): " + repr(missing)


def test_library_messages_are_in_the_catalogue(zh):
    """marshmallow's and werkzeug's English texts (the extraction adds them too)."""
    assert framework_messages(), "no library messages found"
    assert {"Missing data for required field.", "Not a valid integer.", "Unknown field.",
            "Must be greater than or equal to {min} and less than or equal to {max}.",
            "Longer than maximum length {max}.", "Must be one of: {choices}.",
            "Not a valid email address.", "Not a valid date.", "Not Found"} <= set(framework_messages())
    missing = sorted(set(framework_messages()) - set(_translated(zh)))
    assert not missing, missing


def test_problem_literals_are_found_by_the_extraction(extracted):
    """Plain literals given to a DomainError (or in its errors) are msgids, wherever they are."""
    literals = {text for path in _sources() for _line, text in problem_literals(ast.parse(path.read_text()))}
    assert {"No such profile.", "Required before submitting.", "Must be in the future."} <= literals
    assert literals <= extracted


def test_no_dynamic_text_reaches_a_problem_without_gettext():
    """An f-string (or .format, %) given to a DomainError cannot be translated at render time;
    write ``_("... %(name)s ...", name=value)`` instead."""
    found = [f"{path.relative_to(ROOT)}:{line}" for path in _sources()
             for line in dynamic_texts(ast.parse(path.read_text()))]
    assert not found, found


def test_dynamic_text_detection():
    tree = ast.parse('raise NotFound(f"No {x}.")\nerrors["a"] = ["Fine."]\n'
                     'errors.setdefault("b", []).append("Also {0}.".format(1))\n'
                     'raise ValidationFailed("Static.", errors={"c": ["x %s" % y]})\n')
    calls = {"NotFound", "ValidationFailed"}
    assert list(dynamic_texts(tree, calls)) == [1, 3, 4]
    assert sorted(t for _l, t in problem_literals(tree, calls)) == ["Fine.", "Static."]


def test_zh_hans_catalogue_is_simplified_only(zh):
    traditional = {m.id: m.string for m in zh if m.id and to_simplified(str(m.string)) != m.string}
    assert not traditional, f"Traditional characters in zh_Hans: {traditional}"


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_the_placeholders(locale):
    catalogue = _catalogue(locale)
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalogue.check()]
    assert not problems
    for message in catalogue:
        if message.id and message.string:
            names = {a or b for a, b in _PLACEHOLDER.findall(message.id)}
            assert {a or b for a, b in _PLACEHOLDER.findall(message.string)} == names, message.id


def test_no_obsolete_or_fuzzy_entries(zh):
    assert not zh.obsolete
    assert not [m.id for m in zh if m.id and m.fuzzy]


def test_no_traditional_characters_in_the_sources():
    """The service, its pages, demo data and docs write Simplified Chinese (brand: 智慧红娘)."""
    paths = [p for p in (ROOT / "matchsvc").rglob("*") if p.suffix in {".py", ".html", ".txt", ".json", ".po"}
             and "static" not in p.parts]
    paths += [ROOT / "README.md", ROOT / "pyproject.toml"] + sorted((ROOT / "bench").glob("*.py"))
    found = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        simplified = to_simplified(text)
        if simplified != text:
            found[str(path.relative_to(ROOT))] = sorted({a for a, b in zip(text, simplified) if a != b})
    assert not found, found
