"""The consoles through the Flask test client: role checks and scope (403/404 pages, never data),
CSRF on every form, and each page doing what its service does."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from matchsvc.core.clock import utcnow
from matchsvc.events.models import Event, Invitation, Signup, SignupStatus
from matchsvc.extensions import db
from matchsvc.interactions.models import Report
from matchsvc.orgs.models import OrgUnit
from matchsvc.profiles.models import Profile, ProfileStatus
from matchsvc.reviews import service as reviews
from matchsvc.reviews.models import AuditEntry

from tests.factories import EventFactory


@pytest.fixture
def units(make):
    east = make.unit("东区工会")
    west = make.unit("西区妇联")
    return east, west


def _html(response) -> str:
    return response.get_data(as_text=True)


# --- who may open what --------------------------------------------------------------------------

CONSOLE_PAGES = ["/review/queue", "/review/reports", "/review/audit", "/review/stats", "/organize/events",
                 "/organize/events/new", "/admin/units", "/admin/accounts"]


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_a_member_gets_403_on_console_pages(web, make, path):
    web.login(make.account())
    r = web.get(path)
    assert r.status_code == 403 and r.mimetype == "text/html"
    assert "<table" not in _html(r)


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_anonymous_callers_are_sent_to_sign_in(web, make, path):
    r = web.get(path)
    assert r.status_code == 302 and "/login" in r.headers["Location"]


@pytest.mark.parametrize("role,path,status", [
    ("reviewer", "/review/queue", 200), ("reviewer", "/review/stats", 200), ("reviewer", "/organize/events", 403),
    ("reviewer", "/admin/units", 403), ("organizer", "/organize/events", 200), ("organizer", "/review/queue", 403),
    ("admin", "/admin/accounts", 200), ("admin", "/review/audit", 200), ("admin", "/review/stats", 200),
])
def test_each_role_opens_its_own_console(web, make, role, path, status):
    web.login(make.account(role))
    assert web.get(path).status_code == status


def test_home_links_to_the_consoles_of_the_callers_roles(web, make):
    web.login(make.account("reviewer", "organizer"))
    html = _html(web.get("/"))
    assert "/review/queue" in html and "/organize/events" in html and "/admin/units" not in html


# --- the reviewer console -----------------------------------------------------------------------

def test_queue_lists_pending_profiles_of_the_scope_with_their_unit(web, make, units):
    east, west = units
    mine = make.profile(make.account(unit=east), pending=True, display_name="小东")
    make.profile(make.account(unit=west), pending=True, display_name="小西")
    web.login(make.account("reviewer", unit=east))
    html = _html(web.get("/review/queue"))
    assert "小东" in html and "东区工会" in html and "小西" not in html
    assert f"/review/profiles/{mine.id}" in html


def test_queue_filters_by_unit_and_refuses_a_unit_out_of_scope(web, make, units):
    east, west = units
    team = make.unit("东区一队", parent=east)
    make.profile(make.account(unit=east), pending=True, display_name="小东")
    make.profile(make.account(unit=team), pending=True, display_name="一队小王")
    web.login(make.account("reviewer", unit=east))
    html = _html(web.get(f"/review/queue?org_unit_id={team.id}"))
    assert "一队小王" in html and "小东" not in html
    assert web.get(f"/review/queue?org_unit_id={west.id}").status_code == 403


def test_a_reviewer_out_of_scope_gets_a_403_page_not_the_profile(web, make, units):
    east, west = units
    other = make.profile(make.account(unit=west), pending=True, display_name="小西", intro="不该看到的介绍")
    web.login(make.account("reviewer", unit=east))
    r = web.get(f"/review/profiles/{other.id}")
    assert r.status_code == 403 and "不该看到的介绍" not in _html(r) and "小西" not in _html(r)
    r = web.post(f"/review/profiles/{other.id}", {"decision": "approve", "note": ""})
    assert r.status_code == 403
    assert db.session.get(Profile, other.id).status is ProfileStatus.pending
    assert web.get("/review/profiles/999999").status_code == 404


def test_request_changes_needs_a_note_shown_beside_the_field(web, make, units):
    east, _ = units
    p = make.profile(make.account(unit=east), pending=True)
    web.login(make.account("reviewer", unit=east))
    r = web.post(f"/review/profiles/{p.id}", {"decision": "request_changes", "note": ""})
    assert r.status_code == 200 and 'class="field-error"' in _html(r)
    assert db.session.get(Profile, p.id).status is ProfileStatus.pending


def test_decision_form_approves_and_returns_to_the_queue(web, make, units):
    east, _ = units
    p = make.profile(make.account(unit=east), pending=True)
    web.login(make.account("reviewer", unit=east))
    assert 'name="decision"' in _html(web.get(f"/review/profiles/{p.id}"))
    r = web.post(f"/review/profiles/{p.id}", {"decision": "approve", "note": ""})
    assert r.status_code == 302 and r.headers["Location"].endswith("/review/queue")
    db.session.expire_all()
    assert db.session.get(Profile, p.id).status is ProfileStatus.approved


def test_decision_by_htmx_swaps_the_panel(web, make, units):
    east, _ = units
    p = make.profile(make.account(unit=east), pending=True)
    web.login(make.account("reviewer", unit=east))
    web.get(f"/review/profiles/{p.id}")
    r = web.post(f"/review/profiles/{p.id}", {"decision": "request_changes", "note": "请补充自我介绍"},
                 headers={"HX-Request": "true"})
    assert r.status_code == 200 and _html(r).lstrip().startswith('<section class="panel" id="decision"')
    db.session.expire_all()
    assert db.session.get(Profile, p.id).review_note == "请补充自我介绍"


def test_suspend_from_the_profile_page(web, make, units):
    east, _ = units
    _, p = make.member(unit=east)
    web.login(make.account("reviewer", unit=east))
    r = web.post(f"/review/profiles/{p.id}/suspend", {"reason": "冒用他人照片"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Profile, p.id).status is ProfileStatus.suspended
    assert "冒用他人照片" in _html(web.get(f"/review/profiles/{p.id}"))


def test_the_suspension_reason_is_asked_for_before_the_form_is_sent(web, make, units):
    """Sent empty, the reason came back as 缺少必填字段 at the top of the page, out of context; the
    browser now asks for it (the lifting note stays optional)."""
    east, _ = units
    _, p = make.member(unit=east)
    web.login(make.account("reviewer", unit=east))
    html = _html(web.get(f"/review/profiles/{p.id}"))
    assert '<textarea id="f-reason" name="reason" rows="4" maxlength="1000" required' in html
    reviews.suspend(actor=make.account("reviewer", unit=east), profile_id=p.id, reason="冒用他人照片")
    db.session.commit()
    html = _html(web.get(f"/review/profiles/{p.id}"))
    assert 'name="note" rows="4" maxlength="1000">' in html.split('id="unsuspend-h"')[1]


def test_reports_page_lists_open_reports_in_scope_and_resolves_them(web, make, units):
    east, west = units
    _, reported = make.member(unit=east, display_name="被举报人")
    _, far = make.member(unit=west, display_name="别处的人")
    _, reporter = make.member(unit=west, gender="male", display_name="举报人")
    mine = Report(reporter_id=reporter.id, profile_id=reported.id, reason="骚扰信息", created_at=utcnow())
    theirs = Report(reporter_id=reporter.id, profile_id=far.id, reason="别处的举报", created_at=utcnow())
    db.session.add_all([mine, theirs])
    db.session.commit()
    web.login(make.account("reviewer", unit=east))
    html = _html(web.get("/review/reports"))
    assert "骚扰信息" in html and "被举报人" in html and "别处的举报" not in html
    assert web.post(f"/review/reports/{theirs.id}/resolve", {"outcome": "dismissed"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Report, theirs.id).status.value == "open"  # out of scope: refused
    web.post(f"/review/reports/{mine.id}/resolve", {"outcome": "nonsense"})
    db.session.expire_all()
    assert db.session.get(Report, mine.id).status.value == "open"
    web.post(f"/review/reports/{mine.id}/resolve", {"outcome": "suspended", "note": "核实属实"})
    db.session.expire_all()
    assert db.session.get(Report, mine.id).status.value == "resolved"
    assert db.session.get(Profile, reported.id).status is ProfileStatus.suspended
    html = _html(web.get("/review/reports?status=resolved"))
    assert "骚扰信息" in html and "核实属实" in html
    assert "骚扰信息" not in _html(web.get("/review/reports"))


def test_unsuspend_and_find_members_by_status(web, make, units):
    east, west = units
    _, p = make.member(unit=east, display_name="暂停的人")
    make.member(unit=west, display_name="西区的人")
    web.login(make.account("reviewer", unit=east))
    web.post(f"/review/profiles/{p.id}/suspend", {"reason": "待核实"})
    html = _html(web.get("/review/members?status=suspended"))
    assert "暂停的人" in html and "西区的人" not in html
    assert "暂停的人" not in _html(web.get("/review/members?status=approved"))
    assert "西区的人" not in _html(web.get("/review/members?q=西区"))
    assert web.get(f"/review/members?org_unit_id={west.id}").status_code == 403
    assert f"/review/profiles/{p.id}/unsuspend" in _html(web.get(f"/review/profiles/{p.id}"))
    web.post(f"/review/profiles/{p.id}/unsuspend", {"note": "已核实"})
    db.session.expire_all()
    assert db.session.get(Profile, p.id).status is ProfileStatus.approved


def test_a_profile_back_for_review_shows_what_changed(web, make, units):
    from matchsvc.profiles import service as profiles

    east, _ = units
    account, p = make.member(unit=east, intro="原来的介绍")
    p.approved_snapshot = profiles.public_snapshot(p)
    p.intro, p.status = "新的介绍", ProfileStatus.pending
    db.session.commit()
    web.login(make.account("reviewer", unit=east))
    assert 'class="status"' in _html(web.get("/review/queue"))
    html = _html(web.get(f"/review/profiles/{p.id}"))
    assert 'id="changes-h"' in html and "原来的介绍" in html and "新的介绍" in html


def test_audit_log_shows_the_scope_only(web, make, units):
    east, west = units
    db.session.add_all([AuditEntry(action="approve", target="profile:1", org_unit_id=east.id, detail={"note": "东区记录"}),
                        AuditEntry(action="reject", target="profile:2", org_unit_id=west.id, detail={"note": "西区记录"})])
    db.session.commit()
    web.login(make.account("reviewer", unit=east))
    html = _html(web.get("/review/audit"))
    assert "东区记录" in html and "西区记录" not in html


def test_audit_log_reads_in_words_not_raw_keys(web, make, units):
    east, west = units
    admin = make.account("admin", unit=east)
    db.session.add_all([
        AuditEntry(actor_id=admin.id, action="role_granted", target="account:7", org_unit_id=east.id,
                   detail={"role": "organizer", "org_unit_id": west.id}),
        AuditEntry(actor_id=None, action="approve", target="profile:12", org_unit_id=east.id,
                   detail={"review_seconds": 60, "via": "seed-demo"}),
        AuditEntry(actor_id=admin.id, action="suspend", target="profile:13", org_unit_id=east.id,
                   detail={"reason": "冒用身份", "from": "approved"}),
        AuditEntry(actor_id=admin.id, action="photo_reject", target="photo:5", org_unit_id=east.id,
                   detail={"profile_id": 13, "note": "不是本人"}),
    ])
    db.session.commit()
    web.login(admin)
    html = _html(web.get("/review/audit"))
    for words in ("账号 #7", "角色: 活动组织者", "单位: 西区妇联", "资料 #12", "来源: 演示数据", "原因: 冒用身份",
                  "改动前: 已通过", "照片未通过", "照片 #5", f"<td>{admin.username}</td>", "<td>系统</td>"):
        assert words in html, words
    assert 'href="/review/profiles/12"' in html
    for raw in ("account:7", "profile:12", "role:", "via:", "seed-demo", "review_seconds", ">photo_reject<"):
        assert raw not in html, raw


def test_statistics_page_has_tables_charts_and_the_csv(web, make, units):
    east, _ = units
    make.member(unit=east)
    web.login(make.account("reviewer", unit=east))
    r = web.get("/review/stats")
    html = _html(r)
    assert r.status_code == 200 and html.count("<svg") >= 2 and "<table" in html and "东区工会" in html
    assert "/review/stats.csv" in html
    csv = web.get("/review/stats.csv")
    assert csv.mimetype == "text/csv" and csv.get_data(as_text=True).startswith("\ufeffmetric,org_unit,month,value")
    assert web.get("/review/stats?from=2026-13").status_code == 200


# --- the organizer console ----------------------------------------------------------------------

def _local(delta: timedelta) -> str:
    """A datetime-local value in the deployment's zone (Asia/Shanghai by default)."""
    from zoneinfo import ZoneInfo

    return (utcnow() + delta).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")


