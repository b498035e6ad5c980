"""The shipped data: one indicator's values, as ``digindex data show``."""

from __future__ import annotations

from typing import Optional

from . import _digindex


def show(code: str, region: Optional[str] = None, year: Optional[int] = None, data: str = "data", latest: bool = True):
    """One catalogue indicator's values (a pandas DataFrame: unit, year,
    value, flag, censored), highest first.

    ``region`` keeps the members of a shipped region set; ``year`` keeps that
    year; otherwise, with ``latest``, each unit's latest value. The table's
    ``attrs`` hold the indicator's name, unit and source.
    """
    import pandas as pd

    from . import _columns

    raw = _digindex.show(str(code), str(data))
    df = pd.DataFrame(_columns(raw["table"]))
    df["year"] = df["year"].astype("Int64")
    df = df[df["value"].notna() | (df["censored"] == "below")]
    if region is not None:
        members = {n: m for n, _, m in _digindex.regions()}
        if region not in members:
            raise ValueError(f"no region set {region!r}; digindex.regions() lists them")
        df = df[df["unit"].isin(members[region])]
    if year is not None:
        df = df[df["year"] == year]
    elif latest:
        df = df.sort_values("year").groupby("unit", as_index=False).tail(1)
    df = df.sort_values("value", ascending=False, na_position="last").reset_index(drop=True)
    df.attrs.update({k: raw[k] for k in ("code", "name", "unit", "source")})
    return df
