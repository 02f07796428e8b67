"""Whether a built store matches the data and code it would be built from now.

Kept apart from bot/build.py so that `returnbot ask` can check its store without importing
sqlite-utils and pydantic's data models (a third of a second on a cold start).
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Literal

from bot.errors import StoreError
from bot.paths import DATA_DIR

__all__ = ["SCHEMA_VERSION", "StoreStatus", "data_fingerprint", "store_fingerprint",
           "store_status"]

SCHEMA_VERSION = 2  # 2: the trained router (table models), topic summaries
# The code that turns data/ into the store: a change in it changes the store too.
_BUILD_CODE = ("build.py", "datafiles.py", "countries.py", "lexicon.py", "text.py", "content.py",
               "classify.py", "choose.py", "examples.py", "parse.py", "translit.py",
               "numbers.py")

StoreStatus = Literal["missing", "current", "stale", "unreadable"]


def data_fingerprint(data_dir: Path = DATA_DIR) -> str:
    """Hash every file under data/ and the code that builds from it: a changed hash means stale."""
    h = hashlib.sha256(str(SCHEMA_VERSION).encode())
    code = Path(__file__).resolve().parent
    files = sorted(p for p in data_dir.rglob("*") if p.is_file())
    files += [code / name for name in _BUILD_CODE]
    for path in files:
        if path.exists():
            # Named relative to data/ (or the code folder): a copy of data/ elsewhere, as the
            # tests' store is built from, has the same fingerprint.
            base = data_dir if path.is_relative_to(data_dir) else code
            h.update(str(path.relative_to(base)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def store_fingerprint(db_path: Path) -> str | None:
    """Return the data fingerprint recorded in a built store, or None if unreadable."""
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            row = conn.execute("select value from meta where key='data_fingerprint'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def store_status(db_path: Path, data_dir: Path = DATA_DIR) -> StoreStatus:
    """Say whether the store at `db_path` exists and was built from the current data and code.

    `unreadable` is a file that is not a ReturnBot store (or cannot be read): it is never
    overwritten unless asked (`db build`), since it may be someone else's database.
    """
    if db_path.is_dir():
        raise StoreError(f"the store path {db_path} is a folder; give a file path")
    if not db_path.exists():
        return "missing"
    recorded = store_fingerprint(db_path)
    if recorded is None:
        return "unreadable"
    return "current" if recorded == data_fingerprint(data_dir) else "stale"
