#!/usr/bin/env python3
"""Prints the Markdown table of benches/compare.sh from its results file (tab-separated:
group, label, wall seconds, peak RSS KiB, bytes; or `check` rows for conditional requests).

Per tool: median and min-max over its runs, the highest peak RSS, and the ratio to digest in
the same group (throughput: digest's MB/s over the peer's; times: the peer's over digest's;
so above 1 means digest is faster)."""
import statistics
import sys
from collections import OrderedDict

rows = OrderedDict()
checks = []
for line in open(sys.argv[1]):
    parts = line.rstrip("\n").split("\t")
    if parts[0] == "check":
        checks.append(parts[1:])
        continue
    group, label, wall, rss, size = parts
    rows.setdefault((group, label), []).append((float(wall), int(rss), int(size)))

TITLES = {
    "parse": "parse only, one thread",
    "cold": "fetch + parse + store, 1,000 feeds, cold",
    "warm": "the same, every feed answered 304",
    "floor": "1,000 GETs, no parsing (transfer floor)",
    "cold250": "fetch + parse + store, 250 feeds, cold",
    "warm250": "the same 250, every feed answered 304",
    "full": "full cold run (fetch, extract, dedup, store, render)",
    "build": "build --week from the store (no fetch)",
}


def digest_median(group):
    for (g, label), runs in rows.items():
        if g == group and label.startswith("digest"):
            return median_value(runs)
    return None


def median_value(runs):
    size = runs[0][2]
    walls = [r[0] for r in runs]
    if size:
        return statistics.median(size / 1e6 / max(w, 1e-3) for w in walls)
    return statistics.median(walls)


print("| work | tool | runs | median | min-max | peak RSS | ratio (digest vs tool) |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
for (group, label), runs in rows.items():
    size = runs[0][2]
    walls = [r[0] for r in runs]
    peak = max(r[1] for r in runs) / 1024
    ours = digest_median(group)
    value = median_value(runs)
    if size:
        speeds = [size / 1e6 / max(w, 1e-3) for w in walls]
        median = f"{value:.1f} MB/s"
        spread = f"{min(speeds):.1f}-{max(speeds):.1f}"
        ratio = ours / value if ours else None
    else:
        median = f"{value:.2f} s"
        spread = f"{min(walls):.2f}-{max(walls):.2f}"
        ratio = value / ours if ours else None
    shown = "-" if label.startswith("digest") or ratio is None else f"{ratio:.2f}x"
    print(f"| {TITLES.get(group, group)} | {label} | {len(runs)} | {median} | {spread} | {peak:.0f} MiB | {shown} |")
if checks:
    print()
    print("| warm run | requests | answered 304 | conditional (If-None-Match / If-Modified-Since) |")
    print("| --- | ---: | ---: | ---: |")
    for name, total, nm, cond in checks:
        print(f"| {name} | {total} | {nm} | {cond} |")