def _event_form(unit_ids, **overrides):
    form = {"title": "周末读书会", "description": "一起读书", "tags": "阅读，咖啡", "location": "市图书馆",
            "starts_at": _local(timedelta(days=7)), "ends_at": _local(timedelta(days=7, hours=2)),
            "signup_deadline": _local(timedelta(days=5)), "capacity": "10", "quota_male": "5",
            "quota_female": "5", "age_min": "22", "age_max": "35", "org_unit_ids": [str(u) for u in unit_ids]}
    form.update(overrides)
    return form


def test_create_event_from_the_form_in_the_deployments_time_zone(web, make, units):
    east, _ = units
    web.login(make.account("organizer", unit=east))
    assert 'type="datetime-local"' in _html(web.get("/organize/events/new"))
    starts = _local(timedelta(days=7))
    r = web.post("/organize/events/new", _event_form([east.id], starts_at=starts))
    assert r.status_code == 302, _html(r)
    event = db.session.scalar(sa.select(Event))
    assert event.title == "周末读书会" and event.tags == ["阅读", "咖啡"] and event.org_unit_ids == [east.id]
    assert (event.quota_male, event.quota_female, event.age_min, event.age_max) == (5, 5, 22, 35)
    from zoneinfo import ZoneInfo

    assert event.starts_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M") == starts
    assert r.headers["Location"].endswith(f"/organize/events/{event.id}")


