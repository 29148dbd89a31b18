"""Profiles: the member's application, consent, the status machine, export and erasure.

The life of a profile (DESIGN.md)::

    draft ─submit─▶ pending ─approve─▶ approved ─pause─▶ paused ─resume─▶ approved
      ▲                │ reject / request changes     │ material edit ─▶ pending
      └──── edit ◀─────┘                              │ suspend ─▶ suspended
    any state ─withdraw consent─▶ erased
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from marshmallow import missing

from matchsvc import signals, visibility
from matchsvc.accounts.models import Account
from matchsvc.core.clock import age_on, today, utcnow
from matchsvc.core.i18n import _, label
from matchsvc.errors import ConsentRequired, InvalidTransition, NotFound, ValidationFailed
from matchsvc.extensions import db
from matchsvc.profiles import consent as consent_text
from matchsvc.profiles.models import ConsentAction, ConsentRecord, Profile, ProfileStatus
from matchsvc.reviews import audit

#: Fields other members see; changing one of them on an approved profile sends it back to review.
PUBLIC_FIELDS = ("display_name", "gender", "birth_date", "height_cm", "education", "occupation", "city",
                 "hometown", "interests", "intro", "goal")
_SEEKING = {"gender": "seeking_gender", "age_min": "seeking_age_min", "age_max": "seeking_age_max",
            "height_min": "seeking_height_min", "height_max": "seeking_height_max",
            "education_min": "seeking_education_min", "cities": "seeking_cities"}
#: Private matching inputs: changing them needs no review, only a fresh index.
MATCHING_INPUTS = ("social_frequency", "partner_values", "friends_say")
#: States from which a member may (re)submit.
_SUBMITTABLE = {ProfileStatus.draft, ProfileStatus.rejected, ProfileStatus.changes_requested}
#: States a material edit sends back to review.
_REREVIEW = {ProfileStatus.approved, ProfileStatus.paused}


def _json_value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [dict(v) if isinstance(v, dict) else v for v in value]
    return value


def public_snapshot(profile: Profile | Mapping[str, Any]) -> dict[str, Any]:
    """The publicly shown fields as JSON values (what an approval approves), of a profile or of
    the column values of one about to be written in bulk."""
    if isinstance(profile, Mapping):
        return {name: _json_value(profile.get(name)) for name in PUBLIC_FIELDS}
    return {name: _json_value(getattr(profile, name)) for name in PUBLIC_FIELDS}


def changes_since_approval(profile: Profile) -> dict[str, dict[str, Any]] | None:
    """``{field: {before, after}}`` for each public field changed since the last approval; None for
    a profile never approved (nothing to compare with)."""
    before = profile.approved_snapshot
    if before is None:
        return None
    now = public_snapshot(profile)
    return {name: {"before": before.get(name), "after": now[name]}
            for name in PUBLIC_FIELDS if before.get(name) != now[name]}


def find_own(account: Account) -> Profile | None:
    return db.session.scalar(sa.select(Profile).where(Profile.account_id == account.id))


def get_own(account: Account) -> Profile:
    """The caller's profile; NotFound (404) if they have none."""
    profile = find_own(account)
    if profile is None:
        raise NotFound("You have no profile yet.", code="no_profile")
    return profile


def get(profile_id: int) -> Profile | None:
    return db.session.get(Profile, profile_id)


def update_own(*, actor: Account, changes: dict[str, Any]) -> Profile:
    """Create or edit the caller's profile with validated ``changes``.

    A changed public field of an approved or paused profile sends it back to ``pending`` (``contact``,
    ``seeking`` and the matching inputs ``social_frequency``, ``values`` and ``friends_say`` need no
    review); an edit of
    a rejected profile or one with changes requested makes it a ``draft`` again. ``consent`` records
    a consent to the current version. ValidationFailed (422) for a consent to any other version or a
    ``seeking`` range reversed against the stored bound; a refused edit changes nothing.
    """
    profile = find_own(actor)
    seeking = {column: (list(changes["seeking"][key] or []) if key == "cities" else changes["seeking"][key])
               for key, column in _SEEKING.items() if key in changes.get("seeking", {})}
    _check_seeking_order(profile, seeking)
    if "consent" in changes:
        _check_consent_version(changes["consent"]["version"])

    if profile is None:
        profile = _create_own(actor)
    material = _assign(profile, changes, PUBLIC_FIELDS)
    if "contact" in changes:
        given = changes["contact"]
        contact = {} if given is None else {**(profile.contact or {}), **given}
        profile.contact = {k: v for k, v in contact.items() if v}
    for column, value in seeking.items():
        setattr(profile, column, value)
    inputs_changed = _assign(profile, changes, MATCHING_INPUTS)
    if "consent" in changes:
        _give_consent(actor=actor, profile=profile)

    if material and profile.status in _REREVIEW:
        profile.status = ProfileStatus.pending
        profile.submitted_at = utcnow()
        profile.review_note = None
        signals.pool_changed.send(profile)
    elif material and profile.status in {ProfileStatus.rejected, ProfileStatus.changes_requested}:
        profile.status = ProfileStatus.draft
    elif ("seeking" in changes or inputs_changed) and profile.status is ProfileStatus.approved:
        signals.pool_changed.send(profile)
    profile.updated_at = utcnow()
    db.session.flush()
    return profile


