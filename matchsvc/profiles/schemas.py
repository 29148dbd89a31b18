"""Profile bodies: one schema per direction and audience."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import marshmallow as ma

from matchsvc.core.i18n import _
from matchsvc.core.clock import age_on, today
from matchsvc.core.schemas import Email, FreeText, StrictBoolean, Text, clean_text
from matchsvc.photos.schemas import PhotoSchema, photo_url
from matchsvc.profiles.models import (FRIENDS_SAY_KEYS, VALUE_KEYS, Education, Gender, Goal, ProfileStatus,
                                      SocialFrequency)

MAX_INTERESTS = 20
MAX_TAG_LEN = 20
DEFAULT_TAG_WEIGHT = 3
#: ASCII digits only (``\d`` would take full-width and other scripts' digits); ``\Z``, as ``$``
#: lets a trailing newline through.
_PHONE = re.compile(r"^\+?[0-9]{6,15}\Z")
_WECHAT = re.compile(r"^[A-Za-z][-_A-Za-z0-9]{5,19}\Z")


class InterestField(ma.fields.Field):
    """An interest: a tag string, or ``{"tag": str, "weight": 1..5}``."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> dict[str, Any]:
        if isinstance(value, str):
            tag, weight = value, DEFAULT_TAG_WEIGHT
        elif isinstance(value, dict):
            unknown = set(value) - {"tag", "weight"}
            if unknown:
                raise ma.ValidationError(_("Unknown keys: %(keys)s.", keys=", ".join(sorted(map(str, unknown)))))
            tag, weight = value.get("tag"), value.get("weight", DEFAULT_TAG_WEIGHT)
            if not isinstance(tag, str):
                raise ma.ValidationError("'tag' must be a string.")
            if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 5:
                raise ma.ValidationError("'weight' must be an integer from 1 to 5.")
        else:
            raise ma.ValidationError("An interest is a string or {\"tag\", \"weight\"}.")
        tag = clean_text(tag)
        if not 1 <= len(tag) <= MAX_TAG_LEN:
            raise ma.ValidationError(_("A tag has 1–%(max)d characters.", max=MAX_TAG_LEN))
        return {"tag": tag, "weight": weight}


class InterestOutSchema(ma.Schema):
    tag = ma.fields.String()
    weight = ma.fields.Integer()


def _validate_interests(items: list[dict[str, Any]]) -> None:
    if len(items) > MAX_INTERESTS:
        raise ma.ValidationError(_("At most %(count)d interests.", count=MAX_INTERESTS))


