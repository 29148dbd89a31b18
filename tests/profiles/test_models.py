"""Profile constraints and the is_matchable hybrid, in Python and in SQL (both engines)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchsvc.extensions import db
from matchsvc.profiles.models import Education, Profile, ProfileStatus


@pytest.mark.parametrize("status,consented,matchable", [
    (ProfileStatus.approved, True, True), (ProfileStatus.approved, False, False),
    (ProfileStatus.paused, True, False), (ProfileStatus.pending, True, False),
    (ProfileStatus.suspended, True, False), (ProfileStatus.draft, False, False),
])
def test_is_matchable_in_python_and_sql(make, status, consented, matchable):
    kw = {"approved": True, "status": status} if consented else {"status": status}
    profile = make.profile(**kw)
    if not consented:
        profile.consent_version = None
        db.session.commit()
    assert profile.is_matchable is matchable
    found = db.session.scalar(sa.select(Profile.id).where(Profile.is_matchable))
    assert (found == profile.id) is matchable


@pytest.mark.parametrize("fields", [{"height_cm": 119}, {"height_cm": 231},
                                    {"seeking_age_min": 40, "seeking_age_max": 30},
                                    {"status": ProfileStatus.pending, "submitted_at": None}])
def test_check_constraints(make, fields):
    _assert_refused(make.account(), **fields)


def test_one_profile_per_account(make):
    account = make.account()
    make.profile(account)
    _assert_refused(account)


def _assert_refused(account, **fields):
    """The database itself refuses this profile row."""
    db.session.add(Profile(account_id=account.id, interests=[], contact={}, seeking_cities=[], **fields))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_profile_goes_with_its_account(make):
    account = make.account()
    make.profile(account)
    db.session.execute(sa.delete(type(account)).where(type(account).id == account.id))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Profile)) == 0


def test_education_rank_orders_levels():
    assert [e.rank for e in Education] == [0, 1, 2, 3, 4]
    assert Education.master.rank > Education.bachelor.rank


def test_enums_stored_as_lower_case_words(make):
    make.profile(approved=True, education="master")
    row = db.session.execute(sa.text("SELECT status, gender, education FROM profiles")).one()
    assert tuple(row) == ("approved", "female", "master")
