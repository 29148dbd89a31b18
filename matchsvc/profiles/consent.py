"""The consent text members accept before their profile can be reviewed (PIPL Art. 13/14/29)."""

from __future__ import annotations

from typing import Any

from flask import current_app

TITLE = {"zh": "智慧紅娘個人信息處理同意書", "en": "智慧紅娘 consent to the processing of personal information"}

TEXT = {
    "zh": (
        "本人自願申請加入機關未婚青年基礎信息庫，同意本單位工會（婦女）組織審核本人填寫的資料，"
        "並同意智慧紅娘在審核通過後向符合條件的其他成員展示本人的公開資料（不含出生日期與聯繫方式），"
        "用於推薦、查詢與線下活動邀請。聯繫方式僅在雙方互相選擇後向對方展示。"
        "本人可隨時暫停展示、下載本人全部資料，或撤回同意；撤回後本人的個人資料將立即刪除，"
        "僅保留不含個人內容的審計記錄。"
    ),
    "en": (
        "I apply of my own free will to join the database of unmarried young agency staff. I agree "
        "that the union or women's organisation of my unit reviews what I write, and that once "
        "approved, 智慧紅娘 shows my public profile (never my birth date or contact details) to other "
        "eligible members for recommendations, search and event invitations. My contact details are "
        "shown only to someone who chose me as I chose them. I can pause my profile, download all my "
        "data, or withdraw this consent at any time; on withdrawal my personal data is erased at once "
        "and only an audit trail without personal content is kept."
    ),
}


def current_version() -> str:
    return str(current_app.config["CONSENT_VERSION"])


def current(language: str) -> dict[str, Any]:
    """The consent text currently in force, in ``language``."""
    return {"version": current_version(), "title": TITLE[language], "text": TEXT[language],
            "language": language}
