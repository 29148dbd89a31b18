"""Every domain signal, declared in one namespace. Receivers live in ``notifications``."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: sender: the Profile; kwargs: decision ("approve"|"reject"|"request_changes"), note
profile_reviewed = _signals.signal("profile-reviewed")
#: sender: the Photo; kwargs: decision ("approve"|"reject"), note
photo_reviewed = _signals.signal("photo-reviewed")
#: sender: the Profile; kwargs: reason
profile_suspended = _signals.signal("profile-suspended")
#: sender: the Profile, approved again after a suspension; kwargs: note
profile_unsuspended = _signals.signal("profile-unsuspended")
#: sender: the Profile whose member a reviewer warned after a report; kwargs: report (the Report)
profile_warned = _signals.signal("profile-warned")
#: sender: the Match; kwargs: profiles (the two Profile rows)
match_created = _signals.signal("match-created")
#: sender: the pool changed (approve, pause, resume, withdraw, suspend, block): the index is stale
pool_changed = _signals.signal("pool-changed")
#: sender: the Event; kwargs: profiles (everyone signed up or invited), fields (what changed)
event_changed = _signals.signal("event-changed")
#: sender: the Event; kwargs: profiles (everyone signed up or invited)
event_cancelled = _signals.signal("event-cancelled")
#: sender: the Signup that moved up from the waitlist to confirmed
signup_promoted = _signals.signal("signup-promoted")
#: sender: the Invitation, just sent (it holds a seat until it expires)
invitation_sent = _signals.signal("invitation-sent")
#: sender: the Invitation, expired unanswered (its seat is offered again)
invitation_expired = _signals.signal("invitation-expired")
