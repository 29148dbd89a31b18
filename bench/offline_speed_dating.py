"""Offline run of the speed-dating evaluation protocol on the training waves 1–10.

Simulates `../shared/data/speed-dating/README.md` ("How the acceptance evaluation uses this
data") with the matching modules alone (no HTTP, no database): each wave is its own fresh pool;
every participant's profile is built by `bench.speed_dating_profiles.build_profiles`.

* cold: everyone ranks the whole wave (hard filters, then `score_candidates`, best first, top 200);
* warm: a fixed random half of the wave's dates — `numpy.random.default_rng(7)`, one draw per
  unordered date in file order, observed when < 0.5 — is replayed as likes and passes (shuffled),
  then everyone ranks again and only their *unobserved* dates are scored. The README fixes the
  generator per run and runs each wave as a fresh service, so the generator is re-seeded for each
  wave (`--global-rng` draws once across all waves instead, for comparison).

Metrics (per person, against `match`; people with at least one match and one non-match):
ROC AUC, precision@3, NDCG@5 — `bench.speed_dating_metrics`.

Run from the repository root:  python -m bench.offline_speed_dating [--data DIR] [--global-rng]
                                python -m bench.offline_speed_dating --derive     (re-derives the weights)
                                python -m bench.offline_speed_dating --splits 10  (other random halves)
                                python -m bench.offline_speed_dating --fit-inputs (fits the input weights,
                                                                                  cross-validated over waves)
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make `bench` and `matchsvc` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.speed_dating_metrics import (  # noqa: E402
    Summary,
    bootstrap_mean,
    paired_difference,
    person_aucs,
    ranking_scores,
    summarise,
)
from bench.speed_dating_profiles import (  # noqa: E402
    FRIENDS_SAY,
    SOCIAL_FREQUENCY,
    VALUES,
    build_profiles,
    waves_of,
)
from matchsvc.matching.features import FeaturePipeline, ProfileRow  # noqa: E402
from matchsvc.matching.model import (  # noqa: E402
    DEFAULT_WEIGHTS,
    InteractionSignals,
    PoolArrays,
    ScoreWeights,
    content_logits,
    content_logits_block,
    eligible_candidates,
    score_candidates,
)
from matchsvc.matching.model.scoring import directional_logits_block  # noqa: E402

def _find_data() -> Path:
    """``shared/data/speed-dating`` beside the checkout, or beside a folder above it (a worktree
    under ``wt/<name>`` finds the one next to the main checkout)."""
    here = Path(__file__).resolve().parents[1]
    for parent in here.parents:
        found = parent / "shared" / "data" / "speed-dating"
        if found.is_dir():
            return found
    return here.parent / "shared" / "data" / "speed-dating"


DEFAULT_DATA = _find_data()
LIMIT = 200
SEED = 7

#: README reference figures (held-out waves 11–21): (cold pAUC, warm pAUC)
BASELINES: list[tuple[str, str, str]] = [
    ("random", "0.500", "0.500"),
    ("cosine of the 17 interest ratings", "0.531", "—"),
    ("age gap alone", "0.556", "0.516"),
    ("tuned hand-made similarity", "0.561", "—"),
    ("logistic regression on profile pairs", "0.559", "—"),
    ("candidate's yes-rate received × given", "—", "0.639"),
]


def row_from_profile(pid: int, profile: dict, *, today: dt.date | None = None) -> ProfileRow:
    """An API profile body → the `ProfileRow` the matching index would build from it."""
    today = today or dt.date.today()
    born = dt.date.fromisoformat(profile["birth_date"])
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    seeking = profile.get("seeking") or {}
    interests = tuple(
        (i["tag"], int(i.get("weight", 3))) if isinstance(i, dict) else (i, 3)
        for i in profile.get("interests") or ()
    )
    return ProfileRow(
        id=pid,
        gender=profile.get("gender"),
        age=age,
        height_cm=profile.get("height_cm"),
        education=profile.get("education"),
        occupation=profile.get("occupation"),
        city=profile.get("city"),
        hometown=profile.get("hometown"),
        goal=profile.get("goal"),
        interests=interests,
        intro=profile.get("intro"),
        seeking_gender=seeking.get("gender"),
        age_min=seeking.get("age_min"),
        age_max=seeking.get("age_max"),
        height_min=seeking.get("height_min"),
        height_max=seeking.get("height_max"),
        education_min=seeking.get("education_min"),
        cities=tuple(seeking.get("cities") or ()),
        going_out=FREQUENCY_STEP.get(profile.get("social_frequency")),
        values=tuple(profile["values"][k] for k in VALUE_KEYS) if profile.get("values") else None,
        friends_say=tuple(profile["friends_say"][k] for k in FRIENDS_SAY_KEYS) if profile.get("friends_say") else None,
    )


#: social_frequency → step 0..6, as the index reads it
FREQUENCY_STEP = {name: i for i, name in enumerate(SOCIAL_FREQUENCY.values())}
VALUE_KEYS = tuple(VALUES.values())
FRIENDS_SAY_KEYS = tuple(FRIENDS_SAY.values())


@dataclass
class Wave:
    wave: int
    rows: list[ProfileRow]
    #: ordered pairs (i, j) → (dec of i about j, match)
    dates: dict[tuple[int, int], tuple[int, int]]
    #: unordered dates in file order
    order: list[tuple[int, int]]


def load_waves(data: Path) -> list[Wave]:
    profiles = build_profiles(data / "train_people.csv")
    wave_of = waves_of(data / "train_people.csv")
    rows = {pid: row_from_profile(pid, p) for pid, p in profiles.items()}
    dates: dict[int, dict] = defaultdict(dict)
    order: dict[int, list] = defaultdict(list)
    seen = set()
    with open(data / "train_pairs.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            i, j, w = int(r["iid"]), int(r["pid"]), int(r["wave"])
            dates[w][(i, j)] = (int(r["dec"]), int(r["match"]))
            key = (min(i, j), max(i, j))
            if key not in seen:
                seen.add(key)
                order[w].append(key)
    by_wave: dict[int, list[ProfileRow]] = defaultdict(list)
    for pid in sorted(rows):
        by_wave[wave_of[pid]].append(rows[pid])
    return [Wave(w, by_wave[w], dates[w], order[w]) for w in sorted(order)]


def observed_split(waves: list[Wave], *, seed: int = SEED, per_wave: bool = True) -> dict[tuple[int, int], bool]:
    """Unordered date → observed, one draw per date in file order (re-seeded per wave)."""
    out = {}
    rng = np.random.default_rng(seed)
    for wave in waves:
        if per_wave:
            rng = np.random.default_rng(seed)
        for key in wave.order:
            out[key] = bool(rng.random() < 0.5)
    return out


def _met(wave: Wave) -> dict[int, list[int]]:
    met: dict[int, list[int]] = defaultdict(list)
    for i, j in wave.dates:
        met[i].append(j)
    return met


def age_gap_ranker(v: int, cand: np.ndarray, pool: PoolArrays, signals: InteractionSignals | None) -> np.ndarray:
    """README baseline "age gap alone"."""
    return -np.abs(pool.age[cand] - pool.age[v])


def yes_rate_ranker(v: int, cand: np.ndarray, pool: PoolArrays, signals: InteractionSignals | None) -> np.ndarray:
    """README baseline "candidate's observed yes-rate received × yes-rate given" (the global
    rate for someone not yet observed)."""
    if signals is None:
        return np.zeros(len(cand))
    g = signals.global_rate()

    def rate(yes: np.ndarray, n: np.ndarray) -> np.ndarray:
        return np.where(n[cand] > 0, yes[cand] / np.maximum(n[cand], 1), g)

    return rate(signals.recv_yes, signals.recv_n) * rate(signals.given_yes, signals.given_n)


def rank_wave(wave: Wave, weights: ScoreWeights, observed: dict | None = None, *, seed: int = SEED,
              ranker=None):
    """Per person: (scores of the dates that count, their match labels). Cold when `observed`
    is None, else warm (observed dates replayed, unobserved ones scored). `ranker(v, cand,
    pool, signals)` replaces the model's score (baselines)."""
    X = FeaturePipeline().fit_transform(wave.rows)
    pool = PoolArrays.from_rows(wave.rows)
    signals = None
    acted: dict[int, set[int]] = defaultdict(set)
    if observed is not None:
        events = [(i, j, bool(d)) for (i, j), (d, _) in wave.dates.items() if observed[(min(i, j), max(i, j))]]
        rng = np.random.default_rng(seed)
        signals = InteractionSignals.from_events(pool.ids, [])
        for k in rng.permutation(len(events)):
            i, j, liked = events[k]
            signals.add(i, j, liked)
            acted[i].add(j)
    scores, labels = {}, {}
    for pid, met in _met(wave).items():
        v = pool.index[pid]
        cand = eligible_candidates(v, pool, exclude_ids=acted[pid])
        s = score_candidates(v, cand, X, pool, signals, weights) if ranker is None else ranker(v, cand, pool, signals)
        listed = [int(pool.ids[k]) for k in cand[np.argsort(-s, kind="stable")][:LIMIT]]
        judged = [j for j in met if j not in acted[pid]]
        scores[pid] = ranking_scores(listed, judged)
        labels[pid] = [wave.dates[(pid, j)][1] for j in judged]
    return scores, labels


