"""Micro-benchmark of the matching core on a synthetic pool (default 100,000 profiles).

Prints: pipeline fit_transform time (all cores), pool encoding time, and per-viewer milliseconds
(one BLAS/OpenMP thread) for the hard filters plus reciprocal scoring of the sought-gender
partition (~50,000 candidates), cold and warm (with ~1,000,000 like/pass events).

Run from the repository root:  python -m bench.model_micro [--n 100000] [--events 1000000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

if __package__ in (None, ""):  # run as a script: make `matchsvc` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matchsvc.matching.features import EDUCATION_LEVELS, GOALS, FeaturePipeline, ProfileRow  # noqa: E402
from matchsvc.matching.model import (  # noqa: E402
    InteractionSignals,
    PoolArrays,
    eligible_candidates,
    score_candidates,
)

CITIES = ["北京", "上海", "广州", "深圳", "杭州", "南京", "成都", "武汉", "西安", "重庆"]
TAGS = [
    "运动", "看球赛", "健身", "美食", "逛博物馆", "艺术", "徒步", "游戏", "蹦迪", "阅读", "追剧", "话剧",
    "电影", "演唱会", "音乐", "逛街", "瑜伽", "摄影", "旅行", "烘焙", "书法", "围棋", "羽毛球", "跑步",
    "游泳", "钓鱼", "养猫", "养狗", "露营", "骑行", "滑雪", "吉他", "钢琴", "唱歌", "跳舞", "茶艺",
]
JOBS = ["公务员", "教师", "医生", "工程师", "会计", "律师", "警察", "科研人员", "编辑", "社工"]
PHRASES = [
    "我性格开朗，喜欢交朋友。", "平时工作比较忙，周末喜欢出去走走。", "希望找一个真诚善良的人。",
    "我是一个比较安静的人，喜欢看书和听音乐。", "家里有一只猫。", "喜欢做饭，厨艺还不错。",
    "在机关工作五年了。", "希望对方有上进心。", "周末常去爬山或者打球。", "相信缘分，也愿意主动。",
]


def synthetic_rows(n: int, seed: int = 0, *, sort_by_gender: bool = True) -> list[ProfileRow]:
    """A realistic-looking pool: ages 22–39, ±3–7-year wishes, some optional limits set."""
    rng = np.random.default_rng(seed)
    male = rng.random(n) < 0.5
    if sort_by_gender:  # an index that keeps each gender contiguous scores a partition in one pass
        male = np.sort(male)[::-1]
    age = rng.integers(22, 40, n)
    height = np.where(male, rng.normal(172, 6, n), rng.normal(161, 6, n)).astype(int)
    has_height = rng.random(n) < 0.9
    edu = rng.integers(1, 5, n)
    has_edu = rng.random(n) < 0.95
    job = rng.integers(0, len(JOBS) + 2, n)  # the last two: no occupation
    city = np.minimum(rng.geometric(0.35, n) - 1, len(CITIES) - 1)
    home = rng.integers(0, 300, n)
    has_home = rng.random(n) < 0.7
    goal = rng.integers(0, len(GOALS) + 1, n)  # the last: no goal
    n_tags = rng.integers(0, 10, n)
    tag_perm = np.argsort(rng.random((n, len(TAGS))), axis=1)
    tag_w = rng.integers(1, 6, (n, 10))
    n_phr = rng.integers(1, 5, n)
    phr_perm = np.argsort(rng.random((n, len(PHRASES))), axis=1)
    lo, hi = rng.integers(3, 8, n), rng.integers(3, 8, n)
    h_min = (~male) & (rng.random(n) < 0.2)
    e_min = rng.random(n) < 0.1
    c_wish = rng.random(n) < 0.05
    rows = []
    for i in range(n):
        g = "male" if male[i] else "female"
        rows.append(
            ProfileRow(
                id=i + 1,
                gender=g,
                age=int(age[i]),
                height_cm=int(height[i]) if has_height[i] else None,
                education=EDUCATION_LEVELS[edu[i]] if has_edu[i] else None,
                occupation=JOBS[job[i]] if job[i] < len(JOBS) else None,
                city=CITIES[city[i]],
                hometown=f"{CITIES[home[i] % len(CITIES)]}{home[i] // len(CITIES)}区" if has_home[i] else None,
                goal=GOALS[goal[i]] if goal[i] < len(GOALS) else None,
                interests=tuple((TAGS[t], int(w)) for t, w in zip(tag_perm[i, : n_tags[i]], tag_w[i])),
                intro="".join(PHRASES[k] for k in phr_perm[i, : n_phr[i]]),
                seeking_gender="female" if male[i] else "male",
                age_min=max(18, int(age[i] - lo[i])),
                age_max=int(age[i] + hi[i]),
                height_min=160 if h_min[i] else None,
                education_min="bachelor" if e_min[i] else None,
                cities=(CITIES[0],) if c_wish[i] else (),
            )
        )
    return rows


def synthetic_events(pool: PoolArrays, n_events: int, seed: int = 1) -> list[tuple[int, int, bool]]:
    """Random likes (40 %) and passes between opposite-gender members."""
    rng = np.random.default_rng(seed)
    men, women = pool.partition(1), pool.partition(2)
    actors = rng.integers(0, len(pool), n_events)
    to_woman = pool.gender[actors] == 1
    targets = np.where(to_woman, women[rng.integers(0, len(women), n_events)], men[rng.integers(0, len(men), n_events)])
    liked = rng.random(n_events) < 0.4
    return list(zip(pool.ids[actors].tolist(), pool.ids[targets].tolist(), liked.tolist()))


class Clock:
    """Wall and CPU seconds of a block (CPU time is what a shared machine does not inflate)."""

    def __enter__(self) -> "Clock":
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def __str__(self) -> str:
        return f"{self.wall:.2f} s wall, {self.cpu:.2f} s CPU"


def per_viewer(X: np.ndarray, pool: PoolArrays, signals: InteractionSignals | None, viewers: np.ndarray) -> str:
    """Hard filter + exclusions + reciprocal score + top-200 selection, per viewer."""
    sizes = []
    with Clock() as clock:
        for v in viewers:
            cand = eligible_candidates(int(v), pool)
            s = score_candidates(int(v), cand, X, pool, signals)
            top = np.argpartition(-s, min(200, len(s) - 1))[:200]
            cand[top[np.argsort(-s[top])]]
            sizes.append(len(cand))
    k = 1000 / len(viewers)
    return f"{clock.wall * k:.2f} ms wall, {clock.cpu * k:.2f} ms CPU per viewer ({np.mean(sizes):,.0f} candidates after hard filters)"


def yardstick() -> Clock:
    """A pure-Python 10M-step loop (≈0.5 s wall and CPU on an idle modern core): on a shared
    machine, scale the figures below by it."""
    total = 0
    with Clock() as clock:
        for i in range(10_000_000):
            total += i
    return clock


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--viewers", type=int, default=200)
    ap.add_argument("--interleaved", action="store_true", help="genders mixed in the pool order")
    args = ap.parse_args(argv)

    print(f"yardstick, 10M-step Python loop (≈0.5 s on an idle core): {yardstick()}")
    with Clock() as c:
        rows = synthetic_rows(args.n, sort_by_gender=not args.interleaved)
    print(f"synthetic rows: {args.n:,} ({c})")
    pipeline = FeaturePipeline()
    with Clock() as c:
        X = pipeline.fit_transform(rows)
    print(f"FeaturePipeline.fit_transform: {c} → X {X.shape} {X.dtype}")
    with Clock() as c:
        pool = PoolArrays.from_rows(rows)
    print(f"PoolArrays.from_rows: {c}")
    with Clock() as c:
        pipeline.transform(rows[:1])
    print(f"transform of one new row: {c.wall * 1000:.1f} ms wall")

    viewers = np.random.default_rng(2).choice(len(pool), args.viewers, replace=False)
    with threadpool_limits(limits=1):
        per_viewer(X, pool, None, viewers[:5])  # warm-up
        print(f"cold, 1 thread: {per_viewer(X, pool, None, viewers)}")
        events = synthetic_events(pool, args.events)
        with Clock() as c:
            signals = InteractionSignals.from_events(pool.ids, events)
        print(f"InteractionSignals.from_events: {len(signals):,} decisions ({c})")
        more = synthetic_events(pool, 1000, seed=3)
        with Clock() as c:
            for a, b, liked in more:
                signals.add(a, b, liked)
        print(f"InteractionSignals.add: {c.wall:.3f} ms wall per event")
        per_viewer(X, pool, signals, viewers[:5])
        print(f"warm, 1 thread: {per_viewer(X, pool, signals, viewers)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
