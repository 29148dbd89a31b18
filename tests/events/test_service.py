"""Events: the rules, without HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from matchsvc.core.clock import utcnow
from matchsvc.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from matchsvc.events import service
from matchsvc.events.models import Invitation, InvitationStatus, MatchFollowup, Signup, SignupStatus
from matchsvc.extensions import db
from matchsvc.interactions.models import Block, Match, MatchSource
from matchsvc.matching import index as pool_index
from matchsvc.profiles import service as profiles

from tests.events.conftest import kinds, payloads
from tests.helpers import years_ago


def _status(event, profile):
    return db.session.scalar(sa.select(Signup.status).where(Signup.event_id == event.id,
                                                            Signup.profile_id == profile.id))


# -- create, edit, cancel ---------------------------------------------------------------------

def test_create_event_is_published_with_its_seats(ev):
    org = ev.organizer()
    view = service.create_event(actor=org, data=ev.body())
    assert view.status.value == "published" and view.created_by == org.id
    assert view.seats_left == {"male": 5, "female": 5, "total": 10}
    assert view.org_unit_ids == [ev.make.root().id] and view.signup_open


def test_create_event_without_quota_limits_only_the_capacity(ev):
    view = service.create_event(actor=ev.organizer(), data=ev.body(quota=None, capacity=3))
    assert view.quota == {"male": None, "female": None}
    assert view.seats_left == {"male": 3, "female": 3, "total": 3}


@pytest.mark.parametrize("changes, field", [
    ({"quota": {"male": 6, "female": 5}}, "quota"),
    ({"age_min": 30, "age_max": 25}, "age_max"),
    ({"signup_deadline": utcnow() - timedelta(minutes=1)}, "signup_deadline"),
    ({"signup_deadline": utcnow() + timedelta(days=8)}, "signup_deadline"),
    ({"ends_at": utcnow() + timedelta(days=6)}, "ends_at"),
])
def test_create_event_that_does_not_add_up_is_422(ev, changes, field):
    with pytest.raises(ValidationFailed) as err:
        service.create_event(actor=ev.organizer(), data=ev.body(**changes))
    assert field in err.value.errors


def test_create_event_for_an_unknown_unit_is_422(ev):
    with pytest.raises(ValidationFailed) as err:
        service.create_event(actor=ev.organizer(), data=ev.body(org_unit_ids=[999]))
    assert "org_unit_ids.0" in err.value.errors


def test_create_event_outside_scope_is_forbidden(ev, make):
    branch, other = make.unit(), make.unit()
    with pytest.raises(Forbidden) as err:
        service.create_event(actor=ev.organizer(unit=branch), data=ev.body(org_unit_ids=[branch.id, other.id]))
    assert err.value.code == "out_of_scope"


def test_update_event_checks_the_merged_event(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id)
    view = service.update_event(actor=org, event_id=event.id, changes={"capacity": 12, "title": "新标题"})
    assert (view.capacity, view.title) == (12, "新标题")
    with pytest.raises(ValidationFailed) as err:
        service.update_event(actor=org, event_id=event.id, changes={"capacity": 8})
    assert "quota" in err.value.errors


def test_update_event_after_the_deadline_may_fix_the_text(ev):
    org = ev.organizer()
    event = ev.event(closed=True, created_by=org.id)
    view = service.update_event(actor=org, event_id=event.id, changes={"description": "改一下"})
    assert view.description == "改一下"
    with pytest.raises(ValidationFailed) as err:
        service.update_event(actor=org, event_id=event.id,
                             changes={"signup_deadline": utcnow() - timedelta(minutes=5)})
    assert "signup_deadline" in err.value.errors


def test_update_event_cannot_drop_below_taken_seats(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id, quota_female=2, quota_male=2, capacity=4)
    for _ in range(2):
        service.sign_up(actor=ev.woman()[0], event_id=event.id)
    with pytest.raises(ValidationFailed) as err:
        service.update_event(actor=org, event_id=event.id, changes={"quota": {"male": 2, "female": 1}})
    assert err.value.code == "below_taken_seats" and "quota.female" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        service.update_event(actor=org, event_id=event.id, changes={"capacity": 1, "quota": None})
    assert "capacity" in err.value.errors


def test_larger_quota_moves_the_waitlist_up(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id, quota_female=1, quota_male=1, capacity=4)
    service.sign_up(actor=ev.woman()[0], event_id=event.id)
    waiting_acc, waiting = ev.woman()
    service.sign_up(actor=waiting_acc, event_id=event.id)
    assert _status(event, waiting) is SignupStatus.waitlisted
    service.update_event(actor=org, event_id=event.id, changes={"quota": {"male": 1, "female": 2}})
    assert _status(event, waiting) is SignupStatus.confirmed
    assert kinds(waiting_acc) == ["event_promoted", "event_updated"]  # every edit is told (API.md)


def test_new_time_is_told_to_everyone_coming(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id)
    acc, _ = ev.woman()
    service.sign_up(actor=acc, event_id=event.id)
    service.update_event(actor=org, event_id=event.id, changes={"location": "另一个地方"})
    assert payloads(acc, "event_updated") == [{"event_id": event.id, "title": event.title, "fields": ["location"]}]


def test_any_edit_is_told_to_everyone_signed_up_or_invited_and_a_no_op_to_nobody(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id)
    coming, _ = ev.woman()
    service.sign_up(actor=coming, event_id=event.id)
    invited_acc, invited = ev.man()
    service.invite(actor=org, event_id=event.id, profile_ids=[invited.id])
    service.update_event(actor=org, event_id=event.id, changes={"description": "更新了说明", "capacity": event.capacity})
    for acc in (coming, invited_acc):
        assert payloads(acc, "event_updated") == [{"event_id": event.id, "title": event.title,
                                                   "fields": ["description"]}]
    service.update_event(actor=org, event_id=event.id, changes={"description": "更新了说明",
                                                                "org_unit_ids": list(event.org_unit_ids)})
    assert len(payloads(coming, "event_updated")) == 1  # nothing changed: nobody is bothered


def test_organizer_of_another_branch_does_not_run_the_event(ev, make):
    branch, other = make.unit(), make.unit()
    event = ev.event(org_units=[other])
    with pytest.raises(Forbidden):
        service.update_event(actor=ev.organizer(unit=branch), event_id=event.id, changes={"title": "x"})
    # an organizer above both units does
    service.update_event(actor=ev.organizer(), event_id=event.id, changes={"title": "x"})


def test_creator_runs_the_event_even_outside_their_scope(ev, make):
    branch = make.unit()
    org = ev.organizer(unit=branch)
    event = ev.event(created_by=org.id)
    assert service.update_event(actor=org, event_id=event.id, changes={"title": "y"}).title == "y"


def test_cancel_event_tells_everyone_signed_up_or_invited(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id, quota_female=1)
    signed, _ = ev.woman()
    waiting, _ = ev.woman()
    invited_acc, invited = ev.man()
    service.sign_up(actor=signed, event_id=event.id)
    service.sign_up(actor=waiting, event_id=event.id)
    service.invite(actor=org, event_id=event.id, profile_ids=[invited.id])
    service.cancel_event(actor=org, event_id=event.id)
    for acc in (signed, waiting, invited_acc):
        assert "event_cancelled" in kinds(acc)
    assert payloads(signed, "event_cancelled") == [{"event_id": event.id, "title": event.title}]
    assert db.session.scalar(sa.select(Invitation.status)) is InvitationStatus.cancelled
    with pytest.raises(InvalidTransition):
        service.cancel_event(actor=org, event_id=event.id)
    with pytest.raises(Conflict) as err:
        service.sign_up(actor=ev.woman()[0], event_id=event.id)
    assert err.value.code == "event_cancelled"
    with pytest.raises(InvalidTransition):
        service.update_event(actor=org, event_id=event.id, changes={"title": "z"})


def test_cancel_an_event_that_is_over_is_409(ev):
    org = ev.organizer()
    event = ev.event(over=True, created_by=org.id)
    with pytest.raises(InvalidTransition):
        service.cancel_event(actor=org, event_id=event.id)


def test_unknown_event_is_not_found(ev):
    with pytest.raises(NotFound):
        service.sign_up(actor=ev.woman()[0], event_id=12345)
    with pytest.raises(NotFound):
        service.event_detail(actor=ev.woman()[0], event_id=12345)


# -- lists and detail -------------------------------------------------------------------------

def test_list_shows_open_events_of_my_units_for_my_age_and_gender(ev, make):
    branch, other = make.unit(), make.unit()
    acc, _ = ev.woman(unit=make.unit(parent=branch), birth_date=years_ago(30))
    fits = ev.event(org_units=[branch])
    ev.event(org_units=[other])
    ev.event(closed=True)
    ev.event(cancelled=True)
    ev.event(age_min=35, age_max=45)
    ev.event(quota_female=0)
    shown = db.session.scalars(service.list_events(actor=acc)).all()
    assert [e.id for e in shown] == [fits.id]


def test_managed_list_is_for_organizers(ev, make):
    org = ev.organizer(unit=make.unit())
    mine = ev.event(created_by=org.id)
    ev.event()
    assert [e.id for e in db.session.scalars(service.list_events(actor=org, managed=True))] == [mine.id]
    with pytest.raises(Forbidden):
        service.list_events(actor=ev.woman()[0], managed=True)


def test_detail_is_hidden_outside_my_units(ev, make):
    acc, _ = ev.woman(unit=make.unit())
    event = ev.event(org_units=[make.unit()])
    with pytest.raises(NotFound):
        service.event_detail(actor=acc, event_id=event.id)
    assert service.event_detail(actor=make.account("admin", unit=make.unit()), event_id=event.id).id == event.id


def test_detail_gives_my_place(ev):
    event = ev.event()
    acc, _ = ev.woman()
    assert service.event_detail(actor=acc, event_id=event.id).my_status is None
    service.sign_up(actor=acc, event_id=event.id)
    view = service.event_detail(actor=acc, event_id=event.id)
    assert view.my_status == "confirmed" and view.seats_left == {"male": 5, "female": 4, "total": 9}


# -- sign-ups and the waitlist ----------------------------------------------------------------

def test_confirmed_until_the_quota_then_waitlisted_in_order(ev):
    event = ev.event(quota_female=2, quota_male=2, capacity=4)
    results = [service.sign_up(actor=ev.woman()[0], event_id=event.id)[0].status for _ in range(4)]
    assert results == [SignupStatus.confirmed] * 2 + [SignupStatus.waitlisted] * 2
    assert service.sign_up(actor=ev.man()[0], event_id=event.id)[0].status is SignupStatus.confirmed


def test_capacity_binds_without_a_quota(ev):
    event = ev.event(quota_female=None, quota_male=None, capacity=2)
    statuses = [service.sign_up(actor=a, event_id=event.id)[0].status
                for a in (ev.woman()[0], ev.man()[0], ev.man()[0])]
    assert statuses == [SignupStatus.confirmed, SignupStatus.confirmed, SignupStatus.waitlisted]


def test_signing_up_again_returns_the_standing_place(ev):
    event = ev.event()
    acc, _ = ev.woman()
    first, created = service.sign_up(actor=acc, event_id=event.id)
    again, created_again = service.sign_up(actor=acc, event_id=event.id)
    assert created and not created_again and first.id == again.id


def test_sign_up_needs_an_approved_profile(ev, make):
    event = ev.event()
    with pytest.raises(Forbidden) as err:
        service.sign_up(actor=make.account(), event_id=event.id)
    assert err.value.code == "profile_not_approved"
    acc, _ = make.member(approved=False, pending=True)
    with pytest.raises(Forbidden):
        service.sign_up(actor=acc, event_id=event.id)


def test_sign_up_after_the_deadline_is_409(ev):
    event = ev.event(closed=True)
    with pytest.raises(Conflict) as err:
        service.sign_up(actor=ev.woman()[0], event_id=event.id)
    assert err.value.code == "signup_closed"


@pytest.mark.parametrize("event_kw, member_kw, code", [
    ({"age_min": 20, "age_max": 25}, {"birth_date": years_ago(30)}, "age_not_eligible"),
    ({"age_min": 31}, {"birth_date": years_ago(30)}, "age_not_eligible"),
    ({"quota_female": 0}, {}, "gender_not_admitted"),
    ({"org_units": "other"}, {}, "out_of_scope"),
])
def test_not_eligible_is_422_with_a_code(ev, make, event_kw, member_kw, code):
    if event_kw.get("org_units") == "other":
        event_kw = {"org_units": [make.unit()]}
        member_kw = {"unit": make.unit()}
    event = ev.event(**event_kw)
    with pytest.raises(ValidationFailed) as err:
        service.sign_up(actor=ev.woman(**member_kw)[0], event_id=event.id)
    assert err.value.code == code


def test_age_counts_on_the_day_the_event_starts(ev):
    event = ev.event(age_max=29)
    starts = event.starts_at.date()
    turning_30_after = years_ago(30, days=1, on=starts)
    acc, _ = ev.woman(birth_date=turning_30_after)
    assert service.sign_up(actor=acc, event_id=event.id)[0].status is SignupStatus.confirmed
    with pytest.raises(ValidationFailed):
        service.sign_up(actor=ev.woman(birth_date=years_ago(30, on=starts))[0], event_id=event.id)


def test_cancelling_moves_the_first_waitlisted_of_that_gender_up(ev):
    event = ev.event(quota_female=1, quota_male=1, capacity=2)
    first, _ = ev.woman()
    service.sign_up(actor=first, event_id=event.id)
    man_waiting, man = ev.man()
    service.sign_up(actor=ev.man()[0], event_id=event.id)
    service.sign_up(actor=man_waiting, event_id=event.id)
    second, p2 = ev.woman()
    third, p3 = ev.woman()
    service.sign_up(actor=second, event_id=event.id)
    service.sign_up(actor=third, event_id=event.id)
    service.cancel_signup(actor=first, event_id=event.id)
    assert _status(event, p2) is SignupStatus.confirmed and _status(event, p3) is SignupStatus.waitlisted
    assert _status(event, man) is SignupStatus.waitlisted
    assert kinds(second) == ["event_promoted"] and kinds(third) == [] and kinds(man_waiting) == []
    assert payloads(second, "event_promoted") == [{"event_id": event.id, "title": event.title}]


def test_signing_up_again_after_cancelling_joins_the_back_of_the_queue(ev):
    event = ev.event(quota_female=1)
    acc, me = ev.woman()
    service.sign_up(actor=acc, event_id=event.id)
    service.cancel_signup(actor=acc, event_id=event.id)
    service.sign_up(actor=ev.woman()[0], event_id=event.id)
    signup, created = service.sign_up(actor=acc, event_id=event.id)
    assert created and signup.status is SignupStatus.waitlisted
    assert db.session.scalar(sa.select(sa.func.count(Signup.id)).where(Signup.profile_id == me.id)) == 1


def test_cancel_without_a_signup_is_not_found(ev, make):
    event = ev.event()
    with pytest.raises(NotFound):
        service.cancel_signup(actor=ev.woman()[0], event_id=event.id)
    with pytest.raises(NotFound):
        service.cancel_signup(actor=make.account(), event_id=event.id)


def test_cancel_after_the_start_is_409(ev):
    event = ev.event(quota_female=3)
    acc, me = ev.woman()
    db.session.add(Signup(event_id=event.id, profile_id=me.id, gender="female", status=SignupStatus.confirmed,
                          confirmed_at=utcnow()))
    db.session.commit()
    event.starts_at = utcnow() - timedelta(minutes=1)
    event.signup_deadline = event.starts_at
    db.session.commit()
    with pytest.raises(Conflict):
        service.cancel_signup(actor=acc, event_id=event.id)


# -- invitations ------------------------------------------------------------------------------

def test_invitation_holds_a_seat_and_notifies(ev, app):
    org = ev.organizer()
    event = ev.event(created_by=org.id, quota_female=1)
    acc, woman = ev.woman()
    result = service.invite(actor=org, event_id=event.id, profile_ids=[woman.id, woman.id])
    (invitation,) = result["items"]
    assert invitation.status is InvitationStatus.pending
    ttl = timedelta(hours=app.config["INVITATION_TTL_HOURS"])
    assert abs(invitation.expires_at - (invitation.created_at + ttl)) < timedelta(seconds=1)
    assert payloads(acc, "event_invitation")[0]["event_id"] == event.id
    assert payloads(acc, "event_invitation")[0]["invitation_id"] == invitation.id
    assert service.event_detail(actor=org, event_id=event.id).seats_left["female"] == 0
    assert service.sign_up(actor=ev.woman()[0], event_id=event.id)[0].status is SignupStatus.waitlisted


def test_invitation_expires_when_the_event_starts_at_the_latest(ev):
    org = ev.organizer()
    event = ev.event(soon=True, created_by=org.id)
    (invitation,) = service.invite(actor=org, event_id=event.id, profile_ids=[ev.woman()[1].id])["items"]
    assert invitation.expires_at == event.starts_at


def test_invite_names_each_profile_that_cannot_come(ev, make):
    org = ev.organizer()
    event = ev.event(created_by=org.id, age_max=40)
    signed_acc, signed = ev.woman()
    service.sign_up(actor=signed_acc, event_id=event.id)
    _, invited = ev.man()
    service.invite(actor=org, event_id=event.id, profile_ids=[invited.id])
    _, old = ev.man(birth_date=years_ago(50))
    pending = make.profile(pending=True)
    _, fine = ev.woman()
    with pytest.raises(ValidationFailed) as err:
        service.invite(actor=org, event_id=event.id,
                       profile_ids=[fine.id, signed.id, invited.id, old.id, pending.id, 9999])
    assert err.value.code == "not_eligible"
    assert set(err.value.errors) == {f"profile_ids.{i}" for i in range(1, 6)}
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 1


def test_invite_beyond_the_seats_is_409(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id, quota_male=1)
    with pytest.raises(Conflict) as err:
        service.invite(actor=org, event_id=event.id, profile_ids=[ev.man()[1].id, ev.man()[1].id])
    assert err.value.code == "no_seats"


def test_invite_needs_to_run_the_event(ev, make):
    event = ev.event(org_units=[make.unit()])
    with pytest.raises(Forbidden):
        service.invite(actor=ev.organizer(unit=make.unit()), event_id=event.id, profile_ids=[ev.man()[1].id])


def test_accept_confirms_the_invitee(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id)
    acc, woman = ev.woman()
    (invitation,) = service.invite(actor=org, event_id=event.id, profile_ids=[woman.id])["items"]
    assert service.accept(actor=acc, invitation_id=invitation.id).status is InvitationStatus.accepted
    assert _status(event, woman) is SignupStatus.confirmed
    with pytest.raises(InvalidTransition):
        service.decline(actor=acc, invitation_id=invitation.id)
    assert service.event_detail(actor=acc, event_id=event.id).seats_left["female"] == 4


def test_invitation_is_the_invitees_alone(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id)
    (invitation,) = service.invite(actor=org, event_id=event.id, profile_ids=[ev.woman()[1].id])["items"]
    for stranger in (ev.woman()[0], org):
        with pytest.raises(NotFound):
            service.accept(actor=stranger, invitation_id=invitation.id)
        with pytest.raises(NotFound):
            service.decline(actor=stranger, invitation_id=invitation.id)
    with pytest.raises(NotFound):
        service.accept(actor=org, invitation_id=4242)


def test_signing_up_with_a_pending_invitation_accepts_it(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id)
    acc, woman = ev.woman()
    (invitation,) = service.invite(actor=org, event_id=event.id, profile_ids=[woman.id])["items"]
    assert service.sign_up(actor=acc, event_id=event.id)[0].status is SignupStatus.confirmed
    assert invitation.status is InvitationStatus.accepted


def test_declined_seat_goes_to_the_waitlist_first(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id, quota_female=1)
    acc, woman = ev.woman()
    (invitation,) = service.invite(actor=org, event_id=event.id, profile_ids=[woman.id])["items"]
    waiting_acc, waiting = ev.woman()
    service.sign_up(actor=waiting_acc, event_id=event.id)
    service.decline(actor=acc, invitation_id=invitation.id)
    assert _status(event, waiting) is SignupStatus.confirmed
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 1


def test_declined_seat_is_offered_to_the_next_best_of_that_gender(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id, tags=["爬山"])
    acc, woman = ev.woman(interests=[{"tag": "爬山", "weight": 5}])
    _, hiker = ev.woman(interests=[{"tag": "爬山", "weight": 5}])
    ev.man()
    (invitation,) = service.invite(actor=org, event_id=event.id, profile_ids=[woman.id])["items"]
    service.decline(actor=acc, invitation_id=invitation.id)
    fresh = db.session.scalars(sa.select(Invitation).where(Invitation.id != invitation.id)).all()
    assert [(i.profile_id, i.invited_by, i.status) for i in fresh] == [(hiker.id, org.id, InvitationStatus.pending)]
    assert invitation.backfilled_at is not None
    # someone who declined is never asked again
    with pytest.raises(ValidationFailed):
        service.invite(actor=org, event_id=event.id, profile_ids=[woman.id])


def test_expired_invitation_cannot_be_accepted(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id)
    acc, woman = ev.woman()
    (invitation,) = service.invite(actor=org, event_id=event.id, profile_ids=[woman.id])["items"]
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert service.event_detail(actor=org, event_id=event.id).seats_left["female"] == 5
    with pytest.raises(Conflict) as err:
        service.accept(actor=acc, invitation_id=invitation.id)
    assert err.value.code == "invitation_expired"


def test_expiry_job_expires_tells_and_offers_the_seat_again(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id)
    acc, woman = ev.woman()
    _, other = ev.woman()
    (invitation,) = service.invite(actor=org, event_id=event.id, profile_ids=[woman.id])["items"]
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert service.settle_due() == 1
    db.session.refresh(invitation)
    assert invitation.status is InvitationStatus.expired
    assert "invitation_expired" in kinds(acc)
    assert db.session.scalar(sa.select(Invitation.profile_id).where(Invitation.id != invitation.id)) == other.id
    assert service.settle_due() == 0


def test_cancelled_event_rejects_answers(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id)
    acc, woman = ev.woman()
    (invitation,) = service.invite(actor=org, event_id=event.id, profile_ids=[woman.id])["items"]
    service.cancel_event(actor=org, event_id=event.id)
    with pytest.raises(Conflict) as err:
        service.accept(actor=acc, invitation_id=invitation.id)
    assert err.value.code == "event_cancelled"
    with pytest.raises(Conflict):
        service.invite(actor=org, event_id=event.id, profile_ids=[ev.man()[1].id])


def test_started_event_takes_no_invitations_or_proposals(ev):
    org = ev.organizer()
    event = ev.event(ongoing=True, created_by=org.id)
    with pytest.raises(Conflict):
        service.invite(actor=org, event_id=event.id, profile_ids=[ev.man()[1].id])
    with pytest.raises(Conflict):
        service.propose_group(actor=org, event_id=event.id, size=4)


# -- check-in and selections --------------------------------------------------------------------

def _attend(ev, event, *people):
    for acc, profile in people:
        db.session.add(Signup(event_id=event.id, profile_id=profile.id, gender=profile.gender,
                              status=SignupStatus.confirmed, confirmed_at=utcnow()))
    db.session.commit()


def test_check_in_opens_an_hour_before(ev):
    org = ev.organizer()
    later = ev.event(created_by=org.id)
    soon = ev.event(soon=True, created_by=org.id)
    woman = ev.woman()
    _attend(ev, later, woman)
    _attend(ev, soon, woman)
    with pytest.raises(Conflict) as err:
        service.check_in(actor=org, event_id=later.id, profile_id=woman[1].id)
    assert err.value.code == "checkin_closed"
    signup, created = service.check_in(actor=org, event_id=soon.id, profile_id=woman[1].id)
    assert created and signup.checked_in_at is not None
    assert service.check_in(actor=org, event_id=soon.id, profile_id=woman[1].id)[1] is False


def test_check_in_is_for_confirmed_attendees_and_the_organizer(ev, make):
    org = ev.organizer()
    event = ev.event(soon=True, created_by=org.id)
    with pytest.raises(ValidationFailed) as err:
        service.check_in(actor=org, event_id=event.id, profile_id=ev.woman()[1].id)
    assert err.value.code == "not_confirmed"
    with pytest.raises(Forbidden):
        service.check_in(actor=ev.organizer(unit=make.unit()), event_id=event.id, profile_id=1)


def test_check_in_is_closed_after_the_end_or_when_cancelled(ev):
    org = ev.organizer()
    over = ev.event(over=True, created_by=org.id)
    cancelled = ev.event(soon=True, cancelled=True, created_by=org.id)
    for event in (over, cancelled):
        with pytest.raises(Conflict):
            service.check_in(actor=org, event_id=event.id, profile_id=1)


def _checked_in(ev, event, *people):
    for acc, profile in people:
        db.session.add(Signup(event_id=event.id, profile_id=profile.id, gender=profile.gender,
                              status=SignupStatus.confirmed, confirmed_at=utcnow(), checked_in_at=utcnow()))
    db.session.commit()


def test_mutual_selections_become_an_event_match(ev):
    event = ev.event(over=True)
    (wa, w), (ma, m), (m2a, m2) = ev.woman(), ev.man(), ev.man()
    _checked_in(ev, event, (wa, w), (ma, m), (m2a, m2))
    chosen = service.record_selections(actor=wa, event_id=event.id, profile_ids=[m.id, m2.id])
    assert chosen.profile_ids == [m.id, m2.id] and chosen.matches == []
    chosen = service.record_selections(actor=ma, event_id=event.id, profile_ids=[w.id])
    (match,) = db.session.scalars(sa.select(Match)).all()
    assert (match.source, match.event_id) == (MatchSource.event, event.id)
    assert [x.match_id for x in chosen.matches] == [match.id] and chosen.matches[0].profile.contact
    assert payloads(wa, "event_match")[0]["event_id"] == event.id
    assert kinds(ma) == ["event_match"] and kinds(m2a) == []
    again = service.record_selections(actor=wa, event_id=event.id, profile_ids=[])
    assert again.profile_ids == [m.id, m2.id] and len(again.matches) == 1


def test_blocked_pair_never_matches(ev):
    event = ev.event(over=True)
    (wa, w), (ma, m) = ev.woman(), ev.man()
    _checked_in(ev, event, (wa, w), (ma, m))
    db.session.add(Block(actor_id=w.id, target_id=m.id))
    db.session.commit()
    service.record_selections(actor=wa, event_id=event.id, profile_ids=[m.id])
    service.record_selections(actor=ma, event_id=event.id, profile_ids=[w.id])
    assert db.session.scalar(sa.select(sa.func.count(Match.id))) == 0


def test_selections_must_be_checked_in_people_of_the_other_gender(ev):
    event = ev.event(over=True)
    (wa, w), (w2a, w2), (ma, m) = ev.woman(), ev.woman(), ev.man()
    _checked_in(ev, event, (wa, w), (w2a, w2))
    _attend(ev, event, (ma, m))
    with pytest.raises(ValidationFailed) as err:
        service.record_selections(actor=wa, event_id=event.id, profile_ids=[w.id, w2.id, m.id])
    assert set(err.value.errors) == {"profile_ids.0", "profile_ids.1", "profile_ids.2"}


def test_selections_are_for_checked_in_attendees_within_the_window(ev, make, app):
    event = ev.event(over=True)
    (wa, w), (ma, m) = ev.woman(), ev.man()
    _checked_in(ev, event, (wa, w))
    _attend(ev, event, (ma, m))
    for outsider in (ma, make.account()):
        with pytest.raises(Forbidden) as err:
            service.record_selections(actor=outsider, event_id=event.id, profile_ids=[w.id])
        assert err.value.code == "not_checked_in"
    soon = ev.event(soon=True)
    _checked_in(ev, soon, (wa, w))
    with pytest.raises(Conflict) as err:
        service.record_selections(actor=wa, event_id=soon.id, profile_ids=[])
    assert err.value.code == "selection_closed"
    app.config["SELECTION_WINDOW_HOURS"] = 0
    try:
        with pytest.raises(Conflict):
            service.record_selections(actor=wa, event_id=event.id, profile_ids=[])
    finally:
        app.config["SELECTION_WINDOW_HOURS"] = 48


def test_followup_asks_both_once_after_the_days(ev, app):
    event = ev.event(over=True)
    (wa, w), (ma, m) = ev.woman(), ev.man()
    old = Match(low_id=min(w.id, m.id), high_id=max(w.id, m.id), source=MatchSource.event, event_id=event.id,
                created_at=utcnow() - timedelta(days=app.config["FOLLOWUP_DAYS"], minutes=1))
    (xa, x), (ya, y) = ev.woman(), ev.man()
    fresh = Match(low_id=min(x.id, y.id), high_id=max(x.id, y.id), source=MatchSource.event, event_id=event.id)
    db.session.add_all([old, fresh])
    db.session.commit()
    assert service.send_followups() == 2
    assert service.send_followups() == 0
    assert payloads(wa, "match_followup") == [{"match_id": old.id, "event_id": event.id}]
    assert kinds(ma) == ["match_followup"] and kinds(xa) == []


def test_met_answer_is_private_to_its_author(ev):
    event = ev.event(over=True)
    (wa, w), (ma, m) = ev.woman(), ev.man()
    match = Match(low_id=min(w.id, m.id), high_id=max(w.id, m.id), source=MatchSource.event, event_id=event.id)
    db.session.add(match)
    db.session.commit()
    answer = service.answer_met(actor=wa, match_id=match.id, met=True)
    service.answer_met(actor=wa, match_id=match.id, met=False)
    assert answer.met is False and answer.profile_id == w.id
    assert db.session.scalar(sa.select(sa.func.count(MatchFollowup.id))) == 1
    with pytest.raises(NotFound):
        service.answer_met(actor=ev.woman()[0], match_id=match.id, met=True)
    exported = profiles.export(actor=wa)["events"]
    assert exported[0]["met"][0]["met"] is False
    assert all(not row["met"] for row in profiles.export(actor=ma)["events"])


# -- groups -----------------------------------------------------------------------------------

def test_group_proposal_is_balanced_by_the_quota_and_skips_the_ineligible(ev, make):
    org = ev.organizer()
    event = ev.event(created_by=org.id, capacity=9, quota_male=3, quota_female=6, age_max=40)
    women = [ev.woman()[1] for _ in range(8)]
    men = [ev.man()[1] for _ in range(5)]
    ev.man(birth_date=years_ago(45))
    ev.woman(unit=make.unit(), approved=False, pending=True)
    signed_acc, signed = ev.woman()
    service.sign_up(actor=signed_acc, event_id=event.id)
    service.invite(actor=org, event_id=event.id, profile_ids=[men[0].id])
    proposal = service.propose_group(actor=org, event_id=event.id, size=6)
    ids = [m.profile.id for m in proposal.members]
    genders = [m.profile.gender.value for m in proposal.members]
    assert genders.count("female") == 4 and genders.count("male") == 2
    assert signed.id not in ids and men[0].id not in ids
    assert set(ids) <= {p.id for p in women + men}
    assert 0 <= proposal.score <= 1 and all(0 <= m.score <= 1 for m in proposal.members)


def test_group_proposal_never_puts_a_blocked_pair_together(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id, quota_male=2, quota_female=2, capacity=4)
    women = [ev.woman()[1] for _ in range(3)]
    men = [ev.man()[1] for _ in range(3)]
    for w in women[:2]:
        db.session.add(Block(actor_id=w.id, target_id=men[0].id))
    db.session.commit()
    ids = {m.profile.id for m in service.propose_group(actor=org, event_id=event.id, size=4).members}
    assert not (men[0].id in ids and ids & {women[0].id, women[1].id})


def test_group_proposal_is_capped_by_the_seats_and_the_organizer(ev, make):
    org = ev.organizer()
    event = ev.event(created_by=org.id, quota_male=1, quota_female=1, capacity=2)
    for _ in range(3):
        ev.woman()
        ev.man()
    assert len(service.propose_group(actor=org, event_id=event.id, size=10).members) == 2
    with pytest.raises(Forbidden):
        service.propose_group(actor=ev.organizer(unit=make.unit()), event_id=event.id, size=2)


# -- recommendations --------------------------------------------------------------------------

def test_recommendations_rank_the_fitting_event_first_and_skip_joined_ones(ev):
    acc, me = ev.woman(interests=[{"tag": "摄影", "weight": 5}, {"tag": "烘焙", "weight": 4}])
    ev.man()
    hiking = ev.event(tags=["爬山"], description="登山健行")
    photo = ev.event(tags=["摄影", "烘焙"], description="摄影和烘焙的下午")
    joined = ev.event(tags=["摄影"])
    ev.event(tags=["摄影"], closed=True)
    service.sign_up(actor=acc, event_id=joined.id)
    items = service.recommend(actor=acc, limit=20)["items"]
    assert [i["event"].id for i in items] == [photo.id, hiking.id]
    assert items[0]["score"] >= items[1]["score"] and items[0]["reasons"]
    assert [e.id for e, _, _ in service.suggest_events(profile=me, limit=1)] == [photo.id]


def test_recommendations_need_an_approved_profile(make):
    with pytest.raises(Forbidden):
        service.recommend(actor=make.account(), limit=5)


def test_push_suggestions_once_a_day(ev):
    acc, _ = ev.woman()
    ev.woman(unit=ev.make.unit())
    event = ev.event(org_units=[ev.make.root()])
    today = utcnow().date()
    assert service.push_suggestions(on=today) == 2
    assert service.push_suggestions(on=today) == 0
    assert payloads(acc, "event_suggestions")[0]["event_id"] == event.id


def test_push_suggestions_in_bulk_without_a_query_per_member(ev, monkeypatch):
    """At 100k members one account query and one notification insert per member took minutes
    (seed-demo's journeys and every push-daily with an open event): the member's unit comes with
    the row and the notifications go out in batches."""
    unit = ev.make.unit()
    ev.event(org_units=[ev.make.root()])
    members = [ev.woman(unit=unit)[0] for _ in range(3)]
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    monkeypatch.setattr(service.events, "SUGGESTION_BATCH", 2)  # batches of 2, then the rest
    today = utcnow().date()
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert service.push_suggestions(on=today) == 3
        few = len(statements)
        members += [ev.woman(unit=unit)[0] for _ in range(6)]
        for account in members[3:]:  # as approving them would (the factory writes rows directly)
            pool_index.note_change(account.profile.id)
        db.session.flush()
        pool_index.get()  # brought up to date before counting, as it was for the first three
        statements.clear()
        assert service.push_suggestions(on=today + timedelta(days=1)) == 9
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    # 9 members cost what 3 did, but for the extra batches (a look-up and an insert each)
    assert len(statements) <= few + 2 * 3, (few, statements)
    tomorrow = (today + timedelta(days=1)).isoformat()
    for i, acc in enumerate(members):
        dates = sorted(p["date"] for p in payloads(acc, "event_suggestions"))
        assert dates == ([today.isoformat(), tomorrow] if i < 3 else [tomorrow])


def test_push_suggestions_scores_a_member_the_index_has_not_seen_yet(ev):
    """The job reads light rows and takes the member's vector from the index; a member approved
    after the index was read is scored from the whole profile, the same as on request."""
    unit = ev.make.unit()
    event = ev.event(org_units=[ev.make.root()], tags=["爬山"])
    ev.woman(unit=unit)
    pool_index.get()
    late, profile = ev.woman(unit=unit, interests=[{"tag": "爬山", "weight": 5}])  # not in the index
    assert pool_index.get().position(profile.id) is None
    assert service.push_suggestions(on=utcnow().date()) == 2
    [payload] = payloads(late, "event_suggestions")
    assert payload["event_ids"] == [event.id]


def test_push_suggestions_apply_the_gender_seats_to_light_rows(ev):
    """The job checks eligibility on five columns, not whole profiles: a man is still told only of
    events with seats for men, a woman only of those with seats for women."""
    unit = ev.make.unit()
    for_women = ev.event(org_units=[ev.make.root()], quota_male=0, quota_female=2)
    for_men = ev.event(org_units=[ev.make.root()], quota_male=2, quota_female=0)
    woman, _ = ev.woman(unit=unit)
    man, _ = ev.man(unit=unit)
    assert service.push_suggestions(on=utcnow().date()) == 2
    assert [p["event_ids"] for p in payloads(woman, "event_suggestions")] == [[for_women.id]]
    assert [p["event_ids"] for p in payloads(man, "event_suggestions")] == [[for_men.id]]


def test_event_scores_without_reasons_rank_the_same(ev):
    """Ranking-only calls skip putting reasons into words, nothing else."""
    from matchsvc.matching import service as matching

    _, profile = ev.woman(interests=[{"tag": "爬山", "weight": 5}, {"tag": "读书", "weight": 2}])
    events = [ev.event(tags=["爬山"]), ev.event(tags=["读书", "电影"]), ev.event(tags=["蹦迪"])]
    with_words = matching.event_scores(profile=profile, events=events)
    bare = matching.event_scores(profile=profile, events=events, with_reasons=False)
    assert [s for s, _ in bare] == [s for s, _ in with_words]
    assert all(r for _, r in with_words) and not any(r for _, r in bare)


# -- report and withdrawal --------------------------------------------------------------------

def test_report_counts_everything_and_lists_people(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id, quota_female=1, quota_male=2)
    (wa, w), (w2a, w2), (ma, m), (m2a, m2), (m3a, m3) = ev.woman(), ev.woman(), ev.man(), ev.man(), ev.man()
    service.sign_up(actor=wa, event_id=event.id)
    service.sign_up(actor=w2a, event_id=event.id)
    service.sign_up(actor=ma, event_id=event.id)
    service.cancel_signup(actor=ma, event_id=event.id)
    invitations = service.invite(actor=org, event_id=event.id, profile_ids=[m2.id, m3.id])["items"]
    service.accept(actor=m2a, invitation_id=invitations[0].id)
    service.decline(actor=m3a, invitation_id=invitations[1].id)
    report = service.report(actor=org, event_id=event.id)
    assert report["signups"] == {"confirmed": {"male": 1, "female": 1}, "waitlisted": {"male": 0, "female": 1},
                                 "cancelled": 1}
    # the declined seat went to the only other eligible man, who had cancelled his sign-up
    assert report["invitations"] == {"sent": 3, "accepted": 1, "declined": 1, "expired": 0}
    assert report["attendance"] == {"checked_in": 0} and report["selections"] == 0 and report["matches"] == 0
    assert [(p["profile_id"], p["status"], p["checked_in"]) for p in report["people"]] == [
        (w.id, "confirmed", False), (w2.id, "waitlisted", False), (m.id, "invited", False),
        (m2.id, "confirmed", False), (m3.id, "declined", False)]
    with pytest.raises(Forbidden):
        service.report(actor=ev.organizer(unit=ev.make.unit()), event_id=event.id)


def test_withdrawal_leaves_upcoming_events_and_keeps_the_counts(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id, quota_female=1)
    wa, w = ev.woman()
    w2a, w2 = ev.woman()
    service.sign_up(actor=wa, event_id=event.id)
    service.sign_up(actor=w2a, event_id=event.id)
    (invitation,) = service.invite(actor=org, event_id=event.id, profile_ids=[ev.man()[1].id])["items"]
    profiles.withdraw(actor=wa)
    db.session.commit()
    assert _status(event, w2) is SignupStatus.confirmed
    report = service.report(actor=org, event_id=event.id)
    assert report["signups"]["cancelled"] == 1
    assert w.id not in {p["profile_id"] for p in report["people"]}
    (m_acc,) = [a for a in [invitation.profile.account]]
    profiles.withdraw(actor=m_acc)
    db.session.commit()
    db.session.refresh(invitation)
    assert invitation.status is InvitationStatus.cancelled and invitation.profile_id is None


# -- edges ------------------------------------------------------------------------------------

def test_update_event_units_replaces_them_within_scope(ev, make):
    org = ev.organizer()
    branch = make.unit()
    event = ev.event(created_by=org.id)
    view = service.update_event(actor=org, event_id=event.id, changes={"org_unit_ids": [make.root().id, branch.id]})
    assert view.org_unit_ids == sorted([make.root().id, branch.id])
    view = service.update_event(actor=org, event_id=event.id, changes={"org_unit_ids": [branch.id]})
    assert view.org_unit_ids == [branch.id]
    local = ev.organizer(unit=branch)
    with pytest.raises(Forbidden):
        service.update_event(actor=local, event_id=event.id, changes={"org_unit_ids": [make.root().id]})


def test_member_without_a_profile_sees_every_open_event_of_their_units(ev, make):
    event = ev.event(age_min=50)
    assert [e.id for e in db.session.scalars(service.list_events(actor=make.account()))] == [event.id]


def test_nothing_to_recommend_or_push(ev):
    acc, me = ev.woman()
    assert service.recommend(actor=acc, limit=5) == {"items": []}
    assert service.push_suggestions(on=utcnow().date()) == 0


def test_accepting_needs_a_profile_still_approved(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id)
    acc, woman = ev.woman()
    (invitation,) = service.invite(actor=org, event_id=event.id, profile_ids=[woman.id])["items"]
    woman.status = woman.status.paused
    db.session.commit()
    with pytest.raises(Forbidden):
        service.accept(actor=acc, invitation_id=invitation.id)


def test_no_proposal_for_a_cancelled_event(ev):
    org = ev.organizer()
    event = ev.event(created_by=org.id, cancelled=True)
    with pytest.raises(Conflict):
        service.propose_group(actor=org, event_id=event.id, size=2)


def test_a_repeated_pick_counts_once(ev):
    event = ev.event(over=True)
    (wa, w), (ma, m) = ev.woman(), ev.man()
    _checked_in(ev, event, (wa, w), (ma, m))
    service.record_selections(actor=wa, event_id=event.id, profile_ids=[m.id])
    assert service.record_selections(actor=wa, event_id=event.id, profile_ids=[m.id]).profile_ids == [m.id]


def test_followup_skips_who_answered_already(ev, app):
    event = ev.event(over=True)
    (wa, w), (ma, m) = ev.woman(), ev.man()
    match = Match(low_id=min(w.id, m.id), high_id=max(w.id, m.id), source=MatchSource.event, event_id=event.id,
                  created_at=utcnow() - timedelta(days=app.config["FOLLOWUP_DAYS"] + 1))
    db.session.add(match)
    db.session.commit()
    service.answer_met(actor=wa, match_id=match.id, met=True)
    db.session.commit()
    assert service.send_followups() == 1
    assert kinds(wa) == [] and kinds(ma) == ["match_followup"]


def test_export_holds_my_selections_invitations_and_answers(ev):
    org = ev.organizer()
    event = ev.event(over=True, created_by=org.id)
    (wa, w), (ma, m) = ev.woman(), ev.man()
    _checked_in(ev, event, (wa, w), (ma, m))
    db.session.add(Invitation(event_id=event.id, profile_id=w.id, gender="female", status=InvitationStatus.accepted,
                              expires_at=utcnow(), responded_at=utcnow()))
    liked = Match(low_id=min(w.id, m.id), high_id=max(w.id, m.id), source=MatchSource.like)
    db.session.add(liked)
    db.session.commit()
    service.record_selections(actor=wa, event_id=event.id, profile_ids=[m.id])
    service.answer_met(actor=wa, match_id=liked.id, met=True)
    rows = profiles.export(actor=wa)["events"]
    assert rows[0]["picks"] == [m.id] and rows[0]["invitation"]["status"] == "accepted"
    assert rows[0]["signup"]["checked_in_at"]
    assert rows[-1] == {"event_id": None, "met": [{"match_id": liked.id, "met": True,
                                                    "answered_at": rows[-1]["met"][0]["answered_at"]}]}
    assert profiles.export(actor=ev.make.account())["events"] == []


def test_birthdays_on_29_february():
    from datetime import date

    from matchsvc.core.clock import years_before

    assert years_before(date(2028, 2, 29), 1) == date(2027, 2, 28)
    assert years_before(date(2028, 2, 29), 4) == date(2024, 2, 29)


def test_no_seats_for_anyone_gives_an_empty_split(ev):
    from matchsvc.events.service.common import Seats
    from matchsvc.events.service.groups import split_seats
    from matchsvc.profiles.models import Gender

    event = ev.event(quota_male=0, quota_female=0)
    assert split_seats(4, Seats(event, {Gender.male: 0, Gender.female: 0})) == {Gender.male: 0, Gender.female: 0}
