#!/usr/bin/env python3
"""Scores fraud alerts against injected ground truth: precision and recall per detector, with Wilson 95 %
intervals. Usage: fraud_score.py DB=LABELS.csv[,LABELS.csv ...] [DB=...]: each database holds generated files loaded
with detection on, and the labels written with them. A labels file labels-SEED.csv belongs to the file named
*-SEED.* in the database."""
import csv, json, math, os, re, sqlite3, sys
from collections import defaultdict

# Each detector with the scenario types it is scored on (its primary type first).
DETECTORS = [("irsf-hotlist", {"irsf"}), ("irsf-burst", {"burst", "irsf"}), ("irsf-pump", {"pump"}),
             ("wangiri", {"wangiri"}), ("wangiri-callback", {"wangiri"}), ("pbx-hack", {"pbx"}),
             ("simbox", {"simbox"}), ("simbox-trunk", {"bypass"}), ("fas", {"fas"}), ("premium", {"premium"}),
             ("robocall", {"robocall"}), ("concurrency", {"concurrency"}), ("diversion", {"diversion"}),
             ("high-usage", {"usage"}), ("subscription", {"subscription"})]
# The primary type of detectors scored on several types.
PRIMARY = {"irsf-burst": "burst"}
# Which records of a scenario a detector is meant to see (callbacks for the callback detector).
ROLES = {"wangiri-callback": {"callback"}, "high-usage": {"attack"}}


def kind_primary(detector):
    """The scenario type a detector exists for (its subtle scenarios are scored on it alone)."""
    return PRIMARY.get(detector) or next(iter(dict(DETECTORS)[detector]))


def wilson(successes, total, z=1.96):
    if total == 0:
        return (float("nan"), float("nan"))
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return (max(0.0, centre - half), min(1.0, centre + half))


def load(db, labels_files, scenarios, alerts):
    """Adds one database's scenarios (from the labels of the files loaded into it) and alerts; records are
    named (database, id). Labels name records by the id their file carries: the uniqueid, or a BER call
    reference."""
    con = sqlite3.connect(db)
    for labels in labels_files:
        seed = re.search(r"(\d+)", os.path.basename(labels)).group(1)
        load_labels(con, db, labels, seed, scenarios)
    # Days 1-7 are warm-up (profiles fill; no scenarios are injected there): their alerts are not scored.
    first_day = con.execute("SELECT min(start_at) FROM records").fetchone()[0]
    warm_up_end = first_day - first_day % 86400 + 7 * 86400
    alerts += [{"detector": d, "evidence": {(db, e) for e in json.loads(ev)}}
               for d, ev in con.execute("SELECT detector, evidence FROM alerts WHERE first_at >= ?", (warm_up_end,))]


def load_labels(con, db, labels, seed, scenarios):
    with open(labels) as handle:
        rows = list(csv.DictReader(handle))
    wanted = {row["uniqueid"] for row in rows}
    record_of = {source_id: (db, record) for source_id, record in con.execute(
        "SELECT r.source_id, r.id FROM records r JOIN files f ON f.id = r.file_id WHERE f.path LIKE ?",
        (f"%-{seed}.%",)) if source_id in wanted}
    for row in rows:
        record = record_of.get(row["uniqueid"])
        if record is None:
            continue
        entry = scenarios.setdefault((labels, row["scenario_id"]),
                                     {"type": row["type"], "records": set(), "roles": {},
                                      "confounder": row["role"] == "confounder",
                                      "subtle": "-subtle-" in row["scenario_id"]})
        entry["records"].add(record)
        entry["roles"].setdefault(row["role"], set()).add(record)


def main():
    scenarios, alerts = {}, []
    for pair in sys.argv[1:]:
        db, labels = pair.split("=", 1)
        load(db, labels.split(","), scenarios, alerts)
    lookalikes = [s for s in scenarios.values() if s["confounder"]]
    scenarios = {k: s for k, s in scenarios.items() if not s["confounder"]}
    injected = set().union(*(s["records"] for s in scenarios.values())) if scenarios else set()

    print(f"{'detector':16} {'scenarios':>9} {'recall':>7} {'95% CI':>15} {'alerts':>7} {'precision':>9} {'95% CI':>15}"
          f" {'look-alikes alerted':>20} {'subtle recall':>20}")
    worst = 1.0
    for detector, kind in DETECTORS:
        roles = ROLES.get(detector)

        def seen(s):
            return set().union(*(s["roles"].get(r, set()) for r in roles)) if roles else s["records"]

        mine = [a for a in alerts if a["detector"] == detector]
        own = [s for s in scenarios.values() if s["type"] in kind and seen(s) and not s["subtle"]]
        found = sum(1 for s in own if any(a["evidence"] & seen(s) for a in mine))
        weak = [s for s in scenarios.values() if s["type"] == kind_primary(detector) and seen(s) and s["subtle"]]
        weak_found = sum(1 for s in weak if any(a["evidence"] & seen(s) for a in mine))
        subtle = f"{weak_found}/{len(weak)} = {weak_found / len(weak):.2f}" if weak else "-"
        true = sum(1 for a in mine if a["evidence"] & injected)
        recall = found / len(own) if own else float("nan")
        precision = true / len(mine) if mine else float("nan")
        rlo, rhi = wilson(found, len(own))
        plo, phi = wilson(true, len(mine))
        worst = min(worst, recall if own else 1.0, precision if mine else 1.0)
        fooled = sum(1 for s in lookalikes if any(a["evidence"] & s["records"] for a in mine))
        print(f"{detector:16} {len(own):9} {recall:7.3f} {f'[{rlo:.2f}, {rhi:.2f}]':>15} {len(mine):7} {precision:9.3f} "
              f"{f'[{plo:.2f}, {phi:.2f}]':>15} {f'{fooled}/{len(lookalikes)}':>20} {subtle:>20}")
    print("an alert is true when its evidence holds injected fraud records (not look-alikes); a scenario is found when")
    print("an alert of its detector cites one of its records; look-alikes alerted counts legitimate patterns any alert")
    print("of the detector cites; subtle scenarios (1-1.5x the warning threshold, of the detector's own type) are")
    print("scored apart and have no target; alerts on them count as true")
    print(f"target: precision >= 0.95 and recall >= 0.95 per detector; lowest here {worst:.3f}")


main()