def run(waves: list[Wave], weights: ScoreWeights, *, per_wave_rng: bool = True, ranker=None):
    """{"cold"|"warm": (overall Summary, {wave: Summary})}."""
    observed = observed_split(waves, per_wave=per_wave_rng)
    result = {}
    for mode in ("cold", "warm"):
        per_wave = {}
        all_s, all_l = {}, {}
        for wave in waves:
            s, lab = rank_wave(wave, weights, observed if mode == "warm" else None, ranker=ranker)
            per_wave[wave.wave] = summarise(s, s, lab)
            all_s.update(s)
            all_l.update(lab)
        result[mode] = (summarise(all_s, all_s, all_l), per_wave)
    return result


def print_report(result: dict[str, tuple[Summary, dict[int, Summary]]], baselines: dict[str, dict]) -> None:
    print("protocol: README 'How the acceptance evaluation uses this data', waves 1–10 (train)")
    print(f"{'mode':5s} {'pAUC':>6s} {'P@3':>6s} {'NDCG@5':>6s} {'people':>6s}")
    for mode, (total, _) in result.items():
        print(f"{mode:5s} {total.auc:6.3f} {total.p_at_3:6.3f} {total.ndcg_at_5:6.3f} {total.people:6d}")
    print()
    print("per wave pAUC   " + " ".join(f"w{w:<5d}" for w in result["cold"][1]))
    for mode, (_, per_wave) in result.items():
        print(f"{mode:5s}           " + " ".join(f"{s.auc:6.3f}" for s in per_wave.values()))
    for mode, (_, per_wave) in result.items():
        aucs = np.array([s.auc for s in per_wave.values()])
        print(f"{mode}: wave pAUC min {aucs.min():.3f} median {np.median(aucs):.3f} max {aucs.max():.3f}")
    print()
    print("pAUC beside the README reference figures (held-out waves 11–21; this run: train waves 1–10)")
    print(f"{'ranking':40s} {'README cold':>11s} {'warm':>6s}   {'train cold':>10s} {'warm':>6s}")
    for name, cold, warm in BASELINES:
        ours = baselines.get(name, {})
        mine = [f"{ours[m][0].auc:.3f}" if m in ours and readme != "—" else "" for m, readme in (("cold", cold), ("warm", warm))]
        print(f"{name:40s} {cold:>11s} {warm:>6s}   {mine[0]:>10s} {mine[1]:>6s}")
    print(f"{'matchsvc':40s} {'':>11s} {'':>6s}   {result['cold'][0].auc:10.3f} {result['warm'][0].auc:6.3f}")