@pytest.mark.parametrize("overrides,field", [
    ({"quota_male": "8", "quota_female": "8"}, "quota_male"),
    ({"age_min": "40", "age_max": "30"}, "age_max"),
    ({"signup_deadline": "bad"}, "signup_deadline"),
    ({"title": ""}, "title"),
    ({"capacity": "0"}, "capacity"),
    ({"org_unit_ids": []}, "org_unit_ids"),
])
def test_event_form_shows_the_apis_validation_in_place(web, make, units, overrides, field):
    east, _ = units
    web.login(make.account("organizer", unit=east))
    r = web.post("/organize/events/new", _event_form([east.id], **overrides))
    assert r.status_code == 200
    assert f'id="{field}-error"' in _html(r), _html(r)
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_event_rules_are_worded_for_people_not_as_api_fields(web, make, units):
    east, _ = units
    web.login(make.account("organizer", unit=east))
    r = web.post("/organize/events/new", _event_form(
        [east.id], ends_at=_local(timedelta(days=6)), signup_deadline=_local(timedelta(days=8)),
        quota_male="8", quota_female="8", age_min="40", age_max="30"))
    html = _html(r)
    assert r.status_code == 200
    for text in ("必须晚于开始时间。", "不能晚于开始时间。", "男女名额之和不能超过总人数（10）。", "不能小于最小年龄。"):
        assert text in html
    assert "starts_at。" not in html and "quota.male" not in html and "age_min。" not in html
    above_the_form = html.split("<h1>")[1].split('class="stack" novalidate')[0]
    assert "下面有 4 处需要修改。" in above_the_form


