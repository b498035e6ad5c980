"""The Python package against the ``digindex`` command: the same jobs give
the same numbers, exactly (the command writes every number so that it reads
back as the same double)."""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import digindex

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("DIGINDEX_BIN", ROOT / "target" / "debug" / "digindex"))


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def cli(*args):
    return subprocess.run([str(BIN), *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def same(py: pd.DataFrame, cli_csv: Path, keys):
    """Equal tables: the same rows (by `keys`), the same values to the bit."""
    c = pd.read_csv(cli_csv, keep_default_na=True)
    p = py.copy()
    for k in keys:
        if k in ("year", "level", "rank", "data_year"):
            c[k] = c[k].astype("Int64")
    assert list(p.columns)[: len(c.columns)] == list(c.columns) or set(c.columns) <= set(p.columns)
    p = p[list(c.columns)].sort_values(keys).reset_index(drop=True)
    c = c.sort_values(keys).reset_index(drop=True)
    assert len(p) == len(c)
    for col in c.columns:
        if c[col].dtype.kind in "iuf" and col not in keys:
            a, b = p[col].to_numpy(dtype=float), c[col].to_numpy(dtype=float)
            assert np.array_equal(a, b, equal_nan=True), col
        else:
            assert p[col].astype(str).tolist() == c[col].astype(str).tolist(), col


def test_the_main_job_gives_the_commands_numbers(tmp_path):
    out = tmp_path / "tokyo"
    cli("build", "frameworks/tokyo-statement", "--out", str(out), "--no-audit", "-q")
    r = digindex.build("frameworks/tokyo-statement", audit=False)
    assert r.years == [2019, 2020, 2021, 2022, 2023, 2024]
    same(r.scores, out / "scores.csv", ["unit", "year", "code"])
    assert r.scores["rank"].dtype == "Int64"
    top = r.scores[(r.scores.code == "Tokyo") & (r.scores.year == 2024)].sort_values("rank").iloc[0]
    assert top.unit == "SGP"
    assert r.manifest["index"] == "Tokyo Statement digital development index"


def test_asem_every_stage_provenance_and_rank_intervals(tmp_path):
    out = tmp_path / "asem"
    cli("build", "examples/asem/asem.toml", "--out", str(out), "-q")
    r = digindex.build("examples/asem/asem.toml")
    same(r.scores, out / "scores.csv", ["unit", "code"])
    for name, table in r.stages.items():
        same(table, out / "stages" / f"{name}.csv", ["unit"])
    prov = r.provenance.copy()
    prov["detail"] = prov["detail"].replace("", np.nan)
    same(prov.drop(columns=["below"]), out / "provenance.csv", ["unit", "code"])
    iv = pd.read_csv(out / "audit" / "rank_intervals.csv")
    mine = r.rank_intervals.set_index("unit").loc[iv.unit]
    assert np.array_equal(mine["q05"].to_numpy(float), iv["q05"].to_numpy(float))
    assert np.array_equal(mine["q95"].to_numpy(float), iv["q95"].to_numpy(float))
    # ASEM's recipe is a sensitivity analysis: its Sobol indices, as audit.json has them
    sens = pd.read_csv(out / "audit" / "sensitivity.csv").set_index("input")
    mine = {name: v for name, v in r.sensitivity["indices"]}
    assert set(mine) == set(sens.index)
    for name, v in mine.items():
        assert (v["first_order"], v["total"]) == (sens.loc[name, "first_order"], sens.loc[name, "total"]), name


def test_settings_change_like_on_the_command_line(tmp_path):
    out = tmp_path / "geo"
    cli("build", "examples/asem/asem.toml", "--out", str(out), "--no-audit", "-q", "--set", 'aggregate.method="geometric"', "--set", "normalise.range=[1,100]")
    r = digindex.build("examples/asem/asem.toml", set={"aggregate.method": "geometric", "normalise.range": [1, 100]}, audit=False)
    same(r.scores, out / "scores.csv", ["unit", "code"])
    arith = digindex.build("examples/asem/asem.toml", audit=False)
    assert not np.array_equal(arith.scores["score"].to_numpy(float), r.scores["score"].to_numpy(float))


def test_claims_are_the_commands_verdicts():
    claim = "IRN ranks 1 in ncses_ai_articles_whole among middle_east in 2022"
    mine = digindex.check(claim)
    theirs = json.loads(cli("check", "--format", "json", claim))["claims"]
    assert mine == theirs
    r = [x for x in mine[0]["readings"] if x["region"] == "middle_east"][0]
    assert (r["status"], r["rank"], r["of"]) == ("fails", 2, 16)
    table = digindex.readings(mine)
    assert len(table) == len(mine[0]["readings"]) and "status" in table.columns


def test_regions_and_errors():
    regions = digindex.regions()
    assert regions.set_index("name").loc["apt", "size"] == 38
    with pytest.raises(digindex.DigindexError) as e:
        digindex.build("frameworks/no-such-index")
    assert "no-such-index" in str(e.value)
    with pytest.raises(digindex.DigindexError) as e:
        digindex.build("examples/asem/asem.toml", set={"aggregate.method": "median-ish"})
    assert "aggregate.method" in str(e.value) or "median-ish" in str(e.value)
    with pytest.raises(ValueError):
        digindex.build("examples/asem/asem.toml", output="excel")


def test_polars_and_arrow_when_installed():
    pl = pytest.importorskip("polars")
    r = digindex.build("examples/asem/asem.toml", audit=False, output="polars")
    assert isinstance(r.scores, pl.DataFrame) and r.scores.height > 0


def test_the_example_runs(tmp_path):
    import runpy
    import sys

    argv = sys.argv
    sys.argv = ["tokyo_weights.py", str(tmp_path)]
    try:
        runpy.run_path(str(ROOT / "python" / "examples" / "tokyo_weights.py"), run_name="__main__")
    finally:
        sys.argv = argv


def test_an_indicators_values_as_data_show_gives_them():
    t = digindex.data.show("ncses_ai_articles_whole", region="middle_east", year=2022)
    assert list(t["unit"][:2]) == ["TUR", "IRN"]
    assert len(t) == 16 and t.attrs["unit"]
    assert t.set_index("unit").loc["IRN", "value"] == 1620.0
    with pytest.raises(digindex.DigindexError):
        digindex.data.show("ncses_ai_articles")



def test_openalex_counts_match_the_command(tmp_path):
    samples = ROOT / "crates" / "openalex" / "tests" / "data"
    out = tmp_path / "oa.csv"
    cli("openalex", str(samples), "--out", str(out), "-q")
    mine = digindex.openalex(str(samples))
    theirs = pd.read_csv(out)
    pd.testing.assert_frame_equal(mine.reset_index(drop=True), theirs.reset_index(drop=True))
    assert len(mine) > 0


def test_progress_is_reported_while_the_gil_is_free():
    events = []
    r = digindex.build("examples/asem/asem.toml", set={"uncertainty.runs": 64, "uncertainty.bootstrap": 10},
                       progress=lambda e, t, n: events.append((e, t, n)))
    starts = [e for e in events if e[0] == "start"]
    advanced = sum(n for e, _, n in events if e == "advance")
    assert starts and advanced == starts[0][2] and events[-1][0] == "finish", events[:3]
    assert r.rank_intervals is not None