#: content terms whose weight is derived as UNIT / sd (the others are constant in these data)
DERIVED_TERMS = ("cosine", "age", "interests", "engagement")
UNIT = 0.25


def derive_weights(waves: list[Wave]) -> dict[str, float]:
    """Reproduce the content weights of `ScoreWeights`: UNIT / sd of each directional term
    over every date of the given waves (no labels used), printed rounded."""
    zero = replace(DEFAULT_WEIGHTS, **{f: 0.0 for f in DERIVED_TERMS + ("goal", "education", "city")})
    values: dict[str, list[np.ndarray]] = {t: [] for t in DERIVED_TERMS}
    for wave in waves:
        X = FeaturePipeline().fit_transform(wave.rows)
        pool = PoolArrays.from_rows(wave.rows)
        for pid, met in _met(wave).items():
            cand = pool.positions(met)
            for term in DERIVED_TERMS:
                ab, _ = content_logits(pool.index[pid], cand, X, pool, replace(zero, **{term: 1.0}))
                values[term].append(ab)
    return {t: UNIT / float(np.concatenate(v).std()) for t, v in values.items()}


def warm_auc(waves: list[Wave], weights: ScoreWeights, seed: int, ranker=None) -> float:
    """Overall warm pAUC for the random half drawn with `seed` (re-seeded per wave)."""
    observed = observed_split(waves, seed=seed)
    s_all, l_all = {}, {}
    for wave in waves:
        s, lab = rank_wave(wave, weights, observed, seed=seed, ranker=ranker)
        s_all.update(s)
        l_all.update(lab)
    return summarise(s_all, s_all, l_all).auc