@pytest.mark.parametrize("overrides,field,words", [({"org_unit_ids": []}, "org_unit_ids", "请至少选择一个单位。"),
                                                   ({"title": " "}, "title", "请填写活动名称。")])
def test_an_empty_event_field_says_what_to_do_not_a_length_rule(web, make, units, overrides, field, words):
    east, _ = units
    web.login(make.account("organizer", unit=east))
    html = _html(web.post("/organize/events/new", _event_form([east.id], **overrides)))
    error = html.split(f'id="{field}-error">')[1].split("</p>")[0]
    assert error == words


def test_the_event_form_names_the_zone_as_people_do(web, make, units):
    east, _ = units
    web.login(make.account("organizer", unit=east))
    html = _html(web.get("/organize/events/new"))
    assert "时间按北京时间填写。" in html and "Asia/Shanghai" not in html


def test_statistics_period_error_is_worded_for_people(web, make, units):
    east, _ = units
    web.login(make.account("reviewer", unit=east))
    html = _html(web.get("/review/stats?from=2026-05&to=2026-01"))
    assert "不能早于起始月份。" in html and "from。" not in html


def test_a_unit_outside_the_organizers_scope_is_refused(web, make, units):
    east, west = units
    web.login(make.account("organizer", unit=east))
    r = web.post("/organize/events/new", _event_form([west.id]))
    assert r.status_code == 200 and db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_an_organizer_of_another_event_gets_403_pages(web, make, units):
    east, west = units
    event = EventFactory(org_units=[west], title="西区的活动")
    web.login(make.account("organizer", unit=east))
    for path in (f"/organize/events/{event.id}", f"/organize/events/{event.id}/edit",
                 f"/organize/events/{event.id}/checkin", f"/organize/events/{event.id}/report.csv",
                 f"/organize/events/{event.id}/proposal?size=4"):
        r = web.get(path)
        assert r.status_code == 403 and "西区的活动" not in _html(r), path
    assert web.post(f"/organize/events/{event.id}/cancel").status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).status.value == "published"
    assert web.get("/organize/events/999999").status_code == 404


