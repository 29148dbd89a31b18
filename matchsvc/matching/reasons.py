"""Why a profile is recommended: short reasons a member understands (pure function).

`explain(viewer, candidate, lang)` compares two `ProfileRow`s and returns at most `limit` sentences,
most important first, in Chinese by default or in English with ``lang="en"``. Whenever anything
is shared the list is not empty; when nothing is, it holds the generic reason that the two fit
each other's wishes (which the hard filters guarantee for every recommendation).
"""

from __future__ import annotations

from collections.abc import Callable

from .features import EDUCATION_RANK, ProfileRow

#: the largest age gap (years) still called "close in age"
CLOSE_AGE_YEARS = 3
#: the most interest tags named in one reason
MAX_TAGS = 3

_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "interests": "共同愛好：{tags}",
        "tag_sep": "、",
        "hometown": "都是{hometown}人",
        "city": "都在{city}",
        "goal_marriage": "都想以結婚為目標",
        "goal_dating": "都想認真談一段戀愛",
        "goal_friendship": "都想先交個朋友",
        "occupation": "都是{occupation}",
        "age": "年齡相仿",
        "education": "學歷相當",
        "fallback": "符合彼此的擇偶條件",
    },
    "en": {
        "interests": "shared interests: {tags}",
        "tag_sep": ", ",
        "hometown": "you are both from {hometown}",
        "city": "you both live in {city}",
        "goal_marriage": "you both want marriage",
        "goal_dating": "you both want a serious relationship",
        "goal_friendship": "you both want to make friends first",
        "occupation": "you both work as {occupation}",
        "age": "you are close in age",
        "education": "you have a similar education",
        "fallback": "you fit each other's wishes",
    },
}


def _same(a: str | None, b: str | None) -> bool:
    return bool(a and b and a.strip() and a.strip().lower() == b.strip().lower())


def shared_interests(viewer: ProfileRow, candidate: ProfileRow) -> list[str]:
    """Tags both listed (as the viewer spells them), strongest for the two of them first."""
    theirs = {tag.strip().lower(): weight for tag, weight in candidate.interests if tag.strip()}
    shared = []
    for order, (tag, weight) in enumerate(viewer.interests):
        key = tag.strip().lower()
        if key in theirs:
            shared.append((-(weight + theirs.pop(key)), order, tag.strip()))
    return [tag for *_, tag in sorted(shared)]


def _interests(v: ProfileRow, c: ProfileRow, t: dict[str, str]) -> str | None:
    tags = shared_interests(v, c)[:MAX_TAGS]
    return t["interests"].format(tags=t["tag_sep"].join(tags)) if tags else None


def _hometown(v: ProfileRow, c: ProfileRow, t: dict[str, str]) -> str | None:
    return t["hometown"].format(hometown=v.hometown.strip()) if _same(v.hometown, c.hometown) else None


def _city(v: ProfileRow, c: ProfileRow, t: dict[str, str]) -> str | None:
    return t["city"].format(city=v.city.strip()) if _same(v.city, c.city) else None


def _goal(v: ProfileRow, c: ProfileRow, t: dict[str, str]) -> str | None:
    return t.get(f"goal_{v.goal}") if _same(v.goal, c.goal) else None


def _occupation(v: ProfileRow, c: ProfileRow, t: dict[str, str]) -> str | None:
    return t["occupation"].format(occupation=v.occupation.strip()) if _same(v.occupation, c.occupation) else None


def _age(v: ProfileRow, c: ProfileRow, t: dict[str, str]) -> str | None:
    if v.age is None or c.age is None:
        return None
    return t["age"] if abs(v.age - c.age) <= CLOSE_AGE_YEARS else None


def _education(v: ProfileRow, c: ProfileRow, t: dict[str, str]) -> str | None:
    rank_v, rank_c = EDUCATION_RANK.get(v.education or ""), EDUCATION_RANK.get(c.education or "")
    return t["education"] if rank_v is not None and rank_v == rank_c else None


#: reason makers, most important first
_RULES: tuple[Callable[[ProfileRow, ProfileRow, dict[str, str]], str | None], ...] = (
    _interests,
    _goal,
    _hometown,
    _city,
    _occupation,
    _age,
    _education,
)


def explain(viewer: ProfileRow, candidate: ProfileRow, lang: str | None = "zh", limit: int = 3) -> list[str]:
    """Up to `limit` reasons why `candidate` suits `viewer`, most important first.

    `lang` is a language tag: English for "en…" ("en", "en-US"), Chinese otherwise.
    """
    text = _TEXT["en" if (lang or "").lower().startswith("en") else "zh"]
    found = [r for rule in _RULES if (r := rule(viewer, candidate, text))]
    return found[: max(limit, 1)] if found else [text["fallback"]]