def sweep_interaction_weights(waves: list[Wave], seeds: tuple[int, ...] = (7, 1, 2)) -> None:
    """Warm pAUC with each interaction weight dropped, halved and doubled, over several halves."""
    print(f"{'weights':28s} " + " ".join(f"seed {s:<3d}" for s in seeds) + "   mean")
    cases = [("defaults", DEFAULT_WEIGHTS)] + [
        (f"{name} × {f}", replace(DEFAULT_WEIGHTS, **{name: getattr(DEFAULT_WEIGHTS, name) * f}))
        for name in ("received", "given", "collaborative")
        for f in (0.0, 0.5, 2.0)
    ]
    for label, weights in cases:
        aucs = [warm_auc(waves, weights, seed) for seed in seeds]
        print(f"{label:28s} " + " ".join(f"{a:8.3f}" for a in aucs) + f"  {np.mean(aucs):.3f}")


def compare_splits(waves: list[Wave], seeds: range) -> None:
    """Warm pAUC of the model and of the yes-rate baseline over other random halves than 7's:
    one split of ~150 people is noisy (±0.02)."""
    diffs = []
    print(f"{'seed':>4s} {'matchsvc':>9s} {'rates':>6s}")
    for seed in seeds:
        ours = warm_auc(waves, DEFAULT_WEIGHTS, seed)
        base = warm_auc(waves, DEFAULT_WEIGHTS, seed, ranker=yes_rate_ranker)
        diffs.append(ours - base)
        print(f"{seed:4d} {ours:9.3f} {base:6.3f}")
    d = np.array(diffs)
    print(f"matchsvc − yes-rate baseline: {d.mean():+.3f} ± {d.std(ddof=1) / np.sqrt(len(d)):.3f} (mean ± s.e.)")


#: the weights of the optional matching inputs (`ScoreWeights`), fitted by `fit_input_weights`
INPUT_TERMS = ("going_out_gives", "going_out_receives", "going_out_gap", "fit_sincere", "fit_intelligent",
               "fit_humorous", "fit_ambitious")
#: the model without the optional inputs (what members who did not answer get)
TODAY = replace(DEFAULT_WEIGHTS, **{t: 0.0 for t in INPUT_TERMS})