def test_edit_and_cancel_an_event(web, make, units):
    east, _ = units
    web.login(make.account("organizer", unit=east))
    web.post("/organize/events/new", _event_form([east.id]))
    event = db.session.scalar(sa.select(Event))
    html = _html(web.get(f"/organize/events/{event.id}/edit"))
    assert 'value="周末读书会"' in html
    r = web.post(f"/organize/events/{event.id}/edit", _event_form([east.id], title="周末读书会（改）", capacity="12"))
    assert r.status_code == 302
    db.session.expire_all()
    assert (db.session.get(Event, event.id).title, db.session.get(Event, event.id).capacity) == ("周末读书会（改）", 12)
    web.post(f"/organize/events/{event.id}/cancel")
    db.session.expire_all()
    assert db.session.get(Event, event.id).status.value == "cancelled"


def test_event_page_shows_seats_and_people_with_names(web, make, units):
    east, _ = units
    organizer = make.account("organizer", unit=east)
    event = EventFactory(org_units=[east], created_by=organizer.id, capacity=2, quota_male=1, quota_female=1)
    _, anna = make.member(unit=east, display_name="安娜")
    _, bella = make.member(unit=east, display_name="贝拉")
    db.session.add_all([Signup(event_id=event.id, profile_id=anna.id, gender=anna.gender,
                               status=SignupStatus.confirmed, confirmed_at=utcnow()),
                        Signup(event_id=event.id, profile_id=bella.id, gender=bella.gender,
                               status=SignupStatus.waitlisted)])
    db.session.commit()
    web.login(organizer)
    html = _html(web.get(f"/organize/events/{event.id}"))
    assert "安娜" in html and "贝拉" in html and "东区工会" in html
    assert html.index("安娜") < html.index("贝拉")  # confirmed before the waiting list
    csv = web.get(f"/organize/events/{event.id}/report.csv").get_data(as_text=True)
    assert csv.startswith("\ufeffmetric,value") and "安娜" in csv and "13800138000" not in csv


