"""Why a profile is recommended: short reasons a member understands (pure function).

`explain(viewer, candidate, lang)` compares two `ProfileRow`s and returns at most `limit` sentences,
most important first, in the caller's language (gettext: Simplified Chinese by default, English
on request), or in ``lang`` when given. Whenever anything is shared the list is not empty; when
nothing is, it holds the generic reason that the two fit each other's wishes (which the hard
filters guarantee for every recommendation).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext

from matchsvc.core.i18n import _, _l, in_language

from .features import EDUCATION_RANK, ProfileRow

#: the largest age gap (years) still called "close in age"
CLOSE_AGE_YEARS = 3
#: the most interest tags named in one reason
MAX_TAGS = 3

_GOALS = {
    "marriage": _l("you both want marriage"),
    "dating": _l("you both want a serious relationship"),
    "friendship": _l("you both want to make friends first"),
}


#: "B fits what A values", per quality in `PoolArrays.wants` order (sincere, intelligent,
#: humorous, ambitious): said when A values the quality most of the four (at least
#: `VALUED_AT_LEAST` of 10) and B's friends rate B on it at least `FRIENDS_SAY_AT_LEAST`
_FITS = (
    _l("you value sincerity, and their friends say they are very sincere"),
    _l("you value intelligence, and their friends say they are very smart"),
    _l("you value humour, and their friends say they are very funny"),
    _l("you value ambition, and their friends say they are very driven"),
)
VALUED_AT_LEAST = 2
FRIENDS_SAY_AT_LEAST = 8
#: going-out steps (0 several times a week .. 6 almost never) called "often" and "rarely"
OFTEN, RARELY = 2, 5


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
    return [tag for *_rest, tag in sorted(shared)]


def tag_list(tags: list[str]) -> str:
    """Tags joined as a list of the caller's language ("a、b" in Chinese, "a, b" in English)."""
    return _(", ").join(tags)


def _interests(v: ProfileRow, c: ProfileRow) -> str | None:
    tags = shared_interests(v, c)[:MAX_TAGS]
    return _("shared interests: %(tags)s", tags=tag_list(tags)) if tags else None


def _hometown(v: ProfileRow, c: ProfileRow) -> str | None:
    return _("you are both from %(hometown)s", hometown=v.hometown.strip()) if _same(v.hometown, c.hometown) else None


def _city(v: ProfileRow, c: ProfileRow) -> str | None:
    return _("you both live in %(city)s", city=v.city.strip()) if _same(v.city, c.city) else None


def _goal(v: ProfileRow, c: ProfileRow) -> str | None:
    text = _GOALS.get(v.goal or "") if _same(v.goal, c.goal) else None
    return str(text) if text is not None else None


def _occupation(v: ProfileRow, c: ProfileRow) -> str | None:
    if not _same(v.occupation, c.occupation):
        return None
    return _("you both work as %(occupation)s", occupation=v.occupation.strip())


def _age(v: ProfileRow, c: ProfileRow) -> str | None:
    if v.age is None or c.age is None:
        return None
    return _("you are close in age") if abs(v.age - c.age) <= CLOSE_AGE_YEARS else None


def _education(v: ProfileRow, c: ProfileRow) -> str | None:
    rank_v, rank_c = EDUCATION_RANK.get(v.education or ""), EDUCATION_RANK.get(c.education or "")
    return _("you have a similar education") if rank_v is not None and rank_v == rank_c else None


def _fits_values(v: ProfileRow, c: ProfileRow) -> str | None:
    if v.values is None or c.friends_say is None:
        return None
    wants = v.values[1:5]
    best = max(range(4), key=lambda q: wants[q])
    if wants[best] < VALUED_AT_LEAST or c.friends_say[best] < FRIENDS_SAY_AT_LEAST:
        return None
    return str(_FITS[best])


def _going_out(v: ProfileRow, c: ProfileRow) -> str | None:
    if v.going_out is None or c.going_out is None:
        return None
    if v.going_out <= OFTEN and c.going_out <= OFTEN:
        return _("you both like to go out often")
    if v.going_out >= RARELY and c.going_out >= RARELY:
        return _("you both enjoy quiet time at home")
    return None


#: reason makers, most important first
_RULES: tuple[Callable[[ProfileRow, ProfileRow], str | None], ...] = (
    _interests,
    _fits_values,
    _goal,
    _going_out,
    _hometown,
    _city,
    _occupation,
    _age,
    _education,
)


def explain(viewer: ProfileRow, candidate: ProfileRow, lang: str | None = None, limit: int = 3) -> list[str]:
    """Up to `limit` reasons why `candidate` suits `viewer`, most important first.

    `lang` is a language tag: English for "en…" ("en", "en-US"), Simplified Chinese for any
    other; None (the default) is the caller's language.
    """
    language = None if lang is None else ("en" if lang.lower().startswith("en") else "zh")
    with in_language(language) if language else nullcontext():
        found = [r for rule in _RULES if (r := rule(viewer, candidate))]
        return found[: max(limit, 1)] if found else [_("you fit each other's wishes")]
