#!/usr/bin/env python3
"""Generate OpenAlex-like "works" records as gzipped JSON lines.

Shape follows the OpenAlex works snapshot (id, doi, title, publication_year,
primary_location, open_access, authorships[] with institutions[] and
country codes, concepts[], topics[], keywords[], referenced_works[],
related_works[], abstract_inverted_index, counts_by_year[], ...).
Strings are written as raw UTF-8 (ensure_ascii=False), as in the snapshot.
Deterministic for a given --seed.

(Copied from the project's shared material, shared/tools/, with only this note
added, for the OpenAlex throughput benchmarks: crates/openalex/benches/openalex.rs.)

usage: gen_openalex_like.py OUTDIR [--mb 200] [--parts 2] [--seed 42]
writes OUTDIR/part_000.jsonl.gz ... and prints record/byte counts.
"""
import argparse, gzip, json, os, random

COUNTRIES = [  # (code, weight) roughly like output shares of world papers
    ("US", 18), ("CN", 17), ("GB", 6), ("DE", 5), ("JP", 4), ("IN", 5), ("FR", 3.5), ("IT", 3.5),
    ("CA", 3), ("ES", 3), ("AU", 3), ("KR", 3), ("BR", 3), ("RU", 2.5), ("NL", 2), ("IR", 2),
    ("TR", 2), ("CH", 1.5), ("PL", 1.5), ("SE", 1.4), ("TW", 1.2), ("BE", 1.1), ("DK", 0.9),
    ("AT", 0.8), ("PT", 0.8), ("MX", 0.8), ("IL", 0.7), ("CZ", 0.7), ("SG", 0.6), ("NO", 0.6),
    ("FI", 0.6), ("ZA", 0.6), ("EG", 0.7), ("SA", 0.7), ("PK", 0.8), ("MY", 0.6), ("GR", 0.6),
    ("IE", 0.4), ("NZ", 0.4), ("AR", 0.4), ("CL", 0.4), ("CO", 0.4), ("TH", 0.4), ("ID", 0.6),
    ("NG", 0.4), ("HU", 0.3), ("RO", 0.4), ("UA", 0.3), ("VN", 0.3), ("BD", 0.3), ("KE", 0.15),
    ("ET", 0.15), ("GH", 0.1), ("TN", 0.15), ("MA", 0.2), ("PE", 0.1), ("EE", 0.08), ("LT", 0.1),
    ("LV", 0.06), ("SI", 0.12), ("SK", 0.15), ("HR", 0.12), ("RS", 0.15), ("BG", 0.1), ("LU", 0.05),
    ("IS", 0.03), ("CY", 0.05), ("MT", 0.02), ("QA", 0.1), ("AE", 0.2), ("NP", 0.05), ("LK", 0.05),
]
INST_TYPES = ["education", "healthcare", "company", "government", "facility", "nonprofit", "archive", "other"]
OA_STATUS = ["gold", "green", "hybrid", "bronze", "diamond", "closed"]
WORK_TYPES = [("article", 70), ("book-chapter", 8), ("dataset", 3), ("preprint", 6), ("dissertation", 3),
              ("book", 2), ("review", 4), ("paratext", 1), ("other", 3)]
SYL = ["ka", "lo", "mi", "ne", "ro", "ta", "si", "tion", "al", "ic", "ment", "er", "in", "on", "ex", "pro", "re",
       "con", "ver", "gen", "ty", "ous", "ly", "ate", "ana", "bio", "cell", "tro", "ph", "sta", "me", "the",
       "ra", "di", "co", "mo", "ger", "nal", "ys", "is", "ol", "og", "y", "ive", "ence", "ant"]
SURN = ["Müller", "Smith", "Wang", "Li", "Zhang", "García", "Rossi", "Kim", "Nguyen", "Silva", "Dubois", "Kowalski",
        "Johansson", "Tanaka", "Kumar", "Singh", "Ivanov", "Öztürk", "Hernández", "Cohen", "Jensen", "Novák",
        "Papadopoulos", "Chen", "Liu", "Yamamoto", "Sato", "Brown", "Wilson", "Martin", "Bernard", "Fischer",
        "Schneider", "Rodríguez", "López", "Ahmed", "Khan", "Costa", "Santos", "Lefèvre", "Nowak", "Horváth"]
GIVEN = ["Anna", "Wei", "José", "Maria", "John", "Yuki", "Ahmed", "Priya", "Lars", "Olga", "Chloé", "Mehmet",
         "David", "Sofia", "Jun", "Ines", "Raj", "Elena", "Lukas", "Fatima", "Hiroshi", "Mateus", "Zoë", "Pavel"]
