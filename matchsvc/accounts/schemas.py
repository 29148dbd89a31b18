"""Account request and response bodies."""

from __future__ import annotations

import marshmallow as ma

from matchsvc.accounts.models import Role
from matchsvc.core.schemas import IdField, Secret, Text

USERNAME = ma.validate.Regexp(r"^[A-Za-z0-9_.-]{3,64}\Z",
                              error="3–64 characters of letters, digits, '_', '.' or '-'.")


class RegisterSchema(ma.Schema):
    username = Text(required=True, strip=False, validate=USERNAME)
    #: At least 10 characters and no stricter rule (NIST SP 800-63B, API.md). No upper bound of its
    #: own: the request size limit bounds it, and argon2 hashes even that in well under a millisecond
    #: more than a short one.
    password = Secret(required=True, load_only=True, min_len=10)
    org_unit_id = IdField(required=True)


class LoginSchema(ma.Schema):
    username = Text(required=True, strip=False, min_len=1, max_len=64)
    password = Secret(required=True, load_only=True, min_len=1)


class TokenSchema(ma.Schema):
    access_token = ma.fields.String()
    token_type = ma.fields.String()
    expires_in = ma.fields.Integer()


class AccountSchema(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    roles = ma.fields.List(ma.fields.String())
    org_unit_id = ma.fields.Integer()


class AdminAccountSchema(AccountSchema):
    """An account as admins see it, with its standing."""

    #: disabled by an admin: cannot log in, tokens refused, profile in no list
    disabled = ma.fields.Boolean()
    #: holds a one-time password from an admin and must set a new one (POST /me/password)
    password_change_required = ma.fields.Boolean(attribute="has_one_time_password")


class MeSchema(AccountSchema):
    profile_id = ma.fields.Function(lambda a: a.profile.id if a.profile is not None else None,
                                    metadata={"type": "integer", "nullable": True})


class RolesUpdateSchema(ma.Schema):
    roles = ma.fields.List(ma.fields.Enum(Role, by_value=True), required=True,
                           validate=ma.validate.Length(max=4))
    org_unit_id = IdField(required=True)


class AccountQueryArgsSchema(ma.Schema):
    username = Text(max_len=64)


class PasswordChangeSchema(ma.Schema):
    class Meta:
        description = ("`old_password` must be the current password (or the one-time password after a "
                       "reset), and `new_password` must differ from it (422).")

    old_password = Secret(required=True, load_only=True, min_len=1)
    #: at least 10 characters and no stricter rule, as at registration
    new_password = Secret(required=True, load_only=True, min_len=10,
                          metadata={"description": "at least 10 characters; not the old password"})


class OneTimePasswordSchema(ma.Schema):
    #: shown once; the member logs in with it and must then set a password of their own
    one_time_password = ma.fields.String()
