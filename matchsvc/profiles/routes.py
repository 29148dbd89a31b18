"""The member's own profile, the public view of others, and the consent text."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView

from matchsvc.core.auth import auth_required, current_account
from matchsvc.core.blueprints import Blueprint
from matchsvc.core.i18n import lang
from matchsvc.core.transactions import commit_on_success
from matchsvc.errors import MalformedJSON
from matchsvc.profiles import consent
from matchsvc.profiles import schemas as s
from matchsvc.profiles import service
from matchsvc.profiles.models import Profile

blp = Blueprint("profiles", __name__, description="Profiles: self-application, consent, export, erasure")


@blp.route("/me/profile")
class OwnProfile(MethodView):
    @auth_required()
    @blp.response(200, s.ProfileSchema)
    @blp.alt_response(404, description="No profile yet")
    def get(self) -> Profile:
        """Your own profile, every field, with status and the reviewer's note"""
        return service.get_own(current_account())

    @auth_required()
    @blp.arguments(s.ProfileUpdateSchema)
    @blp.response(200, s.ProfileSchema)
    @blp.alt_response(422, description="Field errors")
    @commit_on_success
    def put(self, body: dict[str, Any]) -> Profile:
        """Create or edit your profile

        Fields not given keep their value. Changing a publicly shown field of an approved profile
        sends it back to review. `consent` records your consent to the current version.
        """
        if not request.get_data(cache=True).strip():
            raise MalformedJSON("The body must be a JSON object with the fields to set (an empty one: {}).")
        return service.update_own(actor=current_account(), changes=body)

    @auth_required()
    @blp.response(204)
    @commit_on_success
    def delete(self) -> None:
        """Withdraw consent: your personal data is erased at once

        The account stays (you can apply again); the profile, likes, matches, sign-ups and
        everything personal are gone. Only an audit trail without personal content is kept.
        """
        service.withdraw(actor=current_account())


@blp.route("/me/profile/submit")
class SubmitProfile(MethodView):
    @auth_required()
    @blp.response(200, s.ProfileSchema)
    @blp.alt_response(404, description="No profile")
    @blp.alt_response(409, description="Not in a submittable state")
    @blp.alt_response(422, description="Incomplete, or no consent to the current version")
    @commit_on_success
    def post(self) -> Profile:
        """Submit your profile to your unit's reviewers"""
        return service.submit(actor=current_account())


@blp.route("/me/profile/pause")
class PauseProfile(MethodView):
    @auth_required()
    @blp.response(200, s.ProfileSchema)
    @blp.alt_response(404, description="No profile")
    @blp.alt_response(409, description="Not approved")
    @commit_on_success
    def post(self) -> Profile:
        """Pause: hide your approved profile from everyone until you resume"""
        return service.pause(actor=current_account())


@blp.route("/me/profile/resume")
class ResumeProfile(MethodView):
    @auth_required()
    @blp.response(200, s.ProfileSchema)
    @blp.alt_response(404, description="No profile")
    @blp.alt_response(409, description="Not paused")
    @commit_on_success
    def post(self) -> Profile:
        """Resume a paused profile"""
        return service.resume(actor=current_account())


@blp.route("/me/export")
class Export(MethodView):
    @auth_required()
    @blp.response(200, s.ExportSchema)
    def get(self) -> dict[str, Any]:
        """Download everything held about you"""
        return service.export(actor=current_account())


@blp.route("/profiles/<int:profile_id>")
class PublicProfile(MethodView):
    @auth_required()
    @blp.response(200, s.MatchedProfileSchema)
    @blp.alt_response(403, description="Your own profile is not approved, or out of your review scope")
    @blp.alt_response(404, description="No such approved profile visible to you")
    def get(self, profile_id: int) -> service.PublicView:
        """The public view of an approved profile

        Age instead of birth date; the contact only while you are a mutual match.
        """
        return service.view(actor=current_account(), profile_id=profile_id)


@blp.route("/consent")
class Consent(MethodView):
    @blp.doc(security=[])
    @blp.response(200, s.ConsentTextSchema)
    def get(self) -> dict[str, Any]:
        """The consent text in force and its version"""
        return consent.current(lang())