def _assign(profile: Profile, changes: dict[str, Any], names: Any) -> bool:
    """Set the fields of ``names`` that ``changes`` gives; True if any value changed."""
    changed = False
    for name in names:
        if name in changes and getattr(profile, name) != changes[name]:
            changed = True
            setattr(profile, name, changes[name])
    return changed


def _create_own(actor: Account) -> Profile:
    """An empty draft for the caller, or the one a concurrent first edit has just created."""
    profile = Profile(account_id=actor.id, status=ProfileStatus.draft, interests=[], contact={}, seeking_cities=[])
    try:
        with db.session.begin_nested():
            db.session.add(profile)
    except sa.exc.IntegrityError:
        return get_own(actor)
    return profile


def _check_seeking_order(profile: Profile | None, seeking: dict[str, Any]) -> None:
    """ValidationFailed if a new bound and the other (new or stored) bound are reversed."""
    for low, high in (("seeking_age_min", "seeking_age_max"), ("seeking_height_min", "seeking_height_max")):
        lo = seeking[low] if low in seeking else getattr(profile, low, None)
        hi = seeking[high] if high in seeking else getattr(profile, high, None)
        if lo is not None and hi is not None and lo > hi:
            field = "seeking." + high.removeprefix("seeking_")
            raise ValidationFailed("The range in seeking is reversed.",
                                   errors={field: [_("Must not be below %(other)s.", other=field.replace("max", "min"))]})


def _check_consent_version(version: str) -> None:
    current = consent_text.current_version()
    if version != current:
        raise ValidationFailed("That is not the current consent version.",
                               errors={"consent.version": [_("The current version is %(version)s; read GET /consent.",
                                                              version=current)]})


def _give_consent(*, actor: Account, profile: Profile) -> None:
    current = consent_text.current_version()
    if profile.consent_version == current:
        return
    profile.consent_version = current
    profile.consented_at = utcnow()
    db.session.flush()
    record, entry = consent_given(account_id=actor.id, profile_id=profile.id, org_unit_id=actor.org_unit_id,
                                  version=current, at=profile.consented_at)
    db.session.add(ConsentRecord(**record))
    audit.record_many([entry])


