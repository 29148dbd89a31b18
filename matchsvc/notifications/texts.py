"""Notification texts in both languages, rendered from a notification's kind and payload."""

from __future__ import annotations

from typing import Any

_DECISIONS = {
    "approve": ("你的資料已通過審核，現在會出現在推薦中。", "Your profile was approved and now appears in recommendations."),
    "reject": ("你的資料未通過審核。", "Your profile was not approved."),
    "request_changes": ("審核人請你修改資料後再提交。", "The reviewer asks you to change your profile and submit it again."),
}

_TEXTS: dict[str, tuple[str, str]] = {
    "profile_suspended": ("你的資料已被暫停展示。", "Your profile has been suspended."),
    "match": ("你們互相喜歡！現在可以看到對方的聯繫方式了。", "It's mutual! You can now see each other's contact details."),
    "daily_picks": ("今天為你挑選了 {count} 位可能合適的人。", "Today's {count} picks for you are ready."),
    "event_invitation": ("你被邀請參加活動「{title}」。", "You are invited to the event “{title}”."),
    "event_promoted": ("候補成功：你已確認參加活動「{title}」。", "Off the waitlist: you are confirmed for “{title}”."),
    "event_cancelled": ("活動「{title}」已取消。", "The event “{title}” was cancelled."),
    "event_updated": ("活動「{title}」有更新。", "The event “{title}” was updated."),
    "event_suggestions": ("有 {count} 個活動可能適合你。", "{count} events may suit you."),
    "event_match": ("活動後互選成功！現在可以看到對方的聯繫方式了。", "A mutual choice after the event! You can now see each other's contact details."),
    "match_followup": ("你們見面了嗎？告訴我們（只有你自己知道答案）。", "Did you meet? Tell us (only you will know your answer)."),
    "invitation_expired": ("活動「{title}」的邀請已過期。", "Your invitation to “{title}” has expired."),
}


def render(kind: str, payload: dict[str, Any], language: str) -> str:
    """The human-readable text of a notification."""
    i = 1 if language == "en" else 0
    if kind == "review_decided":
        text = _DECISIONS.get(str(payload.get("decision")), ("", ""))[i]
        note = payload.get("note")
        if note:
            text += (" Note: " if i else " 審核意見：") + str(note)
        return text
    template = _TEXTS.get(kind)
    if template is None:
        return kind
    try:
        return template[i].format(**payload)
    except (KeyError, IndexError, ValueError):
        return template[i]
