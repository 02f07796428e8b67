"""Build the SQLite store from data/ with sqlite-utils: `populate(db)` does the work,
`write(path)` wraps it in a temporary file that is renamed into place only when complete.

Tables (each column is described in the `columns` table, for Datasette / sqlite-utils users):
publications, figures (one row per distinct published value), figure_sources (which
publication states which value), aliases (country names per language), content (support
information per topic and language, full-text searchable) and meta.
"""

from __future__ import annotations

import json
import os
import secrets
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.datafiles import DATA_DIR, Figure, Publication, load_data, read_import_csv
from bot.fingerprint import SCHEMA_VERSION, data_fingerprint

__all__ = ["build", "data_fingerprint", "kept_imports", "populate", "write"]

COLUMN_DOCS: dict[str, dict[str, str]] = {
    "publications": {
        "id": "Short readable id, used by data/figures.csv",
        "publisher": "Who published it (Fedasil, a minister, a newspaper…)",
        "title": "Title of the page or document",
        "url": "Where it was published",
        "published": "Publication date (YYYY-MM-DD, YYYY-MM, or empty when unknown)",
        "language": "Language of the publication (ISO 639-1)",
        "kind": "agency, government, parliament, partner, press, party, blog or other",
        "reliability": "official or secondary; official sources outrank the press",
    },
    "figures": {
        "id": "Row id",
        "indicator": "What is counted (returns_total, returns_by_country, rank_by_country…)",
        "series": "fedasil (the programme figure, default) or government (wider count)…",
        "year": "The year the figure is about",
        "period": "year (annual), H1 (first half) or partial (a shorter period, see description)",
        "country": "Destination country, ISO 3166-1 alpha-2 (XK = Kosovo); empty for all",
        "profile": "asylum_applicant, rejected_applicant, irregular_stay or empty",
        "value": "The published value",
        "unit": "persons, percent, countries or rank",
        "precision": "exact, rounded or approximate (as the best source states it)",
        "compare_year": "For change_vs_year_pct: the year compared with",
        "preferred": "1 if answers use this value (see conflicts); 0 if another source's wins",
        "usable": "0 if only a blog states it (a blog is not a source on its own)",
        "best_source": "The publication an answer cites for this value",
        "description": "What the best source says, in words",
        "note": "Curator's note (why this value is or is not used)",
    },
    "figure_sources": {
        "figure_id": "figures.id",
        "publication_id": "publications.id",
        "evidence": "What this publication says",
    },
    "aliases": {
        "alias": "A name as people type it, normalised (lowercase, no accents)",
        "country": "ISO 3166-1 alpha-2 code",
        "language": "Language of the name",
        "origin": "cldr (Babel), curated (data/lang) or translit (a Latin spelling of one)",
    },
    "cues": {
        "phrase": "Words the parser recognises (normalised; a trailing * matches any ending)",
        "category": "What the words signal (count, share, rank, profile, topic…)",
        "value": "Which profile or topic, for those categories",
        "language": "Language of the phrase",
    },
    "models": {
        "name": "Which choice the model makes: kind, topic or language of a question",
        "fingerprint": "Hash of the example bank, phrase files and code it was trained from",
        "data": "The trained weights (bot/classify.py format)",
    },
    "content": {
        "topic": "Topic id (file name in data/content/)",
        "language": "Language of this text",
        "title": "Title of the topic",
        "summary": "One line that answers the topic's core question; answers open with it",
        "text": "The information itself (the details after the summary)",
        "keywords": "Words that route a question here",
        "stated": "When the newest fact in it was stated by its source",
        "countries": "JSON list of ISO codes the topic is specifically about",
        "sources": "JSON list of sources (publisher, title, url, date)",
    },
}

_RELIABILITY = {"official": 1, "secondary": 0}
_PRECISION = {"exact": 2, "rounded": 1, "approximate": 0}


def _source_rank(pub: Publication) -> tuple[int, int, str]:
    """Official before secondary, Fedasil first, then the most recent publication."""
    return (_RELIABILITY[pub.reliability], int(pub.publisher.startswith("Fedasil")),
            pub.published or "")


def _group(figures: Iterable[Figure]) -> dict[tuple[object, ...], dict[float, list[Figure]]]:
    groups: dict[tuple[object, ...], dict[float, list[Figure]]] = defaultdict(
        lambda: defaultdict(list))
    for f in figures:
        groups[f.key][f.value].append(f)
    return groups


def _observations(
    figures: list[Figure], pubs: dict[str, Publication]
) -> list[tuple[dict[str, Any], list[Figure]]]:
    """One row per distinct value of each key, with `preferred` set on the value answers use."""
    out: list[tuple[dict[str, Any], list[Figure]]] = []
    for _key, by_value in sorted(_group(figures).items(), key=lambda kv: repr(kv[0])):
        scored = []
        for value, rows in by_value.items():
            rows.sort(key=lambda f: _source_rank(pubs[f.source]), reverse=True)
            usable = any(pubs[f.source].kind != "blog" for f in rows) and not all(
                f.use == "no" for f in rows)
            best = next(f for f in rows if pubs[f.source].kind != "blog") if usable else rows[0]
            forced = any(f.use == "prefer" for f in rows)
            score = (forced, usable, _source_rank(pubs[best.source]), _PRECISION[best.precision])
            scored.append((score, value, rows, best, usable))
        scored.sort(key=lambda s: s[0], reverse=True)
        for i, (_score, value, rows, best, usable) in enumerate(scored):
            notes = sorted({f.note for f in rows if f.note})
            out.append(({
                "indicator": best.indicator, "series": best.series, "year": best.year,
                "period": best.period, "country": best.country, "profile": best.profile,
                "value": value, "unit": best.unit, "precision": best.precision,
                "compare_year": best.compare_year, "preferred": int(i == 0 and usable),
                "usable": int(usable), "best_source": best.source,
                "description": best.evidence or "", "note": "; ".join(notes),
            }, rows))
    return out


