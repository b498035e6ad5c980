#!/usr/bin/env python3
"""Peers for the OpenAlex benchmark: DuckDB read_json with an explicit
schema (2 threads) doing the same aggregation (works per country-year, each
work counted once per distinct authorship country, citations summed), and
zcat decompression. Usage: python3 peers.py DIR  (pip install duckdb)."""
import glob, subprocess, sys, time, statistics

d = sys.argv[1]
files = sorted(glob.glob(f"{d}/*.gz"))

def timed(f, n=3):
    ts = []
    for _ in range(n):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return statistics.median(ts)

raw = int(subprocess.run(f"zcat {' '.join(files)} | wc -c", shell=True, capture_output=True, text=True).stdout)
mb = raw / 1e6
z = timed(lambda: subprocess.run(f"zcat {' '.join(files)} > /dev/null", shell=True, check=True))
print(f"zcat (1 thread): {z:.3f} s = {mb / z:.0f} MB/s")

import duckdb
con = duckdb.connect()
con.execute("SET threads=2")
q = f"""
WITH w AS (
  SELECT id, publication_year AS y, cited_by_count AS c, authorships AS a
  FROM read_json({files!r}, format = 'newline_delimited', compression = 'gzip',
    columns = {{id: 'VARCHAR', publication_year: 'INTEGER', cited_by_count: 'BIGINT',
               authorships: 'STRUCT(countries VARCHAR[], institutions STRUCT(country_code VARCHAR)[])[]'}})
), wc AS (
  SELECT id, y, c, unnest(list_distinct(flatten(list_transform(a, lambda x: x.countries)))) AS country FROM w
)
SELECT country, y, count(*) AS papers, sum(c) AS cites FROM wc GROUP BY ALL
"""
n = con.execute(q).fetchall()
dq = timed(lambda: con.execute(q).fetchall())
print(f"duckdb {duckdb.__version__} read_json, explicit columns, 2 threads: {dq:.3f} s = {mb / dq:.0f} MB/s ({len(n)} country-years)")
