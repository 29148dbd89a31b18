"""Human-readable reasons for a recommended pair (Chinese default, English on request)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchsvc.matching.features import EDUCATION_LEVELS, GOALS, ProfileRow
from matchsvc.matching.reasons import explain, shared_interests


@pytest.fixture(autouse=True)
def _ctx(app) -> Iterator[None]:
    """No database (overrides the suite-wide fixture); an app context for the catalogues."""
    with app.app_context():
        yield


def p(pid: int = 1, **kw) -> ProfileRow:
    base = dict(
        gender=None, age=None, height_cm=None, education=None, occupation=None, city=None, hometown=None,
        goal=None, interests=(), intro=None, seeking_gender=None, age_min=None, age_max=None,
    )
    base.update(kw)
    return ProfileRow(id=pid, **base)


def test_shared_interests_named_strongest_first_at_most_three() -> None:
    me = p(interests=(("阅读", 1), ("徒步", 5), ("电影", 3), ("音乐", 2), ("游戏", 5)))
    you = p(2, interests=(("电影", 5), ("徒步", 4), ("阅读", 1), ("音乐", 2), ("瑜伽", 5)))
    assert shared_interests(me, you) == ["徒步", "电影", "音乐", "阅读"]
    assert explain(me, you) == ["共同爱好：徒步、电影、音乐"]
    assert explain(me, you, "en") == ["shared interests: 徒步, 电影, 音乐"]


def test_interest_tags_match_ignoring_case_and_spaces() -> None:
    assert shared_interests(p(interests=((" Yoga", 2),)), p(2, interests=(("yoga ", 3),))) == ["Yoga"]


@pytest.mark.parametrize(
    ("field", "value", "zh", "en"),
    [
        ("goal", "marriage", "都想以结婚为目标", "you both want marriage"),
        ("goal", "dating", "都想认真谈一段恋爱", "you both want a serious relationship"),
        ("goal", "friendship", "都想先交个朋友", "you both want to make friends first"),
        ("hometown", "宁波", "都是宁波人", "you are both from 宁波"),
        ("city", "杭州", "都在杭州", "you both live in 杭州"),
        ("occupation", "教师", "都是教师", "you both work as 教师"),
        ("education", "master", "学历相当", "you have a similar education"),
    ],
)
def test_each_shared_field_gives_its_reason(field: str, value: str, zh: str, en: str) -> None:
    a, b = p(**{field: value}), p(2, **{field: value})
    assert explain(a, b) == [zh]
    assert explain(a, b, "en") == [en]
    assert explain(a, b, "en-US") == [en]


@pytest.mark.parametrize(("gap", "close"), [(0, True), (3, True), (4, False)])
def test_close_in_age(gap: int, close: bool) -> None:
    assert ("年龄相仿" in explain(p(age=30), p(2, age=30 + gap))) is close


def test_ranked_by_importance_and_limited() -> None:
    a = p(interests=(("阅读", 3),), goal="marriage", hometown="宁波", city="杭州", occupation="教师", age=30, education="master")
    b = p(2, interests=(("阅读", 2),), goal="marriage", hometown="宁波", city="杭州", occupation="教师", age=31, education="master")
    assert explain(a, b) == ["共同爱好：阅读", "都想以结婚为目标", "都是宁波人"]
    assert len(explain(a, b, limit=4)) == 4
    assert explain(a, b, limit=0) == ["共同爱好：阅读"]


def test_generic_reason_when_nothing_is_shared() -> None:
    a = p(goal="marriage", city="杭州", age=25, education="bachelor", interests=(("阅读", 3),))
    b = p(2, goal="friendship", city="北京", age=40, education="doctorate", interests=(("游戏", 3),))
    assert explain(a, b) == ["符合彼此的择偶条件"]
    assert explain(a, b, "en") == ["you fit each other's wishes"]
    assert explain(p(), p(2)) == ["符合彼此的择偶条件"]


def test_blank_values_are_not_shared() -> None:
    assert explain(p(city=" ", hometown=""), p(2, city=" ", hometown="")) == ["符合彼此的择偶条件"]


text = st.one_of(st.none(), st.sampled_from(["", "杭州", "宁波", "教师"]))
row = st.builds(
    p,
    pid=st.integers(1, 100),
    age=st.one_of(st.none(), st.integers(18, 60)),
    education=st.one_of(st.none(), st.sampled_from(EDUCATION_LEVELS)),
    occupation=text,
    city=text,
    hometown=text,
    goal=st.one_of(st.none(), st.sampled_from(GOALS)),
    interests=st.lists(st.tuples(st.sampled_from(["阅读", "徒步", " 电影"]), st.integers(1, 5)), max_size=3).map(tuple),
)


@settings(max_examples=100, deadline=None)
@given(a=row, b=row, lang=st.sampled_from(["zh", "en", None, "fr"]), limit=st.integers(1, 4))
def test_always_between_one_and_limit_non_empty_strings(a: ProfileRow, b: ProfileRow, lang: str | None, limit: int) -> None:
    out = explain(a, b, lang, limit)
    assert 1 <= len(out) <= limit
    assert all(isinstance(r, str) and r for r in out)


def test_what_one_values_and_going_out_in_words_without_numbers() -> None:
    me = p(values=(1, 1, 1, 5, 1, 1), friends_say=(6, 6, 6, 6), going_out=1)
    funny = p(2, friends_say=(5, 5, 9, 5), going_out=0)
    assert explain(me, funny) == ["你看重幽默，朋友们说TA很幽默", "你们都喜欢常出门走走"]
    assert explain(me, funny, "en") == ["you value humour, and their friends say they are very funny",
                                        "you both like to go out often"]
    homebodies = (p(going_out=6), p(2, going_out=5))
    assert explain(*homebodies) == ["你们都喜欢安静地宅在家"]
    # not said: a quality the friends do not rate highly, one who did not answer, or going out unlike
    assert explain(me, p(2, friends_say=(9, 9, 7, 9), going_out=4)) == ["符合彼此的择偶条件"]
    assert explain(p(), funny) == explain(p(), p(2))
