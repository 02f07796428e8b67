"""One-off: turn ../shared/research/figures_*.csv into data/publications.csv, data/figures.csv
and data/excluded.csv. Kept for provenance; after the first run the files in data/ are the
source of truth and are edited by hand (re-running overwrites hand edits).

Rules applied (see README "Curating the data"):
- one publication per distinct source URL, with a readable id, kind and reliability;
- one figure row per research row (so each can be traced), with its series and period;
- series: returns_total values that differ from Fedasil's own figure for the year are the
  `government` count (State Secretary / Immigration Office / MPs), IOM's are `iom`, a press
  figure of unknown scope is `other`; government percentage changes likewise;
- period: `H1` for half-year totals; `partial` where the evidence names a shorter period.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESEARCH = ROOT / "data" / "research"  # copied from shared/research/
if len(sys.argv) > 1:
    RESEARCH = Path(sys.argv[1])

KINDS = [  # (substring of publisher, kind, reliability)
    ("Fedasil", "agency", "official"),
    ("EMN Belgium", "agency", "official"),
    ("CGRA", "agency", "official"),
    ("CGVS", "agency", "official"),
    ("IOM", "agency", "official"),
    ("Belgian Senate", "parliament", "official"),
    ("Nicole de Moor", "government", "official"),
    ("Minister Anneleen", "government", "official"),
    ("Caritas", "partner", "official"),
    ("blog", "blog", "secondary"),
    ("N-VA", "party", "secondary"),
    ("CD&V", "party", "secondary"),
    ("sp.a", "party", "secondary"),
    ("Sceptr", "press", "secondary"),
    ("CCME", "other", "secondary"),
    ("Europe Says", "press", "secondary"),
]

PARTIAL = re.compile(
    r"(january|february|march|april|june|july|august|september|october|november|december|"
    r"\bjan\b|jan-|first months|first half|first four months|first part|since 1 |"
    r"since start|as of|up to|to date|to end|earlier in|partial|per month|monthly|each month|"
    r"a month|record month|h1 20)",
    re.I,
)
GOV_CHANGE = ("Nicole de Moor", "Knack", "sp.a")
# Curator's decisions where the general rule (official, Fedasil, most recent) picks wrong.
OVERRIDES = {
    ("reintegration_count", "2008", "1012", "http://fedasil.be/fr/actualites/2669-retours-volontaires-en-2008"): {
        "use": "prefer",
        "note": "exact count from the 2008 release; the later 'more than a thousand' rounds it",
    },
}


def kind_of(publisher: str) -> tuple[str, str]:
    for needle, kind, reliability in KINDS:
        if needle in publisher:
            return kind, reliability
    return "press", "secondary"


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:24].strip("-")


def publisher_short(publisher: str) -> str:
    return slug(re.sub(r"\(.*?\)", "", publisher)) or slug(publisher)


def main() -> None:
    rows = []
    for name in ("figures_2006_2016.csv", "figures_2017_2026.csv"):
        with (RESEARCH / name).open(encoding="utf-8") as f:
            for line, row in enumerate(csv.DictReader(f), start=2):
                row["_file"], row["_line"] = name, line
                rows.append(row)

    # Publications: one per URL; the first non-empty date wins.
    pubs: dict[str, dict[str, str]] = {}
    for r in rows:
        p = pubs.setdefault(r["source_url"], {
            "publisher": r["source_publisher"], "title": r["source_title"],
            "url": r["source_url"], "published": "", "language": r["source_language"],
        })
        p["published"] = p["published"] or r["source_date"]
    ids: Counter[str] = Counter()
    for p in sorted(pubs.values(), key=lambda p: (p["published"] or "9999", p["url"])):
        base = f"{publisher_short(p['publisher'])}-{p['published'] or 'undated'}-{p['language']}"
        ids[base] += 1
        p["id"] = base if ids[base] == 1 else f"{base}-{ids[base]}"
        p["kind"], p["reliability"] = kind_of(p["publisher"])

    # Fedasil's own figure per year; in 2012 Fedasil also published a combined total with
    # the Immigration Office's departures (5,656), its programme figure is the smaller one.
    fedasil_total: dict[str, str] = {}
    for r in rows:
        if r["indicator"] == "returns_total" and r["source_publisher"].startswith("Fedasil"):
            old = fedasil_total.get(r["year"])
            if old is None or int(r["value"]) < int(old):
                fedasil_total[r["year"]] = r["value"]
    # Years without a Fedasil release: the press figures that match Fedasil's other years.
    fedasil_total.setdefault("2009", "2600")
    fedasil_total.setdefault("2010", "2900")

    figures, excluded, seen = [], [], set()
    for r in rows:
        key = (r["indicator"], r["year"], r["country_iso2"], r["profile"], r["value"],
               r["source_url"])
        research_ref = f"{r['_file']}:{r['_line']}"
        if key in seen:
            excluded.append({"research_row": research_ref, "indicator": r["indicator"],
                             "year": r["year"], "value": r["value"], "source_url": r["source_url"],
                             "reason": "duplicate of an earlier row with the same source"})
            continue
        if "cut off" in r["evidence"]:
            excluded.append({"research_row": research_ref, "indicator": r["indicator"],
                             "year": r["year"], "value": r["value"], "source_url": r["source_url"],
                             "reason": "what is counted is cut off in the stored page copy"})
            continue
        seen.add(key)
        series = "fedasil"
        if r["indicator"] == "returns_total" and r["value"] != fedasil_total.get(r["year"]):
            if "IOM" in r["source_publisher"]:
                series = "iom"
            elif "Bruzz" in r["source_publisher"]:
                series = "other"
            else:
                series = "government"
        if r["indicator"] == "change_vs_previous_year_pct" and not r["country_iso2"] and (
            any(g in r["source_publisher"] for g in GOV_CHANGE)
            or (r["source_publisher"].startswith("VRT") and r["value"] == "12.7")
        ):
            series = "government"
        if "Caritas only" in r["evidence"] or "Caritas full-year" in r["evidence"] or (
                "Caritas reintegration cell active" in r["evidence"]):
            series = "caritas"
        period = "year"
        if r["indicator"] == "returns_half_year":
            period = "H1"
        elif PARTIAL.search(r["evidence"]) and "full-year" not in r["evidence"] and (
            r["indicator"] != "returns_total"
        ):
            period = "partial"
        compare_year = ""
        m = re.search(r"[Cc]ompared year (\d{4})", r["evidence"])
        if r["indicator"] == "change_vs_year_pct" and m:
            compare_year = m.group(1)
        figures.append({
            "indicator": r["indicator"], "series": series, "year": r["year"], "period": period,
            "country": r["country_iso2"], "profile": r["profile"], "value": r["value"],
            "unit": r["unit"], "precision": r["precision"], "compare_year": compare_year,
            "source": pubs[r["source_url"]]["id"],
            **OVERRIDES.get((r["indicator"], r["year"], r["value"], r["source_url"]),
                            {"use": "", "note": ""}),
            "evidence": r["evidence"],
        })

    data = ROOT / "data"
    data.mkdir(exist_ok=True)
    pub_fields = ["id", "publisher", "title", "url", "published", "language", "kind",
                  "reliability"]
    write(data / "publications.csv", pub_fields, sorted(pubs.values(), key=lambda p: p["id"]))
    fig_fields = ["indicator", "series", "year", "period", "country", "profile", "value", "unit",
                  "precision", "compare_year", "source", "use", "note", "evidence"]
    figures.sort(key=lambda f: (int(f["year"]), f["indicator"], f["country"], f["profile"],
                                f["series"], f["source"], f["value"], f["evidence"]))
    write(data / "figures.csv", fig_fields, figures)
    write(data / "excluded.csv",
          ["research_row", "indicator", "year", "value", "source_url", "reason"], excluded)
    by_kind = defaultdict(int)
    for p in pubs.values():
        by_kind[p["kind"]] += 1
    print(f"{len(pubs)} publications {dict(by_kind)}; {len(figures)} figures; "
          f"{len(excluded)} excluded")


def write(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main()
