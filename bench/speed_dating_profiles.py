"""Speed-dating participants as matchsvc profiles, exactly as the evaluation protocol builds them.

`../shared/data/speed-dating/README.md` ("How the acceptance evaluation uses this data") fixes
the table: one API profile per participant, built only from the sign-up survey. The offline
bench (`bench/offline_speed_dating.py`) and any HTTP bench share this module so that both
feed the service the very same profiles.

Stdlib only: the mappings are module-level constants so another script can reuse them.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

#: the 17 survey activities and the Chinese interest tag each becomes
INTEREST_TAGS: dict[str, str] = {
    "sports": "运动",
    "tvsports": "看球赛",
    "exercise": "健身",
    "dining": "美食",
    "museums": "逛博物馆",
    "art": "艺术",
    "hiking": "徒步",
    "gaming": "游戏",
    "clubbing": "蹦迪",
    "reading": "阅读",
    "tv": "追剧",
    "theater": "话剧",
    "movies": "电影",
    "concerts": "演唱会",
    "music": "音乐",
    "shopping": "逛街",
    "yoga": "瑜伽",
}

#: `career_c` 1..17 → occupation label (the README's list, in code order)
CAREER_LABELS: dict[int, str] = {
    1: "律师",
    2: "学术研究",
    3: "心理咨询",
    4: "医生",
    5: "工程师",
    6: "文艺创作",
    7: "金融咨询与商业",
    8: "房地产",
    9: "国际事务",
    10: "职业未定",
    11: "社会工作",
    12: "言语治疗",
    13: "政治",
    14: "职业体育",
    15: "其他职业",
    16: "新闻",
    17: "建筑师",
}

#: `field_cd` 1..18 → field of study, as it reads after "我学的是"
FIELD_PHRASES: dict[int, str] = {
    1: "法律",
    2: "数学",
    3: "社会科学和心理学",
    4: "医学、制药和生物技术",
    5: "工程",
    6: "英语文学、创意写作和新闻",
    7: "历史、宗教和哲学",
    8: "商科、经济和金融",
    9: "教育",
    10: "生物、化学和物理",
    11: "社会工作",
    12: "本科，专业还没定",
    13: "政治学和国际关系",
    14: "电影",
    15: "美术和艺术管理",
    16: "语言",
    17: "建筑",
    18: "别的专业",
}

#: `go_out` 1..7 (how often they go out) → phrase, as it reads after "平时"
GO_OUT_PHRASES: dict[int, str] = {
    1: "一周出去玩好几次",
    2: "一周出去玩两次",
    3: "一周出去玩一次",
    4: "一个月出去玩两次",
    5: "一个月出去玩一次",
    6: "一年只出去玩几次",
    7: "几乎不出去玩",
}

#: `goal` → profile goal (4 serious relationship, 3 get a date, anything else friendship)
GOALS: dict[int, str] = {4: "marriage", 3: "dating"}

DEFAULT_AGE = 27
HEIGHT_CM = {"male": 172, "female": 162}
SEEKING_AGES = (18, 60)


def _int(value: str) -> int | None:
    """A survey cell as an int; empty cells are missing answers."""
    value = value.strip()
    return int(float(value)) if value else None


def interests_from_ratings(ratings: dict[str, int | None]) -> list[dict]:
    """Each activity rated 5 or more, weighted clip(rating − 5, 1, 5), in survey order."""
    items = []
    for column, tag in INTEREST_TAGS.items():
        rating = ratings.get(column)
        if rating is not None and rating >= 5:
            items.append({"tag": tag, "weight": min(max(rating - 5, 1), 5)})
    return items


def intro_text(field_cd: int | None, career_c: int | None, go_out: int | None) -> str:
    """`我学的是{field}。将来想做{career}。平时{go_out}。`; a missing answer drops its sentence."""
    parts = []
    if field_cd in FIELD_PHRASES:
        parts.append(f"我学的是{FIELD_PHRASES[field_cd]}。")
    if career_c in CAREER_LABELS:
        parts.append(f"将来想做{CAREER_LABELS[career_c]}。")
    if go_out in GO_OUT_PHRASES:
        parts.append(f"平时{GO_OUT_PHRASES[go_out]}。")
    return "".join(parts)


def profile_from_survey(row: dict[str, str], *, year: int) -> dict:
    """One `train_people.csv` row → the API profile body (without `consent`, which the caller
    adds with the service's current version)."""
    gender = "male" if _int(row["gender"]) == 1 else "female"
    age = _int(row["age"]) or DEFAULT_AGE
    career = _int(row["career_c"])
    profile = {
        "display_name": f"参与者{_int(row['iid'])}",
        "gender": gender,
        "birth_date": f"{year - age}-01-01",
        "height_cm": HEIGHT_CM[gender],
        "education": "master",
        "city": "纽约",
        "interests": interests_from_ratings({c: _int(row[c]) for c in INTEREST_TAGS}),
        "goal": GOALS.get(_int(row["goal"]), "friendship"),
        "intro": intro_text(_int(row["field_cd"]), career, _int(row["go_out"])),
        "seeking": {
            "gender": "female" if gender == "male" else "male",
            "age_min": SEEKING_AGES[0],
            "age_max": SEEKING_AGES[1],
        },
    }
    if career in CAREER_LABELS:
        profile["occupation"] = CAREER_LABELS[career]
    profile.update(matching_inputs(row))
    return profile


#: `go_out` 1..7 → `social_frequency`
SOCIAL_FREQUENCY = {1: "several_per_week", 2: "twice_a_week", 3: "weekly", 4: "twice_a_month", 5: "monthly",
                    6: "several_per_year", 7: "almost_never"}
#: what they look for in a partner (shares of 100) → `values`
VALUES = {"attr1_1": "looks", "sinc1_1": "sincerity", "intel1_1": "intelligence", "fun1_1": "humour",
          "amb1_1": "ambition", "shar1_1": "shared_interests"}
#: self-ratings → `friends_say`
FRIENDS_SAY = {"sinc3_1": "sincere", "intel3_1": "intelligent", "fun3_1": "humorous", "amb3_1": "ambitious"}


def _half_up(x: float) -> int:
    return int(math.floor(x + 0.5))


def _number(value: str) -> float | None:
    value = value.strip()
    return float(value) if value else None


def matching_inputs(row: dict[str, str]) -> dict:
    """The three optional matching inputs as the README maps them (each left out when missing)."""
    out: dict = {}
    go_out = _int(row.get("go_out", ""))
    if go_out in SOCIAL_FREQUENCY:
        out["social_frequency"] = SOCIAL_FREQUENCY[go_out]
    shares = {key: _number(row.get(column, "")) for column, key in VALUES.items()}
    if all(v is not None for v in shares.values()) and sum(shares.values()) > 0:
        total = sum(shares.values())
        out["values"] = {k: min(max(_half_up(v * 100.0 / total / 10.0), 0), 10) for k, v in shares.items()}
    rated = {key: _number(row.get(column, "")) for column, key in FRIENDS_SAY.items()}
    if all(v is not None for v in rated.values()):
        out["friends_say"] = {k: min(max(_half_up(v), 1), 10) for k, v in rated.items()}
    return out


def read_people(people_csv_path: str | Path) -> list[dict[str, str]]:
    with open(people_csv_path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def build_profiles(people_csv_path: str | Path, *, year: int | None = None) -> dict[int, dict]:
    """iid → API profile JSON for every participant in `people_csv_path`."""
    year = year if year is not None else dt.date.today().year
    return {
        _int(row["iid"]): profile_from_survey(row, year=year) for row in read_people(people_csv_path)
    }


def waves_of(people_csv_path: str | Path) -> dict[int, int]:
    """iid → wave (each wave is its own fresh service)."""
    return {_int(r["iid"]): _int(r["wave"]) for r in read_people(people_csv_path)}