def populate(
    db: sqlite_utils.Database,
    data_dir: Path = DATA_DIR,
    extra: tuple[dict[str, Publication], list[Figure]] | None = None,
    skip_import: str | None = None,
    previous: Path | None = None,
) -> None:
    """Fill an empty database from data/ (plus `extra` publications and figures); `previous`
    is the store being replaced, whose trained router is reused when nothing changed."""
    from bot.choose import model_rows
    from bot.content import load_content
    from bot.countries import alias_rows
    from bot.lexicon import Lexicon, cue_rows

    pubs, figures = load_data(data_dir, skip_import=skip_import)
    if extra:
        pubs = pubs | extra[0]
        figures = figures + extra[1]
    db.table("publications").insert_all(
        (p.model_dump() for p in sorted(pubs.values(), key=lambda p: p.id)), pk="id")
    fig_rows, link_rows = [], []
    for i, (row, sources) in enumerate(_observations(figures, pubs), start=1):
        fig_rows.append({"id": i, **row})
        for f in sources:
            link_rows.append({"figure_id": i, "publication_id": f.source,
                              "evidence": f.evidence or ""})
    db.table("figures").insert_all(fig_rows, pk="id", foreign_keys=[("best_source", "publications")])
    db.table("figure_sources").insert_all(
        link_rows, pk=("figure_id", "publication_id"),
        foreign_keys=[("figure_id", "figures"), ("publication_id", "publications")])
    db.table("figures").create_index(["indicator", "series", "year", "country"])
    db.table("figures").create_index(["country", "indicator"])
    db.table("figure_sources").create_index(["publication_id"])
    db.table("aliases").insert_all(alias_rows(data_dir), pk=("alias", "country", "language"))
    db.table("aliases").create_index(["alias"])
    db.table("cues").insert_all(cue_rows(data_dir), pk=("phrase", "category", "value", "language"))
    aliases_and_cues = Lexicon(
        [(r["alias"], "country", r["country"], r["language"]) for r in db["aliases"].rows]
        + [(r["phrase"], r["category"], r["value"], r["language"]) for r in db["cues"].rows])
    db.table("models").insert_all(model_rows(data_dir, aliases_and_cues, previous), pk="name")
    content = list(load_content(data_dir))
    db.table("content").create({c: str for c in COLUMN_DOCS["content"]}, pk=("topic", "language"))
    db.table("content").insert_all(content)
    db.table("content").enable_fts(["title", "text", "keywords"], tokenize="unicode61")
    db.table("meta").insert_all([
        {"key": "schema_version", "value": str(SCHEMA_VERSION)},
        {"key": "data_fingerprint", "value": data_fingerprint(data_dir)},
    ], pk="key")
    _describe(db)


def _describe(db: sqlite_utils.Database) -> None:
    rows = [{"table": t, "column": c, "description": d}
            for t, cols in COLUMN_DOCS.items() for c, d in cols.items()]
    db.table("columns").insert_all(rows, pk=("table", "column"))


def write(
    path: Path,
    data_dir: Path = DATA_DIR,
    extra: tuple[dict[str, Publication], list[Figure]] | None = None,
    skip_import: str | None = None,
    previous: Path | None = None,
) -> None:
    """Build the store at `path` atomically: a failed build leaves the old file untouched.
    The trained router is reused from `previous` (by default the store being replaced) when
    the bank and phrase files it was trained from are unchanged."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_builds(path.parent)
    tmp = path.parent / f".returnbot-{os.getpid()}-{secrets.token_hex(4)}.db"
    # Not mkstemp: its 0600 would keep the store from a bot running as another user (the
    # container builds as root, runs as 10001). 0666 minus the umask gives the usual 0644.
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        db = sqlite_utils.Database(tmp)
        with db.conn:
            populate(db, data_dir, extra, skip_import, previous=previous or path)
        db.conn.execute("VACUUM")
        db.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def kept_imports(
    imports_dir: Path, data_dir: Path = DATA_DIR
) -> tuple[dict[str, Publication], list[Figure]] | None:
    """Validate the staff CSVs kept in `imports_dir` when it is not data/imports (read anyway)."""
    if not imports_dir.is_dir() or imports_dir.resolve() == (data_dir / "imports").resolve():
        return None
    known, _ = load_data(data_dir)
    pubs: dict[str, Publication] = {}
    figures: list[Figure] = []
    for path in sorted(imports_dir.glob("*.csv")):
        more_pubs, more_figures = read_import_csv(path, known | pubs)
        pubs |= more_pubs
        figures += more_figures
    return pubs, figures


def build(path: Path, imports_dir: Path, data_dir: Path = DATA_DIR) -> None:
    """Build the store from data/ and every CSV kept in `imports_dir`."""
    write(path, data_dir, kept_imports(imports_dir, data_dir))


def _remove_abandoned_builds(folder: Path) -> None:
    """Delete temporary stores left by builds that were killed (their process is gone)."""
    for tmp in folder.glob(".returnbot-*-*.db"):
        try:
            pid = int(tmp.name.split("-")[1])
            os.kill(pid, 0)
        except ProcessLookupError:
            tmp.unlink(missing_ok=True)
        except (ValueError, PermissionError):
            continue


def describe_json(db_path: Path) -> str:
    """Counts of each table, as JSON (for `db build` output)."""
    db = sqlite_utils.Database(db_path)
    try:
        return json.dumps({t: db[t].count for t in ("publications", "figures", "aliases",
                                                     "content")})
    finally:
        db.close()
