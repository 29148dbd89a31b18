"""The matching domain's speed-ups, behind one door.

Each function here does what a plain ORM or marshmallow version would do, faster, on a path that
runs per request or over the whole pool; `tests/matching/test_fast.py` keeps each equal to its
plain version:

* `max_ids`: one prebuilt statement for the index's freshness check (every request);
* `iter_pool_records`: the matchable profiles as plain records, by plain SQL, streamed (a
  100,000-row build spent most of its time in the ORM's per-value processing);
* `load_visible`: the public columns of a few profiles, by a prebuilt Core statement;
* `shared`: one object per distinct tag, city or occupation string in the index;
* `give_back_memory`: hand the heap a build freed back to the operating system;
* `dump_suggestions`: recommendation items without marshmallow's per-field cost.
"""

from __future__ import annotations

import ctypes
import functools
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Iterable, Iterator, Sequence

import sqlalchemy as sa

from matchsvc import visibility
from matchsvc.extensions import db
from matchsvc.interactions.models import Like, Pass
from matchsvc.matching.models import PoolChange
from matchsvc.photos.models import main_photo_key
from matchsvc.profiles.models import Profile
from matchsvc.profiles.schemas import dump_public

# -- the index's freshness check ---------------------------------------------------------------

#: Built once: this runs on every request, and building the statement cost ten times running it.
_MAX_IDS = sa.select(
    sa.select(sa.func.coalesce(sa.func.max(PoolChange.id), 0)).scalar_subquery().label("change_id"),
    sa.select(sa.func.coalesce(sa.func.max(Like.id), 0)).scalar_subquery().label("like_id"),
    sa.select(sa.func.coalesce(sa.func.max(Pass.id), 0)).scalar_subquery().label("pass_id"),
)


def max_ids() -> tuple[int, int, int]:
    """The newest pool change, like and pass ids (0 when there is none)."""
    row = db.session.execute(_MAX_IDS).one()
    return int(row.change_id), int(row.like_id), int(row.pass_id)


# -- the pool, for an index build --------------------------------------------------------------


@dataclass(slots=True)
class PoolRecord:
    """The columns of one matchable profile that the index needs."""

    id: int
    gender: str | None
    birth_date: date | None
    height_cm: int | None
    education: str | None
    occupation: str | None
    city: str | None
    hometown: str | None
    goal: str | None
    interests: list[Any]
    intro: str | None
    seeking_gender: str | None
    seeking_age_min: int | None
    seeking_age_max: int | None
    seeking_height_min: int | None
    seeking_height_max: int | None
    seeking_education_min: str | None
    seeking_cities: list[Any]
    approved_at: datetime | None
    account_id: int
    social_frequency: str | None
    partner_values: dict[str, int] | None
    friends_say: dict[str, int] | None


_POOL_COLUMNS = tuple(PoolRecord.__slots__)
#: Values a raw row holds as text on SQLite and as Python objects on PostgreSQL.
_DECODE = {
    "interests": lambda v: json.loads(v) if isinstance(v, (str, bytes)) else (v or []),
    "seeking_cities": lambda v: json.loads(v) if isinstance(v, (str, bytes)) else (v or []),
    "birth_date": lambda v: date.fromisoformat(v[:10]) if isinstance(v, str) else v,
    "approved_at": lambda v: _moment(v),
    "partner_values": lambda v: json.loads(v) if isinstance(v, (str, bytes)) else v,
    "friends_say": lambda v: json.loads(v) if isinstance(v, (str, bytes)) else v,
}


def _moment(value: Any) -> datetime | None:
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return value


@functools.cache
def _pool_sql() -> str:
    """``SELECT <the record's columns> FROM profiles WHERE <visibility.shown_clause>``, rendered once
    as the text `load_pool_records` runs (the clause has no parameters)."""
    stmt = (sa.select(sa.text(", ".join(_POOL_COLUMNS))).select_from(Profile.__table__)
            .where(visibility.shown_clause()))
    return str(stmt.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))


#: rows fetched per round trip while streaming the pool
_BATCH = 2000


