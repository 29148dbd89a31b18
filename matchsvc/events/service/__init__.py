"""The rules of offline events, one module per concern:

* ``common``     — the event's lock, its seats, eligibility, who runs an event;
* ``events``     — create, edit, cancel, the lists members see, recommendations;
* ``seats``      — sign-ups and the waitlist, invitations, settling seats after a change;
* ``groups``     — matched-group proposals (the algorithm is described there);
* ``attendance`` — check-in, the after-event selections, the follow-up on matches;
* ``reports``    — the organizer's report, the member's export, erasure on withdrawal;
* ``mine``       — a member's own events and invitations, and the attendees they may select;
* ``rosters``    — the people at an event as its organizers see them (JSON and CSV).
"""

from matchsvc.events.service.attendance import (answer_met, check_in, record_selections, send_followups,
                                                undo_check_in)
from matchsvc.events.service.events import (cancel_event, create_event, event_detail, list_events,
                                            managed_event, push_suggestions, recommend, suggest_events,
                                            update_event, views)
from matchsvc.events.service.mine import attendees, my_events, my_invitations
from matchsvc.events.service.seats import (accept, cancel_signup, decline, invite, propose_group, settle_due,
                                            sign_up)
from matchsvc.events.service.reports import report
from matchsvc.events.service.rosters import report_csv, signups, signups_csv

__all__ = ["accept", "answer_met", "attendees", "cancel_event", "cancel_signup", "check_in", "create_event",
           "decline", "event_detail", "invite", "list_events", "managed_event", "my_events", "my_invitations",
           "propose_group", "push_suggestions", "recommend", "record_selections", "report", "report_csv", "send_followups",
           "settle_due", "sign_up", "signups", "signups_csv", "suggest_events", "undo_check_in", "update_event",
           "views"]
