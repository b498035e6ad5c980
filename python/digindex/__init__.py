"""digindex from Python: build, audit and check composite indices of
countries with the same engine and the same numbers as the ``digindex``
command.

>>> import digindex
>>> r = digindex.build("frameworks/tokyo-statement")
>>> r.scores.head()

Tables are pandas DataFrames by default (``output="polars"`` or
``output="arrow"`` for Polars or PyArrow). Numeric columns come from the
engine as one buffer per column (no conversion cell by cell); missing
values are NaN, and whole-number columns (rank, level, year, data_year)
are pandas' nullable ``Int64``. Long work runs with the GIL released.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

import numpy as np

from . import _digindex
from ._digindex import DigindexError
from . import data

__all__ = ["build", "check", "data", "openalex", "readings", "regions", "report", "Result", "DigindexError", "__version__"]
__version__: str = _digindex.__version__

_WHOLE = {"rank", "level", "year", "data_year", "nominal_rank"}


def _columns(cols: Sequence[tuple]) -> Dict[str, Any]:
    data: Dict[str, Any] = {}
    for name, (kind, payload) in cols:
        data[name] = np.frombuffer(payload, dtype="<f8") if kind == "f64" else list(payload)
    return data


def _frame(cols: Optional[Sequence[tuple]], output: str):
    if cols is None:
        return None
    data = _columns(cols)
    if output == "pandas":
        import pandas as pd

        df = pd.DataFrame(data)
        for c in df.columns:
            if c in _WHOLE:
                df[c] = df[c].astype("Int64")
        return df
    if output == "polars":
        import polars as pl

        df = pl.DataFrame(data)
        return df.with_columns([pl.col(c).fill_nan(None).cast(pl.Int64) for c in df.columns if c in _WHOLE])
    if output == "arrow":
        import pyarrow as pa

        arrays = {}
        for c, v in data.items():
            if isinstance(v, np.ndarray):
                arrays[c] = pa.array(v, mask=np.isnan(v), type=pa.int64() if c in _WHOLE else None)
            else:
                arrays[c] = pa.array(v)
        return pa.table(arrays)
    raise ValueError(f"output={output!r}: expected 'pandas', 'polars' or 'arrow'")


def _toml(value: Any) -> str:
    """A Python value as a TOML value (for ``set=``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {value!r} as a setting")


def _overrides(set: Union[None, Mapping[str, Any], Iterable[str]]) -> List[str]:
    if set is None:
        return []
    if isinstance(set, Mapping):
        return [f"{k}={_toml(v)}" for k, v in set.items()]
    return [str(s) for s in set]


class Result:
    """A built index: the tables and records ``digindex build`` writes.

    Attributes
    ----------
    scores : the long scores table (unit, [year,] code, level, score, rank)
    stages : dict of stage name (raw, denominated, imputed, screened,
        treated, normalised, aggregated) to a wide table (unit, codes…);
        for a series, the latest year's
    provenance : where every value in the index came from (unit, [year,]
        code, value, data_year, flag, detail, below)
    rank_intervals : the uncertainty analysis' rank intervals, or None
    sensitivity : Sobol indices of a sensitivity analysis (dict), or None
    manifest : what was built, from what and how (dict, as manifest.json)
    claims : the verdicts on the claims the spec names (list of dicts)
    years : the years built (empty for a single-year index)
    """

    def __init__(self, raw: Dict[str, Any], output: str):
        self.scores = _frame(raw["scores"], output)
        self.stages = {k: _frame(v, output) for k, v in raw["stages"].items()}
        self.provenance = _frame(raw["provenance"], output)
        self.rank_intervals = _frame(raw["rank_intervals"], output)
        self.manifest: Dict[str, Any] = json.loads(raw["manifest"])
        self.sensitivity: Optional[Dict[str, Any]] = json.loads(raw["sensitivity"]) if raw.get("sensitivity") else None
        self.claims: List[Dict[str, Any]] = json.loads(raw["claims"])
        self.years: List[int] = list(raw["years"])

    def __repr__(self) -> str:
        years = f", years {self.years[0]}-{self.years[-1]}" if self.years else ""
        return f"<digindex.Result {self.manifest.get('index', '')!r}: {len(self.scores)} score rows{years}>"


class _Bar:
    """Progress of long work (the uncertainty runs) as a tqdm bar, in a
    notebook or a terminal; plain lines on standard error without tqdm."""

    def __init__(self):
        self.bar = None
        try:
            from tqdm.auto import tqdm

            self.tqdm = tqdm
        except ImportError:
            self.tqdm = None

    def __call__(self, event: str, text: str, n: int) -> None:
        import sys

        if event == "start":
            if self.tqdm is not None:
                self.bar = self.tqdm(total=n or None, desc=text)
            else:
                print(f"{text}: {n} to do", file=sys.stderr)
        elif event == "advance" and self.bar is not None:
            self.bar.update(n)
        elif event == "finish" and self.bar is not None:
            self.bar.close()
            self.bar = None
        elif event == "warn":
            import warnings

            warnings.warn(text, stacklevel=3)


def build(spec: str, set: Union[None, Mapping[str, Any], Iterable[str]] = None, audit: bool = True, output: str = "pandas",
          progress: Union[bool, Any] = False) -> Result:
    """Builds (and, with an ``[uncertainty]`` table, audits) the index of
    ``spec`` (a spec file or a framework folder), as ``digindex build``.

    ``set`` changes settings of the recipe: a dict such as
    ``{"aggregate.method": "geometric", "data.years": [2022, 2023]}`` or
    strings ``"KEY=VALUE"`` as on the command line. ``progress=True`` shows
    a progress bar of the long work (tqdm when installed, in notebooks too);
    a callable ``f(event, text, n)`` receives the events instead. The work
    runs with the GIL released.
    """
    cb = _Bar() if progress is True else (progress or None)
    return Result(_digindex.build(str(spec), _overrides(set), bool(audit), cb), output)


def check(claims: Union[str, Sequence[str]], data: str = "data", vocabulary: str = "claims/metrics.toml") -> List[Dict[str, Any]]:
    """Checks one-line claims (or claim files, ``*.toml``) under every
    reading, as ``digindex check``: a list of verdicts (dicts)."""
    if isinstance(claims, str):
        claims = [claims]
    return json.loads(_digindex.check(list(claims), str(data), str(vocabulary)))


def readings(verdicts: Sequence[Mapping[str, Any]], output: str = "pandas"):
    """Every reading of the verdicts as one table (claim id, region,
    measure, year, data year, rank, of, status, subject value)."""
    keys = ["region", "metric", "variant", "year", "data_year", "rank", "of", "status", "subject_value", "reason"]
    rows = [{"claim": v.get("id") or v.get("text"), **{k: r.get(k) for k in keys}} for v in verdicts for r in v.get("readings", [])]
    if output == "pandas":
        import pandas as pd

        return pd.DataFrame(rows, columns=["claim", *keys])
    if output == "polars":
        import polars as pl

        return pl.DataFrame(rows)
    raise ValueError(f"output={output!r}: expected 'pandas' or 'polars'")


def regions(output: str = "pandas"):
    """The shipped region sets: name, title, members (list) and their number."""
    rows = [{"name": n, "title": t, "members": m, "size": len(m)} for n, t, m in _digindex.regions()]
    if output == "pandas":
        import pandas as pd

        return pd.DataFrame(rows, columns=["name", "title", "size", "members"])
    if output == "polars":
        import polars as pl

        return pl.DataFrame(rows)
    raise ValueError(f"output={output!r}: expected 'pandas' or 'polars'")


def report(spec: str, out: Optional[str] = None, set: Union[None, Mapping[str, Any], Iterable[str]] = None) -> str:
    """Writes the report of ``spec`` (one HTML file that works offline, with
    the workbook, CSV and JSON beside it) into ``out`` and returns the HTML
    file's path."""
    import os

    if out is None:
        out = os.path.join("out", os.path.basename(os.path.normpath(str(spec))).removesuffix(".toml") + "-report")
    return _digindex.report(str(spec), str(out), _overrides(set))


def openalex(paths: Union[str, Sequence[str]], ai: Union[None, str, Sequence[str]] = None, years: Optional[tuple] = None,
             types: Optional[Sequence[str]] = None, out: Optional[str] = None, prefix: str = "openalex"):
    """Counts OpenAlex works (snapshot folders or ``.jsonl``/``.gz`` files)
    per country and year, as ``digindex openalex``: a pandas DataFrame of
    the indicators (the CSV is kept at ``out`` when given).

    ``ai`` names the AI definitions (e.g. ``"subfield:1702"``), combined
    with OR; ``years`` is ``(first, last)``; ``types`` the document types.
    """
    import os
    import tempfile

    import pandas as pd

    if isinstance(paths, str):
        paths = [paths]
    if isinstance(ai, str):
        ai = [ai]
    with tempfile.TemporaryDirectory() as tmp:
        target = str(out) if out is not None else os.path.join(tmp, "openalex.csv")
        files = _digindex.openalex([str(p) for p in paths], target, list(ai or []), tuple(years) if years else None, list(types or []), prefix)
        csv = next((f for f in files if f.endswith(".csv")), target)
        return pd.read_csv(csv)