def iter_pool_records(ids: Iterable[int] | None = None) -> Iterator[PoolRecord]:
    """Matchable profiles (all, or those of `ids`), ordered by gender then id; columns read by name.

    Plain SQL and plain tuples: the ORM's per-value processing made a 100,000-row load several
    times slower than the query itself. The condition is the visibility policy's
    (`visibility.shown_clause`), rendered once.

    One record at a time, fetched in batches (a server-side cursor on PostgreSQL): an index build
    turns each into its compact row at once. Holding all 100,000 decoded records at the same
    time took about 370 MB, and the heap they left behind stayed in every worker's resident size.
    """
    stmt = _pool_sql()
    params: dict[str, Any] = {}
    if ids is not None:
        stmt += " AND id IN :ids"
        params["ids"] = list(ids)
    query = sa.text(stmt + " ORDER BY gender, id")
    if ids is not None:
        query = query.bindparams(sa.bindparam("ids", expanding=True))
    result = db.session.execute(query.execution_options(yield_per=_BATCH), params)
    keys = list(result.keys())
    decoders = [_DECODE.get(k) for k in keys]
    for row in result:
        yield PoolRecord(**{k: (decode(v) if decode else v) for k, decode, v in zip(keys, decoders, row)})


def load_pool_records(ids: Iterable[int] | None = None) -> list[PoolRecord]:
    """`iter_pool_records` as a list (a few changed profiles)."""
    return list(iter_pool_records(ids))


# -- public columns of a few profiles, per request ---------------------------------------------

_PROFILES = Profile.__table__
PUBLIC_COLUMNS = ("id", "status", "consent_version", "display_name", "gender", "birth_date", "height_cm",
                  "education", "occupation", "city", "hometown", "interests", "intro", "goal")
#: Built once, from the table rather than the mapped class, and run on the session's connection:
#: this runs on every recommendation request, and the ORM's statement handling cost more than
#: the query (building the statement, too). The columns the visibility policy checks come along
#: (`visibility.SHOWN_COLUMNS` from `visibility.SHOWN_FROM`, a primary-key join to the account).
#: The main photo's key (for its thumbnail) comes in the same round trip: a correlated subquery on
#: an index, not a query per profile.
_VISIBLE = (sa.select(*dict.fromkeys([*(_PROFILES.c[c] for c in PUBLIC_COLUMNS), *visibility.SHOWN_COLUMNS]),
                      main_photo_key(_PROFILES.c.id).label("main_photo_key"))
            .select_from(visibility.SHOWN_FROM)
            .where(_PROFILES.c.id.in_(sa.bindparam("ids", expanding=True))))


def load_visible(ids: Sequence[int]) -> dict[int, Any]:
    """The public columns of the profiles still shown now, by id (the query-time check behind the
    index, `visibility.is_shown_row`). Plain rows, not ORM objects.

    Looked up by primary key and checked here: a condition on status in SQL tempts SQLite into
    scanning the status index of the whole pool.
    """
    if not ids:
        return {}
    rows = db.session.connection().execute(_VISIBLE, {"ids": list(ids)})
    return {r.id: r for r in rows if visibility.is_shown_row(r)}


# -- memory ------------------------------------------------------------------------------------

_SHARED: dict[Any, Any] = {}
_SHARED_MAX = 50_000


def shared(value: Any) -> Any:
    """One object per distinct value: tags, cities, occupations and the like repeat across the
    whole pool, and a 100,000-row index held each copy separately (tens of MB per worker)."""
    if value is None:
        return None
    found = _SHARED.get(value)
    if found is None:
        if len(_SHARED) >= _SHARED_MAX:
            return value
        found = _SHARED[value] = value
    return found


def give_back_memory() -> None:
    """Hand the heap a build freed back to the OS: glibc keeps it otherwise, and every worker
    forked from the master would carry it in its resident size (about 20 MB at 100,000 rows)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


# -- responses ---------------------------------------------------------------------------------


def dump_suggestions(items: Any, **extra: Any) -> dict[str, Any]:
    """``SuggestionListSchema().dump({"items": items, **extra})`` without marshmallow's per-field
    cost (see ``profiles.schemas.dump_public``); the schema still documents the response."""
    return {"items": [{"profile": dump_public(s.profile), "score": s.score, "reasons": list(s.reasons)}
                      for s in items], **extra}
