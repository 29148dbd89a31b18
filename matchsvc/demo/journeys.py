"""Every journey of the demo, set up through the real service functions.

After the bulk profiles are in (:mod:`matchsvc.demo.seed`), this module gives the demo logins
something to do the moment they sign in, written by the same functions a request would call,
so the demo can never drift from the rules:

* **demo_member** — a photo, and so do their forty nearest suggestions (drawn avatars, approved);
  a few members who already like them (a like from the recommendations becomes
  a match at once), one existing match, today's daily picks (the push runs), two upcoming events
  (invited to one, the other open to sign up), a past event they attended where the picks are
  still open, and unread notifications from all of that;
* **demo_reviewer** — pending applications (the bulk seed's) plus one profile that was approved
  and then changed, so the queue shows what changed; an open report in scope;
* **demo_organizer** — owns the three events.

The only thing not done through a service is the clock: to have an event that already happened,
its times are moved (start, end, deadline) between the steps a real event goes through over days
(sign-up → check-in while it runs → picks after it ended). Everything else is a service call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from matchsvc.accounts.models import Account
from matchsvc.core.clock import utcnow
from matchsvc.demo import avatars
from matchsvc.errors import DomainError
from matchsvc.events import service as events
from matchsvc.events.models import Event
from matchsvc.extensions import db
from matchsvc.interactions import service as interactions
from matchsvc.matching import push
from matchsvc.matching import service as matching
from matchsvc.photos import imaging
from matchsvc.photos import service as photos
from matchsvc.photos.models import Photo, PhotoStatus
from matchsvc.profiles import service as profiles
from matchsvc.profiles.models import Profile, ProfileStatus
from matchsvc.reviews import service as reviews

#: Members who like the demo member before they first sign in.
ADMIRERS = 4


@dataclass
class Staged:
    """What the journeys set up, by id (the demo test checks each)."""

    admirers: list[int] = field(default_factory=list)
    match_with: int | None = None
    invited_event: int | None = None
    open_event: int | None = None
    past_event: int | None = None
    changed_profile: int | None = None
    report_id: int | None = None
    picks: int = 0


def _account(profile_id: int) -> Account:
    return db.session.scalars(sa.select(Account).join(Profile, Profile.account_id == Account.id)
                              .where(Profile.id == profile_id)).one()


def _event_data(*, title: str, description: str, tags: list[str], location: str, starts_at: datetime,
                units: list[int], capacity: int = 20) -> dict[str, Any]:
    return {"title": title, "description": description, "tags": tags, "location": location,
            "starts_at": starts_at, "ends_at": starts_at + timedelta(hours=3),
            "signup_deadline": starts_at - timedelta(hours=12), "capacity": capacity,
            "quota": {"male": capacity // 2, "female": capacity // 2}, "age_min": 22, "age_max": 40,
            "org_unit_ids": units}


def _give_avatars(profile_ids: list[int]) -> None:
    """A drawn avatar, approved, for each of these profiles that has no photo yet."""
    with_photo = set(db.session.scalars(sa.select(Photo.profile_id).where(Photo.profile_id.in_(profile_ids))))
    for pid in profile_ids:
        if pid not in with_photo:
            profile = db.session.get(Profile, pid)
            photos.store(profile=profile, cleaned=imaging.render(avatars.draw(f"journeys:{pid}", getattr(profile.gender, "value", "female"))),
                         status=PhotoStatus.approved)


def stage(*, member: Account, reviewer: Account, organizer: Account, root_unit_id: int) -> Staged:
    """Set up every journey for the demo logins (the caller commits). Needs a few dozen approved
    profiles around the demo member; with fewer, the steps that find no one are skipped."""
    out = Staged()
    now = utcnow()
    own = profiles.get_own(member)

    # People the demo member may see (hard filters both ways), best first.
    near = [s.profile.id for s in matching.recommend(actor=member, limit=40)]
    # Their photos: the bulk seed draws avatars for the first profiles only; these get one too
    # (through the photos service, as an approved photo), so the suggestions show faces at any size.
    _give_avatars([own.id, *near])

    # One existing match: the member liked someone who liked them back.
    if near:
        out.match_with = near[0]
        interactions.like(actor=_account(near[0]), profile_id=own.id)
        interactions.like(actor=member, profile_id=near[0])
    # Admirers: their like is waiting; the member's like back makes a match at once.
    for pid in near[1:1 + ADMIRERS]:
        interactions.like(actor=_account(pid), profile_id=own.id)
        out.admirers.append(pid)
    db.session.flush()

    # Events, run by the demo organizer, open to the whole tree.
    units = [root_unit_id]
    soon = (now + timedelta(days=7)).replace(hour=11, minute=0, second=0, microsecond=0)
    invited = events.create_event(actor=organizer, data=_event_data(
        title="周末茶会·认识新朋友", description="轻松的下午茶，每桌六人，主持人带几个小游戏。",
        tags=["美食", "桌游", "聊天"], location="市职工之家三楼茶室", starts_at=soon, units=units))
    out.invited_event = invited.id
    events.invite(actor=organizer, event_id=invited.id, profile_ids=[own.id])
    open_ = events.create_event(actor=organizer, data=_event_data(
        title="西溪湿地徒步", description="十公里轻徒步，结束后一起吃农家菜。", tags=["徒步", "户外", "摄影"],
        location="西溪湿地周家村入口", starts_at=soon + timedelta(days=7), units=units, capacity=30))
    out.open_event = open_.id

    # A past event the member attended, with the picks still open: sign-up, check-in while it
    # runs, then it ends (the clock is moved, see the module docstring) and others pick.
    past = events.create_event(actor=organizer, data=_event_data(
        title="读书分享会", description="带一本最近喜欢的书，五分钟讲给大家听。", tags=["阅读", "电影", "聊天"],
        location="市图书馆二楼报告厅", starts_at=now + timedelta(days=2), units=units))
    out.past_event = past.id
    attendees = [own.id] + near[1 + ADMIRERS:1 + ADMIRERS + 5]
    signed: list[int] = []
    for pid in attendees:
        try:
            with db.session.begin_nested():
                events.sign_up(actor=member if pid == own.id else _account(pid), event_id=past.id)
            signed.append(pid)
        except DomainError:  # not eligible (age, say): they just stay out of the demo event
            continue
    event = db.session.get(Event, past.id)
    event.signup_deadline, event.starts_at, event.ends_at = (now - timedelta(hours=26), now - timedelta(hours=25),
                                                             now + timedelta(minutes=5))
    db.session.flush()
    for pid in signed:
        events.check_in(actor=organizer, event_id=past.id, profile_id=pid)
    event.ends_at = now - timedelta(hours=22)
    db.session.flush()
    for pid in signed[1:3]:  # two attendees picked the demo member; the member has not picked yet
        events.record_selections(actor=_account(pid), event_id=past.id, profile_ids=[own.id])

    # The reviewer: a profile approved before, changed since, back in the queue with its changes.
    changed = db.session.scalars(sa.select(Profile).where(Profile.status == ProfileStatus.pending)
                                 .order_by(Profile.id).limit(1)).first()
    if changed is not None:
        reviews.decide(actor=reviewer, profile_id=changed.id, decision="approve", note=None)
        profiles.update_own(actor=_account(changed.id), changes={
            "intro": (changed.intro or "") + "最近开始学做饭，周末常去菜市场。", "city": changed.city or "杭州"})
        out.changed_profile = changed.id
    # An open report in scope, sent by one of the members.
    if len(near) > 12:
        rep = interactions.report(actor=_account(near[10]), profile_id=near[12],
                                  reason="资料里的单位和实际不符，请核实。")
        out.report_id = rep.id

    db.session.flush()
    # Today's daily picks for everyone (the real job), which also notifies.
    out.picks = push.push_daily(on=now.date()).get("picks", 0)
    return out
