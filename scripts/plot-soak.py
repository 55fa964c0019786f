#!/usr/bin/env python3
"""GC heap and RSS per node over a soak, from a bench-soak.sh CSV (load/Distance.Load `soak`).

  /usr/bin/python3 scripts/plot-soak.py load/out/soak-<time>.csv [-o docs/benchmarks-soak-heap.png] [-l LABEL]

Top: gen2 and total GC heap per node; bottom: RSS per node; the warm-up is shaded. A CSV holding
several runs is plotted for one label (-l; default the last run's).
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

MB = 1048576.0
COLOURS = ["tab:red", "tab:blue", "tab:green", "tab:purple"]


def number(text):
    return float(text) if text not in ("", None) else float("nan")


def main(argv):
    out = "docs/benchmarks-soak-heap.png"
    label = None
    paths = []
    it = iter(argv)
    for arg in it:
        if arg == "-o":
            out = next(it)
        elif arg == "-l":
            label = next(it)
        else:
            paths.append(arg)
    if not paths:
        sys.exit(__doc__)
    rows = []
    for path in paths:
        with open(path, newline="") as f:
            rows.extend(csv.DictReader(f))
    if label is None:
        label = rows[-1]["label"]
    rows = [r for r in rows if r["label"] == label]
    if not rows:
        sys.exit(f"no rows labelled {label}")

    fig, (heap_ax, rss_ax) = plt.subplots(2, 1, sharex=True, figsize=(8, 6.5))
    measured = [number(r["t_s"]) / 60 for r in rows if r["phase"] == "measured"]
    if measured:
        for ax in (heap_ax, rss_ax):
            ax.axvspan(0, min(measured), color="grey", alpha=0.15, linewidth=0)
        heap_ax.text(min(measured) / 2, 0.97, "warm-up", transform=heap_ax.get_xaxis_transform(),
                     ha="center", va="top", fontsize=8, color="grey")
    for i, node in enumerate(sorted({r["node"] for r in rows}, key=int)):
        series = sorted((r for r in rows if r["node"] == node), key=lambda r: number(r["t_s"]))
        minutes = [number(r["t_s"]) / 60 for r in series]
        limit = max(number(r["memory_limit_bytes"]) for r in series)
        name = f"node {node}" + (f" (GC limit {limit / MB:.0f} MB)" if limit == limit and limit < 4096 * MB else "")
        colour = COLOURS[i % len(COLOURS)]
        heap_ax.plot(minutes, [number(r["heap_gen2_bytes"]) / MB for r in series], "-", color=colour, label=f"{name} gen2")
        heap_ax.plot(minutes, [number(r["heap_total_bytes"]) / MB for r in series], ":", color=colour, label=f"{name} total heap")
        rss_ax.plot(minutes, [number(r["rss_bytes"]) / MB for r in series], "-", color=colour, label=f"{name} RSS")

    heap_ax.set_ylabel("GC heap after last collection (MB)")
    rss_ax.set_ylabel("RSS (MB)")
    rss_ax.set_xlabel("minutes since the driver connected")
    for ax in (heap_ax, rss_ax):
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    offered = number(rows[0]["offered"])
    heap_ax.set_title(f"Soak: chat at {offered:,.0f} msg/s cross-node, 2 nodes ({label})")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
