"""Member pages through the Flask test client: each view calls its service and shows the outcome."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from matchsvc.events.models import Signup
from matchsvc.extensions import db
from matchsvc.interactions.models import Block, Like, Match, Pass, Report
from matchsvc.notifications import service as notifications
from matchsvc.profiles.models import Profile, ProfileStatus

FULL_PROFILE = {
    "display_name": "小林", "gender": "female", "birth_date": "1996-05-04", "height_cm": "163",
    "education": "master", "occupation": "科员", "city": "杭州", "hometown": "宁波",
    "interests": "爬山、阅读, 做饭", "intro": "喜欢周末去爬山。", "goal": "marriage",
    "seeking.gender": "male", "seeking.age_min": "25", "seeking.age_max": "35",
    "seeking.height_min": "", "seeking.height_max": "", "seeking.education_min": "bachelor",
    "seeking.cities": "杭州", "contact.phone": "13800138000", "contact.wechat": "", "contact.email": "",
    "consent_accepted": "on",
}


def _own(account):
    db.session.expire_all()
    return db.session.scalar(sa.select(Profile).where(Profile.account_id == account.id))


def test_profile_form_saves_every_field_in_the_api_shape(web, make):
    account = make.account()
    web.login(account)
    response = web.post("/profile", FULL_PROFILE)
    assert response.status_code == 302, response.get_data(as_text=True)
    p = _own(account)
    assert p.display_name == "小林" and p.height_cm == 163 and p.birth_date == date(1996, 5, 4)
    assert [i["tag"] for i in p.interests] == ["爬山", "阅读", "做饭"]
    assert p.seeking_age_min == 25 and p.seeking_cities == ["杭州"] and p.seeking_education_min.value == "bachelor"
    assert p.contact == {"phone": "13800138000"}
    assert p.consent_version is not None
    html = web.get("/profile").get_data(as_text=True)
    assert 'value="小林"' in html and "爬山、阅读、做饭" in html


def test_profile_errors_appear_beside_the_fields_and_nothing_changes(web, make):
    account = make.account()
    web.login(account)
    response = web.post("/profile", {**FULL_PROFILE, "birth_date": "2020-01-01", "seeking.age_min": "40",
                                     "contact.email": "not-an-email"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="birth_date-error"' in html and 'id="contact-email-error"' in html
    assert 'value="not-an-email"' in html  # what the member typed stays in the form
    assert _own(account) is None


def test_submit_lists_missing_fields_then_sends_for_review(web, make):
    account = make.account()
    web.login(account)
    web.post("/profile", {"display_name": "小林"})
    response = web.post("/profile/submit")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="gender-error"' in html and 'id="consent_accepted-error"' in html
    web.post("/profile", FULL_PROFILE)
    assert web.post("/profile/submit").status_code == 302
    assert _own(account).status is ProfileStatus.pending


def test_profile_shows_status_and_reviewers_note(web, make):
    account = make.account()
    make.profile(account, consented=True, status=ProfileStatus.changes_requested, review_note="请补充自我介绍")
    web.login(account)
    html = web.get("/profile").get_data(as_text=True)
    assert "请补充自我介绍" in html and "status-changes_requested" in html


def test_pause_and_resume(web, make):
    account, _profile = make.member()
    web.login(account)
    web.get("/profile")
    assert web.post("/profile/pause").status_code == 302
    assert _own(account).status is ProfileStatus.paused
    web.post("/profile/resume")
    assert _own(account).status is ProfileStatus.approved


def test_pause_from_a_draft_is_a_message_not_an_error(web, make):
    account = make.account()
    make.profile(account)
    web.login(account)
    response = web.post("/profile/pause")
    assert response.status_code == 302
    assert "flash-error" in web.get("/profile").get_data(as_text=True)


def test_export_downloads_everything_as_json(web, make):
    account, profile = make.member()
    web.login(account)
    response = web.get("/profile/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.get_json()["profile"]["display_name"] == profile.display_name


def test_withdraw_asks_first_then_erases(web, make):
    account, profile = make.member()
    web.login(account)
    html = web.get("/profile/withdraw").get_data(as_text=True)
    assert 'action="/profile/withdraw"' in html
    assert _own(account) is not None  # a GET erases nothing
    assert web.post("/profile/withdraw").status_code == 302
    assert _own(account) is None


def _pair(make):
    her, her_profile = make.member(gender="female", seeking_gender="male")
    him, his_profile = make.member(gender="male", seeking_gender="female", birth_date=date(1994, 1, 1),
                                   display_name="小王")
    return her, her_profile, him, his_profile


def test_recommendations_show_cards_with_reasons_and_buttons(web, make):
    her, _hp, _him, his_profile = _pair(make)
    web.login(her)
    html = web.get("/recommendations").get_data(as_text=True)
    assert "小王" in html and f'id="card-{his_profile.id}"' in html
    assert 'action="/like"' in html and 'action="/pass"' in html
    assert "13800138000" not in html  # never a contact on a card


def test_recommendations_explain_a_profile_not_yet_approved(web, make):
    account = make.account()
    make.profile(account)
    web.login(account)
    response = web.get("/recommendations")
    assert response.status_code == 200
    assert 'href="/profile"' in response.get_data(as_text=True)


def test_like_back_makes_a_match_with_contacts_on_both_sides(web, make, client, app):
    her, her_profile, him, his_profile = _pair(make)
    web.login(her)
    web.get("/recommendations")
    assert web.post("/like", {"profile_id": his_profile.id, "next": "/recommendations"}).status_code == 302
    from tests.web.conftest import WebClient

    other = WebClient(app.test_client())
    other.login(him)
    other.get("/recommendations")
    response = other.post("/like", {"profile_id": her_profile.id}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'href="/matches"' in response.get_data(as_text=True)  # the swapped card says it is mutual
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Match)) == 1
    assert "13800138000" in web.get("/matches").get_data(as_text=True)
    assert "13800138000" in other.get("/matches").get_data(as_text=True)


def test_pass_with_htmx_swaps_the_card(web, make):
    her, _hp, _him, his_profile = _pair(make)
    web.login(her)
    web.get("/recommendations")
    response = web.post("/pass", {"profile_id": his_profile.id}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="card-{his_profile.id}"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pass)) == 1


def test_like_of_an_unknown_profile_is_a_message(web, make):
    her, *_ = _pair(make)
    web.login(her)
    web.get("/recommendations")
    response = web.post("/like", {"profile_id": 99999, "next": "/recommendations"})
    assert response.status_code == 302
    assert "flash-error" in web.get("/recommendations").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Like)) == 0


def test_search_filters_and_shows_field_errors(web, make):
    her, *_ = _pair(make)
    web.login(her)
    html = web.get("/search?city=杭州&age_min=25").get_data(as_text=True)
    assert "小王" in html
    response = web.get("/search?age_min=50&age_max=30")
    assert response.status_code == 200
    assert 'id="age_max-error"' in response.get_data(as_text=True)


def test_picks_page_without_picks(web, make):
    her, *_ = _pair(make)
    web.login(her)
    assert web.get("/picks").status_code == 200


def _matched(make):
    from matchsvc.interactions import service as interactions
    from matchsvc.interactions.models import MatchSource

    her, her_profile, him, his_profile = _pair(make)
    match = interactions.create_match(a=her_profile.id, b=his_profile.id, source=MatchSource.like)
    db.session.commit()
    return her, her_profile, him, his_profile, match


def test_unmatch_hides_the_contact(web, make):
    her, _hp, _him, _pp, match = _matched(make)
    web.login(her)
    assert "13800138000" in web.get("/matches").get_data(as_text=True)
    web.post(f"/matches/{match.id}/unmatch")
    assert "13800138000" not in web.get("/matches").get_data(as_text=True)


def test_block_and_report_from_matches(web, make):
    her, _hp, _him, his_profile, match = _matched(make)
    web.login(her)
    web.get("/matches")
    response = web.post(f"/report/{his_profile.id}", {"reason": ""})
    assert response.status_code == 200 and 'id="reason-error"' in response.get_data(as_text=True)
    web.get(f"/report/{his_profile.id}")
    assert web.post(f"/report/{his_profile.id}", {"reason": "骚扰信息"}).status_code == 302
    assert db.session.scalar(sa.select(Report.reason)) == "骚扰信息"
    web.get("/matches")
    web.post("/block", {"profile_id": his_profile.id})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Block)) == 1


def test_did_you_meet_is_recorded(web, make):
    from matchsvc.events.models import MatchFollowup

    her, her_profile, _him, _pp, match = _matched(make)
    web.login(her)
    web.get("/matches")
    assert web.post(f"/matches/{match.id}/met", {"met": "yes"}).status_code == 302
    row = db.session.scalar(sa.select(MatchFollowup).where(MatchFollowup.profile_id == her_profile.id))
    assert row is not None and row.met is True


def test_notifications_unread_count_mark_read_and_read_all(web, make):
    account, _profile = make.member()
    for _ in range(2):
        notifications.notify(account_id=account.id, kind="match", payload={})
    db.session.commit()
    web.login(account)
    html = web.get("/notifications").get_data(as_text=True)
    assert '<span class="badge">2' in html
    first = notifications.inbox(actor=account)
    note = db.session.scalars(first).first()
    web.post(f"/notifications/{note.id}/read")
    assert '<span class="badge">1' in web.get("/notifications").get_data(as_text=True)
    web.post("/notifications/read-all")
    assert 'class="badge"' not in web.get("/notifications").get_data(as_text=True)


def test_events_list_detail_sign_up_and_cancel(web, make):
    from tests.factories import EventFactory

    account, profile = make.member()
    event = EventFactory(org_units=[make.root()])
    web.login(account)
    assert event.title in web.get("/events").get_data(as_text=True)
    html = web.get(f"/events/{event.id}").get_data(as_text=True)
    assert f'action="/events/{event.id}/signup"' in html
    assert web.post(f"/events/{event.id}/signup").status_code == 302
    assert db.session.scalar(sa.select(Signup.status).where(Signup.profile_id == profile.id)).value == "confirmed"
    web.get(f"/events/{event.id}")
    web.post(f"/events/{event.id}/cancel-signup")
    assert db.session.scalar(sa.select(Signup.status).where(Signup.profile_id == profile.id)).value == "cancelled"


def test_an_event_of_another_unit_is_a_404_page(web, make):
    from tests.factories import EventFactory

    account, _profile = make.member(unit=make.unit("甲"))
    event = EventFactory(org_units=[make.unit("乙")])
    web.login(account)
    response = web.get(f"/events/{event.id}")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_invitation_accept_from_the_events_page(web, make):
    from matchsvc.events.models import Invitation, InvitationStatus
    from matchsvc.events import service as events
    from tests.factories import EventFactory

    organizer = make.account("organizer")
    account, profile = make.member()
    event = EventFactory(org_units=[make.root()], created_by=organizer.id)
    events.invite(actor=organizer, event_id=event.id, profile_ids=[profile.id])
    db.session.commit()
    web.login(account)
    html = web.get("/events").get_data(as_text=True)
    invitation = db.session.scalar(sa.select(Invitation))
    assert f'action="/invitations/{invitation.id}/accept"' in html
    assert web.post(f"/invitations/{invitation.id}/accept").headers["Location"] == f"/events/{event.id}"
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).status is InvitationStatus.accepted


def test_picks_after_the_event_make_a_match(web, make, app):
    from matchsvc.events.models import Signup, SignupStatus
    from matchsvc.core.clock import utcnow
    from tests.factories import EventFactory
    from tests.web.conftest import WebClient

    her, her_profile, him, his_profile = _pair(make)
    event = EventFactory(over=True)
    for p in (her_profile, his_profile):
        db.session.add(Signup(event_id=event.id, profile_id=p.id, status=SignupStatus.confirmed,
                              gender=p.gender, created_at=utcnow(), confirmed_at=utcnow(),
                              checked_in_at=utcnow()))
    db.session.commit()
    web.login(her)
    html = web.get(f"/events/{event.id}").get_data(as_text=True)
    assert f'href="/events/{event.id}/picks"' in html
    html = web.get(f"/events/{event.id}/picks").get_data(as_text=True)
    assert f'value="{his_profile.id}"' in html and "13800138000" not in html
    assert web.post(f"/events/{event.id}/picks", {"profile_ids": str(his_profile.id)}).status_code == 302
    other = WebClient(app.test_client())
    other.login(him)
    other.get(f"/events/{event.id}/picks")
    other.post(f"/events/{event.id}/picks", {"profile_ids": str(her_profile.id)})
    assert db.session.scalar(sa.select(Match.source)).value == "event"


def test_picks_page_of_someone_who_did_not_attend_is_refused(web, make):
    from tests.factories import EventFactory

    account, _profile = make.member()
    event = EventFactory(over=True)
    web.login(account)
    assert web.get(f"/events/{event.id}/picks").status_code == 403


def test_optional_matching_step_saves_and_keeps_an_approved_profile_approved(web, make):
    account, _profile = make.member()
    web.login(account)
    html = web.get("/profile").get_data(as_text=True)
    assert 'name="social_frequency"' in html and 'name="values.looks"' in html and 'name="friends_say.sincere"' in html
    answers = {"social_frequency": "weekly",
               **{f"values.{k}": "5" for k in ("looks", "sincerity", "intelligence", "humour", "ambition",
                                               "shared_interests")},
               **{f"friends_say.{k}": "7" for k in ("sincere", "intelligent", "humorous", "ambitious")}}
    assert web.post("/profile", answers).status_code == 302
    p = _own(account)
    assert p.social_frequency.value == "weekly" and p.partner_values["looks"] == 5 and p.friends_say["sincere"] == 7
    assert p.status is ProfileStatus.approved
    html = web.get("/profile").get_data(as_text=True)
    assert 'id="f-values-looks" name="values.looks" type="number" value="5"' in html


def test_optional_matching_step_shows_errors_beside_the_answers(web, make):
    account, _profile = make.member()
    web.login(account)
    web.get("/profile")
    response = web.post("/profile", {"values.looks": "11"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="values-looks-error"' in html and "<details class=\"panel\" open>" in html


# --- found by the browser sweep: what a member reads is Simplified Chinese, never API words ------

@pytest.mark.parametrize("url", ["/recommendations", "/picks", "/search?city=杭州"])
def test_pages_of_a_member_not_yet_approved_explain_it_in_chinese(web, make, url):
    account = make.account()
    make.profile(account)
    web.login(account)
    html = web.get(url).get_data(as_text=True)
    assert "需要你自己的资料已通过审核。" in html
    assert "This needs" not in html


def test_search_range_error_is_in_chinese(web, make):
    her, *_ = _pair(make)
    web.login(her)
    html = web.get("/search?age_min=50&age_max=30").get_data(as_text=True)
    assert "不能小于最小年龄。" in html
    assert "Must not" not in html


def test_profile_range_and_consent_errors_name_no_api_fields(web, make):
    account = make.account()
    web.login(account)
    response = web.post("/profile", {**FULL_PROFILE, "seeking.age_min": "40", "seeking.age_max": "30",
                                     "seeking.height_min": "180", "seeking.height_max": "160"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "最小年龄不能大于最大年龄。" in html and 'id="seeking-age_max-error"' in html
    assert "age_min 不能" not in html
    web.post("/profile", {**FULL_PROFILE, "consent_accepted": ""})
    html = web.post("/profile/submit").get_data(as_text=True)
    assert "请阅读下面的同意书，并勾选同意。" in html and 'id="consent_accepted-error"' in html
    assert "GET /consent" not in html


def test_a_refused_submit_says_so_at_the_top_with_a_link_to_the_first_field(web, make):
    account = make.account()
    web.login(account)
    web.post("/profile", {"display_name": "小林"})
    html = web.post("/profile/submit").get_data(as_text=True)
    summary = html.split("<h1>")[1].split('aria-labelledby="status-h"')[0]
    assert 'role="alert"' in summary and "处需要修改" in summary and 'href="#f-' in summary


def test_the_report_button_and_page_say_report_a_person_not_event_report(web, make):
    her, _hp, _him, his_profile, _match = _matched(make)
    web.login(her)
    html = web.get("/matches").get_data(as_text=True)
    assert f'href="/report/{his_profile.id}">举报</a>' in html
    assert "活动报告" not in html
    assert "<title>举报 ·" in web.get(f"/report/{his_profile.id}").get_data(as_text=True)


def test_a_suspension_is_not_worded_like_the_members_own_pause(web, make):
    """暂停展示 is what a member does to their own profile; a reviewer's suspension reads 已冻结, so a
    suspended member does not take it for their own pause (and reviewers can tell the two apart)."""
    account, profile = make.member(status=ProfileStatus.suspended, review_note="资料与本人不符")
    web.login(account)
    status = web.get("/profile").get_data(as_text=True).split('id="status-h"')[1].split("</section>")[0]
    assert "已冻结" in status and "暂停" not in status
    paused, _p = make.member(status=ProfileStatus.paused)
    web.login(paused)
    status = web.get("/profile").get_data(as_text=True).split('id="status-h"')[1].split("</section>")[0]
    assert "已暂停展示" in status and "冻结" not in status