def test_propose_a_group_then_invite_the_ticked_people(web, make, units):
    east, _ = units
    organizer = make.account("organizer", unit=east)
    event = EventFactory(org_units=[east], created_by=organizer.id)
    people = [make.member(unit=east, gender=g, seeking_gender="female" if g == "male" else "male",
                          display_name=f"成员{i}")[1] for i, g in enumerate(["male", "female"] * 3)]
    web.login(organizer)
    r = web.get(f"/organize/events/{event.id}/proposal?size=4")
    html = _html(r)
    assert r.status_code == 200 and html.count('name="profile_ids"') == 4
    # the reasons speak of the member to the organizer, not to "you" (as the member's suggestions do)
    reasons = html.split('class="proposal"')[1].split("</ul>\n    <button")[0]
    assert "你" not in reasons and ("喜欢" in reasons or "自我介绍" in reasons)
    ticked = [p.id for p in people if f'value="{p.id}" checked' in html][:3]
    r = web.post(f"/organize/events/{event.id}/invitations", {"profile_ids": ticked})
    assert r.status_code == 302
    invited = set(db.session.scalars(sa.select(Invitation.profile_id).where(Invitation.event_id == event.id)))
    assert invited == set(ticked)
    assert web.get(f"/organize/events/{event.id}/proposal?size=1").status_code == 200


def test_check_in_at_the_door_by_name_and_undo(web, make, units):
    east, _ = units
    organizer = make.account("organizer", unit=east)
    event = EventFactory(soon=True, org_units=[east], created_by=organizer.id)
    _, anna = make.member(unit=east, display_name="安娜")
    _, bella = make.member(unit=east, display_name="贝拉")
    for p in (anna, bella):
        db.session.add(Signup(event_id=event.id, profile_id=p.id, gender=p.gender, status=SignupStatus.confirmed,
                              confirmed_at=utcnow()))
    db.session.commit()
    web.login(organizer)
    html = _html(web.get(f"/organize/events/{event.id}/checkin?q=安"))
    assert "安娜" in html and "贝拉" not in html
    r = web.post(f"/organize/events/{event.id}/checkin", {"profile_id": anna.id}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and f'id="checkin-{anna.id}"' in _html(r) and "/undo" in _html(r)
    assert db.session.scalar(sa.select(Signup.checked_in_at).where(Signup.profile_id == anna.id)) is not None
    r = web.post(f"/organize/events/{event.id}/checkin/{anna.id}/undo", {})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(Signup.checked_in_at).where(Signup.profile_id == anna.id)) is None


# --- admin --------------------------------------------------------------------------------------

def test_admin_adds_a_unit_to_the_tree(web, make):
    root = make.root()
    web.login(make.account("admin"))
    r = web.post("/admin/units", {"name": "南区工会", "parent_id": str(root.id)})
    assert r.status_code == 302
    assert "南区工会" in _html(web.get("/admin/units"))
    r = web.post("/admin/units", {"name": "", "parent_id": str(root.id)})
    assert r.status_code == 200 and 'id="name-error"' in _html(r)


def test_admin_finds_an_account_and_grants_roles(web, make, units):
    east, _ = units
    target = make.account(username="zhang.san")
    web.login(make.account("admin"))
    html = _html(web.get("/admin/accounts?username=zhang"))
    assert "zhang.san" in html
    r = web.post(f"/admin/accounts/{target.id}/roles", {"roles": ["reviewer", "organizer"],
                                                         "org_unit_id": str(east.id)})
    assert r.status_code == 302
    db.session.expire_all()
    from matchsvc.accounts.models import Account

    account = db.session.get(Account, target.id)
    assert account.roles == ["member", "reviewer", "organizer"] and account.org_unit_id == east.id


