"""Prints kintsugi-bench's figures beside the OTP peer's, with their ratio.

Usage: compare_table.py kintsugi.jsonl otp.jsonl

A kintsugi line is compared with every peer line of the same workload, and for
W1 also with W1_nohist (OTP's restart path without its O(k) restart history:
Kintsugi's history is bounded, so both are fair references).
"""
import json
import sys

# Peer lines each of our workloads is compared with.
REFERENCES = {"W1": ["W1", "W1_nohist"]}
# Fields that identify a run rather than measure it.
SKIP = {"workload", "peer", "schedulers", "n", "warmup", "history", "children", "variant"}


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def main(ours_path, theirs_path):
    ours, theirs = load(ours_path), load(theirs_path)
    rows = [("workload", "figure", "kintsugi", "otp", "otp run", "kintsugi/otp")]
    for mine in ours:
        w = mine["workload"]
        for ref in REFERENCES.get(w, [w]):
            for peer in (p for p in theirs if p["workload"] == ref):
                label = ref + (f" ({peer['variant']})" if "variant" in peer else "")
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