INST_WORDS = ["University", "Institute of Technology", "Hospital", "Research Center", "Universität", "Université",
              "Universidad", "Academy of Sciences", "Medical School", "National Laboratory", "Polytechnic", "College"]
CITIES = ["Berlin", "Paris", "São Paulo", "Beijing", "Tokyo", "Boston", "Madrid", "Kraków", "Zürich", "Delhi",
          "Seoul", "Toronto", "Sydney", "Cairo", "Lagos", "Oslo", "Wien", "Praha", "Athens", "Lima", "Dublin"]
FIELDS = [("Medicine", "Health Sciences"), ("Computer Science", "Physical Sciences"), ("Engineering", "Physical Sciences"),
          ("Biochemistry, Genetics and Molecular Biology", "Life Sciences"), ("Social Sciences", "Social Sciences"),
          ("Physics and Astronomy", "Physical Sciences"), ("Chemistry", "Physical Sciences"),
          ("Agricultural and Biological Sciences", "Life Sciences"), ("Psychology", "Social Sciences"),
          ("Economics, Econometrics and Finance", "Social Sciences"), ("Materials Science", "Physical Sciences")]
SDGS = [(3, "Good health and well-being"), (4, "Quality education"), (7, "Affordable and clean energy"),
        (9, "Industry, innovation and infrastructure"), (13, "Climate action"), (16, "Peace, justice and strong institutions")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--mb", type=float, default=200.0, help="total uncompressed MB (10^6 bytes)")
    ap.add_argument("--parts", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--level", type=int, default=6, help="gzip level (OpenAlex parts look like level 6)")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    R = rnd.random
    vocab = ["".join(rnd.choice(SYL) for _ in range(rnd.choice((1, 2, 2, 3, 3, 4)))) for _ in range(6000)]
    cw = [w for _, w in COUNTRIES]
    cc = [c for c, _ in COUNTRIES]

    def word():  # Zipf-ish
        return vocab[min(int(rnd.paretovariate(1.1)) - 1, len(vocab) - 1) if R() < 0.6 else rnd.randrange(len(vocab))]

    def words(n):
        return " ".join(word() for _ in range(n))

    def oaid(p, hi=5_000_000_000):
        return f"https://openalex.org/{p}{rnd.randrange(1_000_000, hi)}"

    institutions = []
    for i in range(4000):
        c = rnd.choices(cc, cw)[0]
        iid = f"https://openalex.org/I{rnd.randrange(10**8, 10**10)}"
        name = f"{rnd.choice(INST_WORDS)} of {rnd.choice(CITIES)} {word().capitalize()}"
        institutions.append({"id": iid, "display_name": name, "ror": f"https://ror.org/0{rnd.randrange(16**8):08x}",
                             "country_code": c, "type": rnd.choice(INST_TYPES), "lineage": [iid]})
    concepts = [{"id": f"https://openalex.org/C{rnd.randrange(10**6, 10**10)}",
                 "wikidata": f"https://www.wikidata.org/wiki/Q{rnd.randrange(10**3, 10**8)}",
                 "display_name": words(rnd.choice((1, 1, 2, 3))).title(), "level": rnd.randrange(0, 4)} for _ in range(3000)]
    topics = []
    for _ in range(1500):
        f, dom = rnd.choice(FIELDS)
        topics.append({"id": f"https://openalex.org/T{rnd.randrange(10000, 14000)}", "display_name": words(4).title(),
                       "subfield": {"id": f"https://openalex.org/subfields/{rnd.randrange(1000, 3700)}", "display_name": words(2).title()},
                       "field": {"id": f"https://openalex.org/fields/{rnd.randrange(10, 37)}", "display_name": f},
                       "domain": {"id": f"https://openalex.org/domains/{rnd.randrange(1, 5)}", "display_name": dom}})
    sources = [{"id": f"https://openalex.org/S{rnd.randrange(10**6, 10**10)}", "display_name": "Journal of " + words(2).title(),
                "issn_l": f"{rnd.randrange(1000, 9999)}-{rnd.randrange(1000, 9999)}", "issn": [f"{rnd.randrange(1000, 9999)}-{rnd.randrange(1000, 9999)}"],
                "is_oa": R() < 0.3, "is_in_doaj": R() < 0.2, "is_core": R() < 0.5,
                "host_organization": f"https://openalex.org/P{rnd.randrange(10**6, 10**10)}",
                "host_organization_name": words(2).title() + " Press", "host_organization_lineage": [],
                "type": "journal"} for _ in range(3000)]

    def location():
        s = rnd.choice(sources)
        is_oa = R() < 0.45
        return {"is_oa": is_oa, "landing_page_url": f"https://doi.org/10.{rnd.randrange(1000, 9999)}/{word()}.{rnd.randrange(10**6)}",
                "pdf_url": (f"https://example.org/{word()}/{rnd.randrange(10**8)}.pdf" if is_oa and R() < 0.6 else None),
                "source": s if R() < 0.9 else None, "license": rnd.choice(["cc-by", "cc-by-nc", None, None]),
                "license_id": None, "version": rnd.choice(["publishedVersion", "acceptedVersion", None]),
                "is_accepted": R() < 0.7, "is_published": R() < 0.7}

    def name():
        return f"{rnd.choice(GIVEN)} {chr(65 + rnd.randrange(26))}. {rnd.choice(SURN)}"

    def work(wid):
        year = rnd.choices(range(1950, 2026), [1 + (y - 1950) ** 2 for y in range(1950, 2026)])[0]
        title = words(rnd.randrange(5, 16)).capitalize()
        if R() < 0.05:
            title += ': a "' + word() + '" approach'
        doi = f"https://doi.org/10.{rnd.randrange(1000, 99999)}/{word()}.{year}.{rnd.randrange(10**7)}"
        nauth = 0 if R() < 0.08 else min(int(rnd.paretovariate(1.3)), 60) + rnd.randrange(0, 3)
        home = rnd.choice(institutions)
        auths, insts, ctrs = [], set(), set()
        for k in range(nauth):
            ins = []
            if R() > 0.12:
                ins.append(home if R() < 0.55 else rnd.choice(institutions))
                if R() < 0.12:
                    ins.append(rnd.choice(institutions))
            cs = sorted({i["country_code"] for i in ins})
            insts.update(i["id"] for i in ins)
            ctrs.update(cs)
            n = name()
            raw = [f"{i['display_name']}, {rnd.choice(CITIES)}, {i['country_code']}" for i in ins]
            auths.append({"author_position": "first" if k == 0 else ("last" if k == nauth - 1 else "middle"),
                          "author": {"id": oaid("A"), "display_name": n,
                                     "orcid": (f"https://orcid.org/0000-000{rnd.randrange(10)}-{rnd.randrange(1000, 9999)}-{rnd.randrange(1000, 9999)}" if R() < 0.4 else None)},
                          "institutions": ins, "countries": cs, "is_corresponding": k == 0,
                          "raw_author_name": n, "raw_affiliation_strings": raw,
                          "affiliations": [{"raw_affiliation_string": r, "institution_ids": [i["id"]]} for r, i in zip(raw, ins)]})
        cited = int(rnd.paretovariate(1.2)) - 1 if R() < 0.7 else 0
        cited = min(cited, 200000)
        nref = rnd.randrange(0, 60) if R() < 0.8 else 0
        pt = rnd.choice(topics)
        ab = {}
        if R() < 0.55:
            for pos in range(rnd.randrange(60, 260)):
                ab.setdefault(word(), []).append(pos)
        locs = [location() for _ in range(1 + int(rnd.paretovariate(2.0)) - 1)]
        return {
            "id": f"https://openalex.org/W{wid}", "doi": doi, "title": title, "display_name": title,
            "publication_year": year, "publication_date": f"{year}-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}",
            "ids": {"openalex": f"https://openalex.org/W{wid}", "doi": doi, "mag": str(rnd.randrange(10**9, 10**10)),
                    **({"pmid": f"https://pubmed.ncbi.nlm.nih.gov/{rnd.randrange(10**7, 4 * 10**7)}"} if R() < 0.25 else {})},
            "language": rnd.choice(["en"] * 8 + ["de", "fr", "es", "zh", "ja", "pt", None]),
            "primary_location": locs[0], "type": rnd.choices([t for t, _ in WORK_TYPES], [w for _, w in WORK_TYPES])[0],
            "type_crossref": "journal-article", "indexed_in": ["crossref"] + (["pubmed"] if R() < 0.3 else []),
            "open_access": {"is_oa": locs[0]["is_oa"], "oa_status": rnd.choice(OA_STATUS),
                            "oa_url": locs[0]["pdf_url"], "any_repository_has_fulltext": R() < 0.3},
            "authorships": auths, "institution_assertions": [],
            "countries_distinct_count": len(ctrs), "institutions_distinct_count": len(insts),
            "corresponding_author_ids": [auths[0]["author"]["id"]] if auths else [],
            "corresponding_institution_ids": [i["id"] for i in auths[0]["institutions"]] if auths else [],
            "apc_list": ({"value": rnd.randrange(500, 5000), "currency": "USD", "value_usd": rnd.randrange(500, 5000), "provenance": "doaj"} if R() < 0.2 else None),
            "apc_paid": None, "fwci": round(rnd.expovariate(1.0), 3) if R() < 0.8 else None,
            "has_fulltext": R() < 0.5, "fulltext_origin": "ngrams" if R() < 0.4 else None,
            "cited_by_count": cited,
            "citation_normalized_percentile": {"value": round(R(), 6), "is_in_top_1_percent": R() < 0.01, "is_in_top_10_percent": R() < 0.1},
            "cited_by_percentile_year": {"min": rnd.randrange(0, 99), "max": rnd.randrange(0, 100)},
            "biblio": {"volume": str(rnd.randrange(1, 300)), "issue": str(rnd.randrange(1, 13)),
                       "first_page": str(rnd.randrange(1, 2000)), "last_page": str(rnd.randrange(1, 2000))},
            "is_retracted": R() < 0.001, "is_paratext": R() < 0.01,
            "primary_topic": {**pt, "score": round(R(), 4)},
            "topics": [{**rnd.choice(topics), "score": round(R(), 4)} for _ in range(rnd.randrange(0, 4))],
            "keywords": [{"id": f"https://openalex.org/keywords/{word()}-{word()}", "display_name": words(2), "score": round(R(), 6)} for _ in range(rnd.randrange(0, 6))],
            "concepts": [{**rnd.choice(concepts), "score": round(R(), 6)} for _ in range(rnd.randrange(3, 16))],
            "mesh": [], "locations_count": len(locs), "locations": locs,
            "best_oa_location": locs[0] if locs[0]["is_oa"] else None,
            "sustainable_development_goals": [{"id": f"https://metadata.un.org/sdg/{g}", "display_name": d, "score": round(R(), 2)} for g, d in rnd.sample(SDGS, rnd.randrange(0, 2))],
            "grants": [{"funder": oaid("F"), "funder_display_name": words(3).title() + " Foundation", "award_id": str(rnd.randrange(10**6))} for _ in range(rnd.randrange(0, 3) if R() < 0.3 else 0)],
            "datasets": [], "versions": [], "referenced_works_count": nref,
            "referenced_works": [oaid("W") for _ in range(nref)], "related_works": [oaid("W") for _ in range(10)],
            "abstract_inverted_index": ab or None,
            "abstract_inverted_index_v3": None,
            "cited_by_api_url": f"https://api.openalex.org/works?filter=cites:W{wid}",
            "counts_by_year": [{"year": y, "cited_by_count": rnd.randrange(0, 50)} for y in range(max(year, 2012), 2026) if R() < 0.6],
            "updated_date": f"2025-0{rnd.randrange(1, 10)}-{rnd.randrange(10, 29)}T{rnd.randrange(10, 24)}:{rnd.randrange(10, 60)}:{rnd.randrange(10, 60)}.{rnd.randrange(10**5, 10**6)}",
            "created_date": f"{max(year, 2016)}-06-24",
        }

    os.makedirs(a.outdir, exist_ok=True)
    target = int(a.mb * 1e6 / a.parts)
    total_recs = total_raw = total_gz = 0
    wid = 1_000_000
    for p in range(a.parts):
        path = os.path.join(a.outdir, f"part_{p:03d}.jsonl.gz")
        raw = 0
        n = 0
        with gzip.open(path, "wb", compresslevel=a.level) as f:
            while raw < target:
                wid += rnd.randrange(1, 50)
                line = (json.dumps(work(wid), ensure_ascii=False, separators=(",", ":")) + "\n").encode()
                f.write(line)
                raw += len(line)
                n += 1
        gz = os.path.getsize(path)
        print(f"{path}: {n} records, {raw} bytes raw, {gz} bytes gz, ratio {raw / gz:.2f}")
        total_recs += n; total_raw += raw; total_gz += gz
    print(f"total: {total_recs} records, {total_raw / 1e6:.1f} MB raw, {total_gz / 1e6:.1f} MB gz, avg {total_raw / total_recs:.0f} B/record")


if __name__ == "__main__":
    main()
