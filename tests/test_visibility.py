"""The visibility policy (matchsvc/visibility.py): nothing unapproved, unconsented, blocked,
paused, suspended, withdrawn or of a disabled account is ever shown, whichever of the policy's
questions is asked.

Property tests build a small world per example inside the test's transaction (flushed, never
committed) and roll it back, so examples do not see each other's rows.
"""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchsvc import visibility
from matchsvc.accounts.models import Account, Role, RoleGrant
from matchsvc.core.clock import utcnow
from matchsvc.errors import Forbidden, NotFound
from matchsvc.extensions import db
from matchsvc.interactions.models import Block, Match, MatchSource
from matchsvc.profiles.models import Profile, ProfileStatus

_names = itertools.count()

#: one other profile: its status, whether it is consented, withdrawn (erased), and how it stands
#: to the viewer (blocked by the viewer, blocking the viewer)
other = st.fixed_dictionaries({
    "status": st.sampled_from(list(ProfileStatus)),
    "consented": st.booleans(),
    "withdrawn": st.booleans(),
    "disabled": st.booleans(),
    "blocked_by_viewer": st.booleans(),
    "blocks_viewer": st.booleans(),
    "matched": st.booleans(),
})


def _account(unit_id: int, *roles: Role) -> Account:
    account = Account(username=f"vis{next(_names)}", password_hash="x", org_unit_id=unit_id)
    account.grants = [RoleGrant(role=r) for r in roles]
    db.session.add(account)
    db.session.flush()
    return account


def _profile(account: Account, status: ProfileStatus, consented: bool) -> Profile:
    now = utcnow()
    profile = Profile(account_id=account.id, status=status, display_name="x", interests=[], contact={"phone": "1"},
                      seeking_cities=[], consent_version="2026-11" if consented else None,
                      consented_at=now if consented else None, submitted_at=now,
                      approved_at=now if status is not ProfileStatus.draft else None)
    db.session.add(profile)
    db.session.flush()
    return profile


def _expected_shown(spec: dict) -> bool:
    return (spec["status"] is ProfileStatus.approved and spec["consented"] and not spec["withdrawn"]
            and not spec["disabled"])


def _world(unit_id: int, specs: list[dict]) -> tuple[Account, Profile, list[tuple[int, dict]]]:
    viewer_acc = _account(unit_id)
    viewer = _profile(viewer_acc, ProfileStatus.approved, True)
    others = []
    for spec in specs:
        account = _account(unit_id)
        if spec["disabled"]:
            account.disabled_at = utcnow()
        target = _profile(account, spec["status"], spec["consented"])
        if spec["blocked_by_viewer"]:
            db.session.add(Block(actor_id=viewer.id, target_id=target.id))
        if spec["blocks_viewer"]:
            db.session.add(Block(actor_id=target.id, target_id=viewer.id))
        if spec["matched"]:
            db.session.add(Match(low_id=min(viewer.id, target.id), high_id=max(viewer.id, target.id),
                                 source=MatchSource.like, created_at=utcnow()))
        db.session.flush()
        target_id = target.id
        if spec["withdrawn"]:
            db.session.delete(target)
            db.session.flush()
        others.append((target_id, spec))
    return viewer_acc, viewer, others


def _visible(spec: dict) -> bool:
    return _expected_shown(spec) and not spec["blocked_by_viewer"] and not spec["blocks_viewer"]


