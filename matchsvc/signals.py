"""Every domain signal, declared in one namespace. Receivers live in ``notifications``."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: sender: the Profile; kwargs: decision ("approve"|"reject"|"request_changes"), note
profile_reviewed = _signals.signal("profile-reviewed")
#: sender: the Profile; kwargs: reason
profile_suspended = _signals.signal("profile-suspended")
#: sender: the Match; kwargs: profiles (the two Profile rows)
match_created = _signals.signal("match-created")
#: sender: the pool changed (approve, pause, resume, withdraw, suspend, block): the index is stale
pool_changed = _signals.signal("pool-changed")
