"""Support information: the topic files in data/content/, one YAML file per topic."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from bot.errors import DataError, Problem

__all__ = ["load_content"]


def _summary(path: Path, value: object, lang: str) -> str:
    """The topic's one-line answer in `lang`: required, because answers open with it."""
    line = str(value or "").strip()
    if not line or "\n" in line:
        raise DataError([Problem(path.name, 1, f"summary.{lang}", "needs exactly one line")])
    return line


def load_content(data_dir: Path) -> Iterator[dict[str, Any]]:
    """Yield one store row per topic and language, checking each file's shape."""
    for path in sorted((data_dir / "content").glob("*.yaml")):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as e:
            raise DataError([Problem(path.name, 0, "file", f"not valid YAML ({e})")]) from e
        if not isinstance(doc, dict) or doc.get("id") != path.stem:
            raise DataError([Problem(path.name, 1, "id", "must equal the file name")])
        sources = doc.get("sources") or []
        if not sources or not all(str(s.get("url", "")).startswith("http") for s in sources):
            raise DataError([Problem(path.name, 1, "sources", "needs sources with http(s) urls")])
        summaries = doc.get("summary") or {}
        for lang, text in sorted((doc.get("text") or {}).items()):
            yield {
                "topic": doc["id"],
                "language": lang,
                "title": (doc.get("title") or {}).get(lang, doc["id"]),
                "summary": _summary(path, summaries.get(lang), lang),
                "text": str(text).strip(),
                "keywords": " | ".join((doc.get("keywords") or {}).get(lang, [])),
                "stated": str(doc.get("stated") or ""),
                "countries": json.dumps(doc.get("countries") or []),
                "sources": json.dumps(sources, ensure_ascii=False, default=str),
            }
