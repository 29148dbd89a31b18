"""Chinese by default, English when preferred."""

from __future__ import annotations

import pytest

from matchsvc.core.i18n import lang


@pytest.mark.parametrize("header,expected", [(None, "zh"), ("en", "en"), ("en-US,en;q=0.9", "en"),
                                             ("zh-TW", "zh"), ("zh-CN,en;q=0.5", "zh"), ("en;q=0.5,zh", "zh"),
                                             ("fr", "zh"), ("*", "zh")])
def test_lang(app, header, expected):
    headers = {"Accept-Language": header} if header else {}
    with app.test_request_context(headers=headers):
        assert lang() == expected


def test_lang_outside_a_request():
    assert lang() == "zh"