class ContactSchema(ma.Schema):
    phone = Text(allow_none=True, max_len=24)
    wechat = Text(allow_none=True, max_len=40)
    email = Email(allow_none=True, validate=ma.validate.Length(max=254))

    @ma.validates("phone")
    def _phone(self, value: str | None, **_: Any) -> None:
        if value is not None and not _PHONE.match(re.sub(r"[\s-]", "", value)):
            raise ma.ValidationError("Not a phone number (digits, optional leading +, 6–15 digits).")

    @ma.validates("wechat")
    def _wechat(self, value: str | None, **_: Any) -> None:
        if value is not None and not (_WECHAT.match(value) or _PHONE.match(value)):
            raise ma.ValidationError("A WeChat ID is 6–20 letters, digits, '_' or '-', starting with a letter.")

    @ma.post_load
    def _normalise(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """Normalise the phone; a key given as null stays (null), so the service removes it."""
        if data.get("phone"):
            data["phone"] = re.sub(r"[\s-]", "", data["phone"])
        return data


class RatingsField(ma.fields.Field):
    """An object of integer ratings with exactly the keys ``keys``, each within ``low..high``, or
    null (no answer). Errors name the sub-key (``values.looks``), so a form can show them beside it."""

    def __init__(self, *, keys: tuple[str, ...], low: int, high: int, **kw: Any) -> None:
        super().__init__(allow_none=True, **kw)
        self.keys, self.low, self.high = keys, low, high

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> dict[str, int]:
        if not isinstance(value, dict):
            raise ma.ValidationError(_("Must be an object with the keys %(keys)s.", keys=", ".join(self.keys)))
        errors: dict[str, list[str]] = {}
        for key in value:
            if key not in self.keys:
                errors[str(key)] = ["Unknown field."]  # marshmallow's own message, translated when rendered
        for key in self.keys:
            if key not in value:
                errors[key] = ["Missing data for required field."]
                continue
            rating = value[key]
            if isinstance(rating, bool) or not isinstance(rating, int) or not self.low <= rating <= self.high:
                errors[key] = [_("Must be an integer from %(low)d to %(high)d.", low=self.low, high=self.high)]
        if errors:
            raise ma.ValidationError(errors)
        return {key: value[key] for key in self.keys}

    def _serialize(self, value: Any, attr: Any, obj: Any, **kw: Any) -> dict[str, int] | None:
        return None if value is None else {key: value[key] for key in self.keys}


def values_field(**kw: Any) -> RatingsField:
    """``values``: what matters to the member in a partner, each quality 0..10."""
    return RatingsField(keys=VALUE_KEYS, low=0, high=10, data_key="values", **kw)


def friends_say_field(**kw: Any) -> RatingsField:
    """``friends_say``: how the member's friends would describe them, each quality 1..10."""
    return RatingsField(keys=FRIENDS_SAY_KEYS, low=1, high=10, **kw)


AGE = ma.validate.Range(min=18, max=99)
HEIGHT = ma.validate.Range(min=120, max=230)


SEEKING_RULES = ("Rules across fields (422 on the upper bound): `age_min` ≤ `age_max` and `height_min` ≤ "
                 "`height_max`; a bound sent alone is checked against the stored other bound.")


class SeekingSchema(ma.Schema):
    class Meta:
        description = SEEKING_RULES

    gender = ma.fields.Enum(Gender, by_value=True, allow_none=True)
    age_min = ma.fields.Integer(strict=True, allow_none=True, validate=AGE)
    age_max = ma.fields.Integer(strict=True, allow_none=True, validate=AGE,
                                metadata={"description": "not below `age_min`"})
    height_min = ma.fields.Integer(strict=True, allow_none=True, validate=HEIGHT)
    height_max = ma.fields.Integer(strict=True, allow_none=True, validate=HEIGHT,
                                   metadata={"description": "not below `height_min`"})
    education_min = ma.fields.Enum(Education, by_value=True, allow_none=True)
    cities = ma.fields.List(Text(max_len=50, min_len=1), allow_none=True, validate=ma.validate.Length(max=10))

    @ma.validates_schema
    def _ranges(self, data: dict[str, Any], **kwargs: Any) -> None:
        # the message names the range in words: it is shown beside the form's field, to people
        if _reversed(data, "age_min", "age_max"):
            raise ma.ValidationError(_("The lowest age must not be above the highest."), field_name="age_max")
        if _reversed(data, "height_min", "height_max"):
            raise ma.ValidationError(_("The lowest height must not be above the highest."), field_name="height_max")


def _reversed(data: dict[str, Any], low: str, high: str) -> bool:
    return data.get(low) is not None and data.get(high) is not None and data[low] > data[high]


class ConsentInSchema(ma.Schema):
    version = Text(required=True, min_len=1, max_len=32,
                   metadata={"description": "the current consent version, as `GET /consent` names it"})
    accepted = StrictBoolean(required=True)

    @ma.validates("accepted")
    def _accepted(self, value: bool, **_: Any) -> None:
        if value is not True:
            raise ma.ValidationError("Consent is given with accepted: true; to withdraw it, DELETE /me/profile.")


def validate_birth_date(value: date) -> None:
    age = age_on(value, today())
    if value > today():
        raise ma.ValidationError("Birth date is in the future.")
    if age < 18:
        raise ma.ValidationError("Members must be 18 or older.")
    if age > 99:
        raise ma.ValidationError("Birth date is not plausible.")


class ProfileUpdateSchema(ma.Schema):
    """PUT /me/profile: every field optional; those given are validated and replace the stored value
    (``seeking`` and ``contact`` replace the keys they name)."""

    class Meta:
        description = ("Every field optional; those given are validated and replace the stored value "
                       "(`seeking` and `contact` replace the keys they name). Rules across fields (422): "
                       "in `seeking`, `age_min` ≤ `age_max` and `height_min` ≤ `height_max`, a bound sent "
                       "alone checked against the stored other bound; `consent.version` must be the "
                       "current version (`GET /consent`).")

    display_name = Text(max_len=40, min_len=1)
    gender = ma.fields.Enum(Gender, by_value=True)
    birth_date = ma.fields.Date(validate=validate_birth_date)
    height_cm = ma.fields.Integer(strict=True, allow_none=True, validate=HEIGHT)
    education = ma.fields.Enum(Education, by_value=True, allow_none=True)
    occupation = Text(max_len=50, allow_none=True)
    city = Text(max_len=50, allow_none=True)
    hometown = Text(max_len=50, allow_none=True)
    interests = ma.fields.List(InterestField(), validate=_validate_interests)
    intro = FreeText(max_len=1000, allow_none=True)
    goal = ma.fields.Enum(Goal, by_value=True, allow_none=True)
    contact = ma.fields.Nested(ContactSchema, allow_none=True)
    seeking = ma.fields.Nested(SeekingSchema)
    consent = ma.fields.Nested(ConsentInSchema)
    social_frequency = ma.fields.Enum(SocialFrequency, by_value=True, allow_none=True)
    partner_values = values_field()
    friends_say = friends_say_field()

    @ma.post_load
    def _merge_tags(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if "interests" in data:
            merged: dict[str, dict[str, Any]] = {}
            for item in data["interests"]:
                key = item["tag"].casefold()
                if key not in merged or merged[key]["weight"] < item["weight"]:
                    merged[key] = item
            data["interests"] = list(merged.values())
        return data


def _age(profile: Any) -> int | None:
    return age_on(profile.birth_date, today()) if profile.birth_date else None


class PublicProfileSchema(ma.Schema):
    """What other members see: age instead of birth date, never the contact."""

    id = ma.fields.Integer()
    #: null only in the owner's view of a draft (an approved profile always has one)
    display_name = ma.fields.String(allow_none=True)
    gender = ma.fields.Enum(Gender, by_value=True, allow_none=True)
    age = ma.fields.Function(_age, metadata={"type": "integer", "nullable": True,
                                             "description": "null while the birth date is not given"})
    height_cm = ma.fields.Integer(allow_none=True)
    education = ma.fields.Enum(Education, by_value=True, allow_none=True)
    occupation = ma.fields.String(allow_none=True)
    city = ma.fields.String(allow_none=True)
    hometown = ma.fields.String(allow_none=True)
    interests = ma.fields.List(ma.fields.Nested(InterestOutSchema))
    intro = ma.fields.String(allow_none=True)
    goal = ma.fields.Enum(Goal, by_value=True, allow_none=True)
    thumb_url = ma.fields.Function(lambda p: photo_url(p.main_photo_key, thumb=True), metadata={
        "type": "string", "nullable": True, "description": "the main approved photo's thumbnail; null without one"})


def _enum_value(value: Any) -> Any:
    return getattr(value, "value", value)


def dump_public(profile: Any) -> dict[str, Any]:
    """``PublicProfileSchema().dump(profile)``, written out for the hot paths (recommendations
    list twenty profiles per request; marshmallow spent most of such a request). A test keeps the
    two identical."""
    return {
        "id": profile.id,
        "display_name": profile.display_name,
        "gender": _enum_value(profile.gender),
        "age": _age(profile),
        "height_cm": profile.height_cm,
        "education": _enum_value(profile.education),
        "occupation": profile.occupation,
        "city": profile.city,
        "hometown": profile.hometown,
        "interests": [{"tag": i["tag"], "weight": i["weight"]} for i in (profile.interests or [])],
        "intro": profile.intro,
        "goal": _enum_value(profile.goal),
        "thumb_url": photo_url(profile.main_photo_key, thumb=True),
    }


class ContactOutSchema(ma.Schema):
    phone = ma.fields.String()
    wechat = ma.fields.String()
    email = ma.fields.String()


class MatchedProfileSchema(PublicProfileSchema):
    """A mutual match's view: the public profile plus the contact."""

    contact = ma.fields.Nested(ContactOutSchema)


class SeekingOutSchema(SeekingSchema):
    pass


class ConsentOutSchema(ma.Schema):
    version = ma.fields.String()
    accepted = ma.fields.Boolean()
    at = ma.fields.DateTime()


def _seeking(profile: Any) -> dict[str, Any]:
    return SeekingOutSchema().dump({
        "gender": profile.seeking_gender, "age_min": profile.seeking_age_min,
        "age_max": profile.seeking_age_max, "height_min": profile.seeking_height_min,
        "height_max": profile.seeking_height_max, "education_min": profile.seeking_education_min,
        "cities": list(profile.seeking_cities or []),
    })


def _consent(profile: Any) -> dict[str, Any] | None:
    if profile.consent_version is None:
        return None
    return ConsentOutSchema().dump({"version": profile.consent_version, "accepted": True,
                                    "at": profile.consented_at})


class ProfileSchema(PublicProfileSchema):
    """The owner's view: every field, with status and the reviewer's note."""

    status = ma.fields.Enum(ProfileStatus, by_value=True)
    review_note = ma.fields.String(allow_none=True)
    birth_date = ma.fields.Date(allow_none=True)
    contact = ma.fields.Nested(ContactOutSchema)
    seeking = ma.fields.Function(_seeking, metadata={"type": "object"})
    consent = ma.fields.Function(_consent, metadata={"type": "object", "nullable": True})
    #: The private matching inputs (the owner's view and the export only).
    social_frequency = ma.fields.Enum(SocialFrequency, by_value=True, allow_none=True)
    partner_values = values_field()
    friends_say = friends_say_field()
    submitted_at = ma.fields.DateTime(allow_none=True)
    reviewed_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    #: every photo in the member's order, pending and rejected ones too (with the reviewer's note)
    photos = ma.fields.List(ma.fields.Nested(PhotoSchema))

    #: Private matching inputs no one but the owner sees (not even a reviewer: they need no review).
    PRIVATE_INPUTS = ("social_frequency", "partner_values", "friends_say")



class ReviewerProfileSchema(ProfileSchema):
    """A profile as a reviewer sees it: the owner's view without the private matching inputs."""

    class Meta:
        exclude = ProfileSchema.PRIVATE_INPUTS


def _changes(profile: Any) -> Any:
    from matchsvc.profiles.service import changes_since_approval

    return changes_since_approval(profile)


class ReviewQueueItemSchema(ReviewerProfileSchema):
    """A profile as the reviewer sees it, with the applicant's unit and, for a profile approved
    before, what changed in its public fields since that approval (null if never approved)."""

    account_id = ma.fields.Integer()
    org_unit_id = ma.fields.Function(lambda p: p.account.org_unit_id, metadata={"type": "integer"})
    org_unit_name = ma.fields.Function(lambda p: p.account.org_unit.name, metadata={"type": "string"})
    changes = ma.fields.Function(_changes, metadata={
        "type": "object", "nullable": True,
        "additionalProperties": {"type": "object", "properties": {"before": {}, "after": {}}},
        "description": "{field: {before, after}} since the last approval; null if never approved"})


class ConsentTextSchema(ma.Schema):
    version = ma.fields.String()
    title = ma.fields.String()
    text = ma.fields.String()
    language = ma.fields.String()


class ExportSchema(ma.Schema):
    """Everything held about the caller (PIPL Art. 45)."""

    account = ma.fields.Dict()
    profile = ma.fields.Nested(ProfileSchema, allow_none=True)
    consents = ma.fields.List(ma.fields.Dict())
    likes = ma.fields.List(ma.fields.Dict())
    passes = ma.fields.List(ma.fields.Dict())
    blocks = ma.fields.List(ma.fields.Dict())
    reports = ma.fields.List(ma.fields.Dict())
    matches = ma.fields.List(ma.fields.Dict())
    events = ma.fields.List(ma.fields.Dict())
    notifications = ma.fields.List(ma.fields.Dict())
    photos = ma.fields.List(ma.fields.Dict(), metadata={"description": "each photo as stored, base64"})
    exported_at = ma.fields.DateTime()