@dataclass
class Ranked:
    """One person's cold ranking as the input fit sees it: the match labels of their dates,
    today's directional log-odds (bias included) and each input term with unit weight."""

    wave: int
    labels: np.ndarray  # bool, per date
    ab: np.ndarray  # today's log-odds A → B
    ba: np.ndarray  # today's log-odds B → A
    terms_ab: np.ndarray  # (len(INPUT_TERMS), dates)
    terms_ba: np.ndarray

    def scores(self, w: np.ndarray) -> np.ndarray:
        """The reciprocal score with input weights `w` (the model's harmonic mean)."""
        p_ab = 1.0 / (1.0 + np.exp(-(self.ab + w @ self.terms_ab)))
        p_ba = 1.0 / (1.0 + np.exp(-(self.ba + w @ self.terms_ba)))
        return 2.0 * p_ab * p_ba / (p_ab + p_ba)


def ranking_terms(waves: list[Wave]) -> list[Ranked]:
    """Everyone's cold ranking of their dates (people with a match and a non-match only)."""
    zero = replace(TODAY, **{f: 0.0 for f in DERIVED_TERMS + ("goal", "education", "city")})
    out = []
    for wave in waves:
        X = FeaturePipeline().fit_transform(wave.rows)
        pool = PoolArrays.from_rows(wave.rows)
        for pid, met in _met(wave).items():
            labels = np.array([wave.dates[(pid, j)][1] for j in met], dtype=bool)
            if labels.all() or not labels.any():
                continue
            v, cand = np.array([pool.index[pid]]), pool.positions(met)
            ab, ba = directional_logits_block(v, cand, X, pool, None, TODAY)
            base_ab, base_ba = content_logits_block(v, cand, X, pool, zero)
            t_ab, t_ba = zip(*(content_logits_block(v, cand, X, pool, replace(zero, **{t: 1.0})) for t in INPUT_TERMS))
            out.append(Ranked(wave.wave, labels, ab[0], ba[0], np.vstack(t_ab) - base_ab, np.vstack(t_ba) - base_ba))
    return out


#: the pairwise fit: sharpness of the logistic stand-in for "a match ranks above a non-match"
#: (score differences are a few hundredths to tenths) and the L2 penalty on the input weights
SHARPNESS = 10.0
PENALTY = 0.001


def _pairwise_loss(w: np.ndarray, people: list[Ranked]) -> float:
    """Mean over people of the smooth share of (match, non-match) pairs ranked the wrong way
    round (log of the score, so the scale of the harmonic mean does not matter), plus the penalty."""
    total = 0.0
    for person in people:
        s = np.log(person.scores(w))
        d = s[person.labels][:, None] - s[~person.labels][None, :]
        total += float(np.mean(np.logaddexp(0.0, -SHARPNESS * d)))
    return total / len(people) + PENALTY * float(w @ w)


def fit_input_weights(people: list[Ranked]) -> ScoreWeights:
    """Today's weights with the input weights fitted on `people` alone: the weights that best
    rank each person's matches above their non-matches in the cold setting (a smooth per-person
    AUC: the measure the protocol reports), starting from zero, rounded to two decimals.

    An earlier fit (a logistic regression of each side's yes, then shrunk) predicted yes across
    everyone, which is mostly how readily each person says yes, not whom they pick; scored on
    held-out waves it ranked worse than today's model (cold 0.569)."""
    from scipy.optimize import minimize

    found = minimize(_pairwise_loss, np.zeros(len(INPUT_TERMS)), args=(people,), method="Powell",
                     options={"maxiter": 4000, "xtol": 1e-2, "ftol": 1e-5})
    return replace(TODAY, **{t: round(float(x), 2) for t, x in zip(INPUT_TERMS, found.x)})


