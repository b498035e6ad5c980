"""The Tokyo Statement index from Python: build it, weight one priority
three times as much, see who moves, and plot the index over the years.

Run from the repository root:  python python/examples/tokyo_weights.py [OUT_DIR]
(matplotlib is optional: without it the plot is skipped).
"""

import sys
from pathlib import Path

import digindex

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/python-example")
out.mkdir(parents=True, exist_ok=True)

# the recipe as shipped (no audit: the rank intervals are not needed here)
base = digindex.build("frameworks/tokyo-statement", audit=False)
latest = max(base.years)

# the same recipe with Sustainability weighted 3 (its siblings keep 1)
heavier = digindex.build(
    "frameworks/tokyo-statement",
    set={"weights.mine": {"Sustainability": 3}, "aggregate.weights": "mine"},
    audit=False,
)


def ranks(r):
    s = r.scores
    return s[(s.code == "Tokyo") & (s.year == latest)].set_index("unit")["rank"]


moved = (ranks(base) - ranks(heavier)).rename("places up").to_frame()
moved["rank as shipped"] = ranks(base)
moved["rank, Sustainability x3"] = ranks(heavier)
moved = moved.sort_values("places up", key=abs, ascending=False)
print(f"{(moved['places up'] != 0).sum()} of {len(moved)} members move when Sustainability weighs 3 ({latest}):")
print(moved.head(10).to_string())

# the index over the years for a few members
series = base.scores[base.scores.code == "Tokyo"].pivot(index="year", columns="unit", values="score")
try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib is not installed: no plot")
else:
    ax = series[["IRN", "IND", "PAK", "SGP", "VNM"]].plot(marker="o", figsize=(7, 4))
    ax.set_ylabel("index score (reference period 2019-2024)")
    ax.set_title("Tokyo Statement index by year")
    plt.tight_layout()
    plt.savefig(out / "tokyo_trend.png", dpi=120)
    print(f"plot: {out / 'tokyo_trend.png'}")
