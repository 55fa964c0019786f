#!/usr/bin/env python3
"""Chat latency vs offered rate, Distance vs the bare SignalR baseline, from bench-chat.sh CSVs.

  python3 scripts/plot-chat.py load/out/chat-full.csv [more.csv ...] [-o docs/benchmarks-chat-latency.png]

Several runs of the same (target, rate) are reduced to their median.
"""
import csv
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(argv):
    out = "docs/benchmarks-chat-latency.png"
    paths = []
    it = iter(argv)
    for arg in it:
        if arg == "-o":
            out = next(it)
        else:
            paths.append(arg)
    rows = {}
    for path in paths:
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                rows.setdefault((row["target"], float(row["offered"])), []).append(row)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for target, colour in (("chat", "tab:red"), ("baseline", "tab:blue")):
        rates = sorted(r for t, r in rows if t == target)
        if not rates:
            continue
        for column, style, name in (("p50_ms", "o--", "p50"), ("p99_ms", "s-", "p99")):
            values = [statistics.median(float(r[column]) for r in rows[(target, rate)]) for rate in rates]
            ax.plot(rates, values, style, color=colour, label=f"{target} {name}")
    ax.axhline(100, color="grey", linewidth=0.8, linestyle=":", label="target p99 100 ms")
    ax.set_yscale("log")
    ax.set_xlabel("offered messages/s (cross-node, open model)")
    ax.set_ylabel("send → delivery latency (ms)")
    ax.set_title("Chat vs bare SignalR + Redis backplane, 2 nodes, shared 2-core machine")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