def cross_validate_inputs(waves: list[Wave], folds: int = 5) -> None:
    """Input weights fitted on the other waves and scored on each held-out pair of waves (5 folds
    of 2 waves), next to today's model (no inputs), the weights fitted on all ten (in-sample) and
    the shipped `DEFAULT_WEIGHTS`; the protocol's metrics, cold and warm."""
    observed = observed_split(waves)
    by_wave = {w.wave: w for w in waves}
    ids = sorted(by_wave)
    held = [ids[k::folds] for k in range(folds)]
    people = ranking_terms(waves)
    everything = fit_input_weights(people)
    named = {"today (no inputs)": TODAY, "cross-validated": None, "in-sample": everything, "shipped": DEFAULT_WEIGHTS}
    results: dict[str, dict[str, tuple[dict, dict]]] = {name: {} for name in named}
    for fold in held:
        fitted = fit_input_weights([p for p in people if p.wave not in fold])
        print(f"fold {fold}: " + ", ".join(f"{t} {getattr(fitted, t):+.2f}" for t in INPUT_TERMS), flush=True)
        for name, weights in named.items():
            for mode in ("cold", "warm"):
                s_all, l_all = results[name].setdefault(mode, ({}, {}))
                for w in fold:
                    s, lab = rank_wave(by_wave[w], weights or fitted, observed if mode == "warm" else None)
                    s_all.update(s)
                    l_all.update(lab)
    print("all ten waves: " + ", ".join(f"{t} {getattr(everything, t):+.2f}" for t in INPUT_TERMS))
    print(f"{'weights':18s} {'mode':5s} {'pAUC':>6s} {'P@3':>6s} {'NDCG@5':>6s} {'people':>6s}")
    for name, modes in results.items():
        for mode, (s_all, l_all) in modes.items():
            total = summarise(s_all, s_all, l_all)
            print(f"{name:18s} {mode:5s} {total.auc:6.3f} {total.p_at_3:6.3f} {total.ndcg_at_5:6.3f} {total.people:6d}")
    print_uncertainty(results["cross-validated"], results["today (no inputs)"])


def print_uncertainty(model: dict[str, tuple[dict, dict]], today: dict[str, tuple[dict, dict]]) -> None:
    """How sure the cross-validated figures are: each mean pAUC with its bootstrap 95 % interval
    over people, and the gain over today's model on the same people."""
    print("bootstrap 95 % intervals over people (5,000 draws):")
    for mode in ("cold", "warm"):
        ours, base = person_aucs(*model[mode]), person_aucs(*today[mode])
        print(f"  {mode}: cross-validated pAUC {bootstrap_mean(list(ours.values()))}; "
              f"gain over today {paired_difference(ours, base):+}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--global-rng", action="store_true", help="one generator across all waves")
    ap.add_argument("--derive", action="store_true", help="re-derive the weights of model.ScoreWeights")
    ap.add_argument("--fit-inputs", action="store_true",
                    help="fit the matching-input weights, cross-validated over waves (5 folds of 2 waves)")
    ap.add_argument("--splits", type=int, default=0, metavar="N",
                    help="also compare warm pAUC with the yes-rate baseline over N other random halves")
    args = ap.parse_args(argv)
    waves = load_waves(args.data)
    if args.splits:
        compare_splits(waves, range(10, 10 + args.splits))
        return 0
    if args.fit_inputs:
        cross_validate_inputs(waves)
        return 0
    if args.derive:
        derived = derive_weights(waves)
        print("content weights, UNIT / sd over all dates (model.ScoreWeights has them rounded):")
        for term, value in derived.items():
            print(f"  {term:12s} {value:6.2f}   (ScoreWeights: {getattr(DEFAULT_WEIGHTS, term)})")
        print()
        sweep_interaction_weights(waves)
        return 0
    per_wave_rng = not args.global_rng
    baselines = {
        "age gap alone": run(waves, DEFAULT_WEIGHTS, per_wave_rng=per_wave_rng, ranker=age_gap_ranker),
        "candidate's yes-rate received × given": run(
            waves, DEFAULT_WEIGHTS, per_wave_rng=per_wave_rng, ranker=yes_rate_ranker
        ),
    }
    print_report(run(waves, DEFAULT_WEIGHTS, per_wave_rng=per_wave_rng), baselines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