def consent_given(*, account_id: int, profile_id: int, org_unit_id: int, version: str,
                  at: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """What a member giving consent leaves behind: the consent record and the audit entry (the
    profile itself carries ``consent_version`` and ``consented_at``). Written one at a time by the
    real flow and in bulk by `record_consents` (the demo's seed), so both always agree."""
    return ({"account_id": account_id, "version": version, "action": ConsentAction.given, "at": at},
            audit.entry(actor_id=account_id, action="consent_given", target=f"profile:{profile_id}",
                        org_unit_id=org_unit_id, detail={"version": version}, at=at))


def record_consents(given: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """Write many `consent_given` results in two statements."""
    if given:
        db.session.execute(sa.insert(ConsentRecord), [record for record, _ in given])
        audit.record_many([entry for _, entry in given])


def missing_for_submit(profile: Profile) -> dict[str, list[str]]:
    """Field errors that keep a profile from being submitted (empty when it is complete)."""
    errors: dict[str, list[str]] = {}
    for name in ("display_name", "gender", "birth_date"):
        if getattr(profile, name) in (None, ""):
            errors[name] = ["Required before submitting."]
    if profile.birth_date is not None and age_on(profile.birth_date, today()) < 18:
        errors["birth_date"] = ["Members must be 18 or older."]
    for key in ("gender", "age_min", "age_max"):
        if getattr(profile, _SEEKING[key]) is None:
            errors[f"seeking.{key}"] = ["Required before submitting."]
    if profile.consent_version != consent_text.current_version():
        errors["consent"] = [_("Consent to version %(version)s is required (GET /consent).",
                                version=consent_text.current_version())]
    return errors


def submit(*, actor: Account) -> Profile:
    """Send the caller's profile to their unit's reviewers.

    NotFound without a profile; InvalidTransition (409) unless draft, rejected or changes
    requested; ConsentRequired / ValidationFailed (422) with field errors if incomplete.
    """
    profile = get_own(actor)
    if profile.status not in _SUBMITTABLE:
        raise InvalidTransition(_("A %(status)s profile cannot be submitted.", status=label(profile.status.value)))
    errors = missing_for_submit(profile)
    if errors:
        if set(errors) == {"consent"}:
            raise ConsentRequired("Accept the current consent text first.", errors=errors)
        raise ValidationFailed("The profile is incomplete.", errors=errors)
    profile.status = ProfileStatus.pending
    profile.submitted_at = utcnow()
    profile.updated_at = profile.submitted_at
    db.session.flush()
    return profile


def pause(*, actor: Account) -> Profile:
    """approved → paused (out of every list until resumed); InvalidTransition otherwise."""
    return _toggle(actor, ProfileStatus.approved, ProfileStatus.paused)


def resume(*, actor: Account) -> Profile:
    """paused → approved; InvalidTransition otherwise."""
    return _toggle(actor, ProfileStatus.paused, ProfileStatus.approved)


def _toggle(actor: Account, source: ProfileStatus, target: ProfileStatus) -> Profile:
    profile = get_own(actor)
    if profile.status is not source:
        raise InvalidTransition(_("Only a %(source)s profile can become %(target)s; this one is %(status)s.",
                                  source=label(source.value), target=label(target.value),
                                  status=label(profile.status.value)))
    profile.status = target
    profile.updated_at = utcnow()
    db.session.flush()
    signals.pool_changed.send(profile)
    return profile


def withdraw(*, actor: Account) -> None:
    """Withdraw consent: erase the profile and everything personal hanging off it at once
    (PIPL Art. 15 and 47). Kept: the account, the consent records (version and times) and an
    audit trail without personal content."""
    profile = find_own(actor)
    if profile is None:
        return
    profile_id = profile.id
    if profile.consent_version is not None:
        db.session.add(ConsentRecord(account_id=actor.id, version=profile.consent_version,
                                     action=ConsentAction.withdrawn, at=utcnow()))
    audit.scrub_target(f"profile:{profile_id}")
    audit.record(actor=actor, action="consent_withdrawn", target=f"profile:{profile_id}",
                 org_unit_id=actor.org_unit_id, detail={"version": profile.consent_version})
    for erase in _erasers:
        erase(profile)
    db.session.delete(profile)
    db.session.flush()
    signals.pool_changed.send(profile)


#: Other domains register what they hold about a profile that the database cascade does not cover.
_erasers: list[Any] = []
_exporters: dict[str, Any] = {}


def register_eraser(fn: Any) -> Any:
    _erasers.append(fn)
    return fn


def register_exporter(name: str) -> Any:
    def decorator(fn: Any) -> Any:
        _exporters[name] = fn
        return fn

    return decorator


def export(*, actor: Account) -> dict[str, Any]:
    """Everything held about the caller: account, profile, consents and what each domain keeps."""
    profile = find_own(actor)
    consents = db.session.scalars(sa.select(ConsentRecord).where(ConsentRecord.account_id == actor.id)
                                  .order_by(ConsentRecord.at, ConsentRecord.id)).all()
    data: dict[str, Any] = {
        "account": {"id": actor.id, "username": actor.username, "roles": actor.roles,
                    "org_unit_id": actor.org_unit_id, "created_at": actor.created_at.isoformat()},
        "profile": profile,
        "consents": [{"version": c.version, "action": c.action.value, "at": c.at.isoformat()} for c in consents],
        "exported_at": utcnow(),
    }
    for name in ("likes", "passes", "blocks", "reports", "matches", "events", "notifications", "photos"):
        fn = _exporters.get(name)
        data[name] = fn(actor=actor, profile=profile) if fn else []
    return data


class PublicView:
    """A profile as another member sees it: ``contact`` only when ``show_contact``.

    Schemas skip an attribute that is ``marshmallow.missing``, so one response schema serves the
    matched and the unmatched view.
    """

    __slots__ = ("_profile", "_show_contact")

    def __init__(self, profile: Profile, show_contact: bool = False) -> None:
        self._profile = profile
        self._show_contact = show_contact

    def __getattr__(self, name: str) -> Any:
        if name == "contact":
            return self._profile.contact if self._show_contact else missing
        return getattr(self._profile, name)


def view(*, actor: Account, profile_id: int) -> PublicView:
    """The public view of a profile the caller may see (the rule: `visibility.viewable_profile`),
    with the contact only for the owner and a standing match.

    NotFound for a profile the caller may not see; Forbidden (``out_of_scope``) for a reviewer
    outside their scope; Forbidden (``profile_not_approved``) for a member without an approved
    profile of their own.
    """
    target, show_contact = visibility.viewable_profile(actor, profile_id)
    return PublicView(target, show_contact)
