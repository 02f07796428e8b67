"""`returnbot db import`: add a staff CSV (the research columns) to the store and keep it."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.build import write
from bot.datafiles import DATA_DIR, load_data, read_import_csv

__all__ = ["import_csv"]


def import_csv(csv_path: Path, db_path: Path, keep_dir: Path, data_dir: Path = DATA_DIR) -> int:
    """Validate a staff CSV, rebuild the store with it, and keep a copy in `keep_dir`.

    Raises DataError (naming file, line and field) before anything is written.
    Returns the number of figures imported.
    """
    pubs, _ = load_data(data_dir, skip_import=csv_path.name)
    new_pubs, figures = read_import_csv(csv_path, pubs)
    # Figures imported earlier into keep_dir stay in the store too (unless it is data/imports,
    # which load_data reads already).
    extra_pubs, extra_figs = dict(new_pubs), list(figures)
    if keep_dir.resolve() != (data_dir / "imports").resolve() and keep_dir.is_dir():
        for older in sorted(keep_dir.glob("*.csv")):
            if older.name == csv_path.name:
                continue
            p, f = read_import_csv(older, pubs | extra_pubs)
            extra_pubs |= p
            extra_figs += f
    write(db_path, data_dir, (extra_pubs, extra_figs), skip_import=csv_path.name)
    keep_dir.mkdir(parents=True, exist_ok=True)
    if csv_path.resolve() != (keep_dir / csv_path.name).resolve():
        shutil.copyfile(csv_path, keep_dir / csv_path.name)
    return len(figures)
