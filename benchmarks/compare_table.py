"""Prints kintsugi-bench's figures beside the OTP peer's, with their ratio.

Usage: compare_table.py kintsugi.jsonl otp.jsonl

A kintsugi line is compared with every peer line of the same workload, and for
W1 also with W1_nohist (OTP's restart path without its O(k) restart history:
Kintsugi's history is bounded, so both are fair references). kintsugi-bench
also prints reference lines of its own (W4's standard containers under a
lock, and Abseil's from one thread): they are compared with OTP too, and each
kintsugi W4 line with them, so the table shows how far each is from the
ceiling.
"""
import json
import sys

# Peer lines each of our workloads is compared with.
REFERENCES = {"W1": ["W1", "W1_nohist"]}
# Fields that identify a run rather than measure it.
SKIP = {"workload", "peer", "schedulers", "n", "warmup", "history", "children", "variant",
        "procs", "ops_per_proc", "lookup_fraction", "keys"}


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def main(ours_path, theirs_path):
    ours, theirs = load(ours_path), load(theirs_path)
    references = [p for p in ours if p["peer"] != "kintsugi"]
    rows = [("workload", "figure", "ours", "theirs", "theirs: run", "ours/theirs")]
    for mine in ours:
        w = mine["workload"]
        if mine["peer"] != "kintsugi":
            w = f"{w} [{mine['peer']}]"
        candidates = [p for ref in REFERENCES.get(mine["workload"], [mine["workload"]])
                      for p in theirs if p["workload"] == ref]
        if mine["peer"] == "kintsugi":
            candidates += [p for p in references if p["workload"] == mine["workload"]]
        for peer in candidates:
            label = peer["workload"] + (f" ({peer['variant']})" if "variant" in peer else "")
            if peer in references:
                label += f" [{peer['peer']}]"
            for key, value in mine.items():
                if key in SKIP or not isinstance(value, (int, float)):
                    continue
                other = peer.get(key)
                if not isinstance(other, (int, float)):
                    continue
                ratio = f"{value / other:.3f}" if other else "-"
                rows.append((w, key, f"{value:.3f}", f"{other:.3f}", label, ratio))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, r in enumerate(rows):
        print("| " + " | ".join(c.ljust(widths[j]) for j, c in enumerate(r)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


if __name__ == "__main__":
    main(*sys.argv[1:])