# --- CSRF ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path,data", [
    ("/review/profiles/{p}", {"decision": "approve"}),
    ("/review/profiles/{p}/suspend", {"reason": "x"}),
    ("/organize/events/new", {"title": "x"}),
    ("/admin/units", {"name": "无令牌单位"}),
    ("/admin/accounts/{a}/roles", {"roles": ["admin"], "org_unit_id": "1"}),
])
def test_console_forms_refuse_a_post_without_the_csrf_token(web, make, units, path, data):
    east, _ = units
    p = make.profile(make.account(unit=east), pending=True)
    target = make.account(unit=east)
    web.login(make.account("reviewer", "organizer", "admin", unit=east))
    r = web.post(path.format(p=p.id, a=target.id), data, csrf=False)
    assert r.status_code in (400, 403)
    db.session.expire_all()
    assert db.session.get(Profile, p.id).status is ProfileStatus.pending
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0
    assert db.session.scalar(sa.select(OrgUnit.id).where(OrgUnit.name == "无令牌单位")) is None
    from matchsvc.accounts.models import Account

    assert db.session.get(Account, target.id).roles == ["member"]


def test_admin_disables_enables_and_resets_a_password(web, make):
    from matchsvc.accounts.models import Account

    target = make.account(username="li.si")
    admin = make.account("admin")
    web.login(admin)
    web.get("/admin/accounts?username=li.si")
    assert web.post(f"/admin/accounts/{target.id}/disable", {"back": "/admin/accounts?username=li.si"}) \
        .headers["Location"].endswith("/admin/accounts?username=li.si")
    db.session.expire_all()
    assert db.session.get(Account, target.id).disabled
    assert "li.si" in _html(web.get("/admin/accounts?username=li.si"))
    web.post(f"/admin/accounts/{target.id}/enable", {"back": "https://elsewhere.example/"})
    db.session.expire_all()
    assert not db.session.get(Account, target.id).disabled
    r = web.post(f"/admin/accounts/{target.id}/reset-password", {})
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert 'class="otp"' in _html(r)
    db.session.expire_all()
    assert db.session.get(Account, target.id).has_one_time_password
    r = web.post(f"/admin/accounts/{admin.id}/disable", {})
    assert r.status_code == 302
    db.session.expire_all()
    assert not db.session.get(Account, admin.id).disabled  # nobody disables themselves


def test_pending_photos_are_reviewed_on_the_profile_page(web, make, units, as_):
    from matchsvc.photos.models import Photo, PhotoStatus

    from tests.photos.conftest import upload

    east, west = units
    account, p = make.member(unit=east)
    r = upload(as_(account))
    assert r.status_code == 201
    photo_id, key = r.get_json()["id"], r.get_json()["url"].split("/")[-1]
    p.status = ProfileStatus.pending
    db.session.commit()
    web.login(make.account("reviewer", unit=east))
    html = _html(web.get(f"/review/profiles/{p.id}"))
    assert f"/review/photos/{key}/thumb" in html and 'id="photos-h"' in html
    image = web._open("GET", f"/review/photos/{key}/thumb")
    assert image.status_code == 200 and image.mimetype.startswith("image/")
    web.post(f"/review/photos/{photo_id}", {"decision": "reject", "note": "", "profile_id": p.id})
    db.session.expire_all()
    assert db.session.get(Photo, photo_id).status is PhotoStatus.pending  # a rejection needs a note
    r = web.post(f"/review/photos/{photo_id}", {"decision": "approve", "note": "", "profile_id": p.id})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/review/profiles/{p.id}#photos-h")
    db.session.expire_all()
    assert db.session.get(Photo, photo_id).status is PhotoStatus.approved
    web.login(make.account("reviewer", unit=west))
    assert web._open("GET", f"/review/photos/{key}").status_code == 404  # out of scope: not found