@pytest.fixture
def unit_id(make):
    return make.root().id


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(other, min_size=1, max_size=6))
def test_a_member_never_sees_a_profile_not_shown_or_blocked(unit_id, specs):
    try:
        viewer_acc, viewer, others = _world(unit_id, specs)
        ids = [pid for pid, _ in others]
        want = {pid for pid, spec in others if _visible(spec)}
        # which of these ids: in Python, in SQL, and as the index's post-check asks it
        assert visibility.visible_ids(viewer.id, ids + [viewer.id]) == want
        in_sql = set(db.session.scalars(sa.select(Profile.id).where(visibility.visible_clause(viewer.id))))
        assert in_sql == want
        for pid, spec in others:
            target = db.session.get(Profile, pid)
            assert visibility.may_see(viewer, target) is (pid in want)
            assert visibility.may_act_on(viewer, target) is (pid in want)
            if target is not None:
                assert visibility.is_shown(target) is _expected_shown(spec)
                row = db.session.execute(sa.select(*visibility.SHOWN_COLUMNS).select_from(visibility.SHOWN_FROM)
                                         .where(Profile.id == pid)).one()
                assert visibility.is_shown_row(row) is visibility.is_shown(target)
            if pid in want:
                shown, contact = visibility.viewable_profile(viewer_acc, pid)
                assert shown.id == pid and contact is spec["matched"]
                assert visibility.require_actionable(viewer, pid).id == pid
            else:
                with pytest.raises(NotFound):
                    visibility.viewable_profile(viewer_acc, pid)
                with pytest.raises(NotFound):
                    visibility.require_actionable(viewer, pid)
    finally:
        db.session.rollback()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(other, min_size=1, max_size=5))
def test_a_reviewer_in_scope_sees_only_shown_profiles(unit_id, specs):
    try:
        _, _, others = _world(unit_id, specs)
        reviewer = _account(unit_id, Role.reviewer)
        for pid, spec in others:
            if _expected_shown(spec):
                assert visibility.viewable_profile(reviewer, pid) == (db.session.get(Profile, pid), False)
            else:
                with pytest.raises(NotFound):
                    visibility.viewable_profile(reviewer, pid)
    finally:
        db.session.rollback()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(own=st.sampled_from([s for s in ProfileStatus if s is not ProfileStatus.approved] + [None]),
       specs=st.lists(other, min_size=1, max_size=4))
def test_a_member_without_a_shown_profile_sees_nobody(unit_id, own, specs):
    try:
        _, _, others = _world(unit_id, specs)
        account = _account(unit_id)
        if own is not None:
            _profile(account, own, True)
        with pytest.raises(Forbidden) as err:
            visibility.require_standing(account)
        assert err.value.code == "profile_not_approved"
        for pid, _ in others:
            with pytest.raises(Forbidden) as err:
                visibility.viewable_profile(account, pid)
            assert err.value.code == "profile_not_approved"
    finally:
        db.session.rollback()


def test_the_standing_check_is_one_rule_with_one_message(make):
    acc, own = make.member()
    assert visibility.require_standing(acc).id == own.id == visibility.require_standing_id(acc)
    other = make.account()
    make.profile(other, consented=True)
    errors = []
    for check in (visibility.require_standing, visibility.require_standing_id):
        with pytest.raises(Forbidden) as err:
            check(other)
        errors.append((err.value.code, err.value.detail))
    assert errors[0] == errors[1] and errors[0][0] == "profile_not_approved"


def test_a_reviewer_out_of_scope_is_forbidden(make):
    a, b = make.unit(), make.unit()
    _, target = make.member(unit=a)
    reviewer = make.account("reviewer", unit=b)
    with pytest.raises(Forbidden) as err:
        visibility.viewable_profile(reviewer, target.id)
    assert err.value.code == "out_of_scope"


def test_an_organizer_sees_shown_members_of_units_the_event_admits(make):
    from tests.factories import EventFactory

    a, b = make.unit(), make.unit()
    organizer = make.account("organizer", unit=a)
    event = EventFactory(created_by=organizer.id, org_units=[a])
    _, inside = make.member(unit=a)
    _, outside = make.member(unit=b)
    paused = make.profile(make.account(unit=a), approved=True)
    paused.status = ProfileStatus.paused
    db.session.commit()
    assert visibility.manages_event(organizer, event)
    assert visibility.organizer_may_see(organizer, event, inside)
    assert not visibility.organizer_may_see(organizer, event, outside)
    assert not visibility.organizer_may_see(organizer, event, paused)
    assert not visibility.organizer_may_see(make.account("organizer", unit=b), event, inside)
    assert not visibility.organizer_may_see(make.account(unit=a), event, inside)
