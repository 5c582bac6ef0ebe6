#!/usr/bin/env python3
"""Scores fraud alerts against injected ground truth: precision and recall per detector, with Wilson 95 %
intervals. Usage: fraud_score.py DB LABELS.csv [LABELS.csv ...]  (alerts are read from the database)."""
import csv, json, math, sqlite3, sys
from collections import defaultdict

DETECTORS = [("irsf-hotlist", "irsf"), ("wangiri", "wangiri"), ("wangiri-callback", "wangiri"), ("pbx-hack", "pbx"),
             ("premium", "premium"), ("robocall", "robocall"), ("concurrency", "concurrency"),
             ("diversion", "diversion"), ("high-usage", "usage"), ("subscription", "subscription")]
# Which records of a scenario a detector is meant to see (callbacks for the callback detector).
ROLES = {"wangiri-callback": {"callback"}, "high-usage": {"attack"}}


def wilson(successes, total, z=1.96):
    if total == 0:
        return (float("nan"), float("nan"))
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return (max(0.0, centre - half), min(1.0, centre + half))


def main():
    db, label_files = sys.argv[1], sys.argv[2:]
    con = sqlite3.connect(db)
    record_of = dict(con.execute("SELECT source_id, id FROM records WHERE source_id LIKE 'inject-%'"))
    scenarios = {}
    for path in label_files:
        with open(path) as handle:
            for row in csv.DictReader(handle):
                record = record_of.get(row["uniqueid"])
                if record is None:
                    continue
                entry = scenarios.setdefault((path, row["scenario_id"]),
                                             {"type": row["type"], "records": set(), "roles": {},
                                              "confounder": row["role"] == "confounder"})
                entry["records"].add(record)
                entry["roles"].setdefault(row["role"], set()).add(record)
    lookalikes = [s for s in scenarios.values() if s["confounder"]]
    scenarios = {k: s for k, s in scenarios.items() if not s["confounder"]}
    injected = set().union(*(s["records"] for s in scenarios.values())) if scenarios else set()
    # Days 1-7 are warm-up (profiles fill; no scenarios are injected there): their alerts are not scored.
    first_day = con.execute("SELECT min(start_at) FROM records").fetchone()[0]
    warm_up_end = first_day - first_day % 86400 + 7 * 86400
    alerts = [{"detector": d, "evidence": set(json.loads(e))}
              for d, e in con.execute("SELECT detector, evidence FROM alerts WHERE first_at >= ?", (warm_up_end,))]

    print(f"{'detector':16} {'scenarios':>9} {'recall':>7} {'95% CI':>15} {'alerts':>7} {'precision':>9} {'95% CI':>15}"
          f" {'look-alikes alerted':>20}")
    worst = 1.0
    for detector, kind in DETECTORS:
        roles = ROLES.get(detector)

        def seen(s):
            return set().union(*(s["roles"].get(r, set()) for r in roles)) if roles else s["records"]

        own = [s for s in scenarios.values() if s["type"] == kind and seen(s)]
        mine = [a for a in alerts if a["detector"] == detector]
        found = sum(1 for s in own if any(a["evidence"] & seen(s) for a in mine))
        true = sum(1 for a in mine if a["evidence"] & injected)
        recall = found / len(own) if own else float("nan")
        precision = true / len(mine) if mine else float("nan")
        rlo, rhi = wilson(found, len(own))
        plo, phi = wilson(true, len(mine))
        worst = min(worst, recall if own else 1.0, precision if mine else 1.0)
        fooled = sum(1 for s in lookalikes if any(a["evidence"] & s["records"] for a in mine))
        print(f"{detector:16} {len(own):9} {recall:7.3f} {f'[{rlo:.2f}, {rhi:.2f}]':>15} {len(mine):7} {precision:9.3f} "
              f"{f'[{plo:.2f}, {phi:.2f}]':>15} {f'{fooled}/{len(lookalikes)}':>20}")
    print("an alert is true when its evidence holds injected fraud records (not look-alikes); a scenario is found when")
    print("an alert of its detector cites one of its records; look-alikes alerted counts legitimate patterns any alert")
    print("of the detector cites")
    print(f"target: precision >= 0.95 and recall >= 0.95 per detector; lowest here {worst:.3f}")


main()
