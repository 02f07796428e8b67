"""`returnbot db import`: add a staff CSV (the research columns) to the store and keep it.

The store changes only once the CSV is kept, so every later build includes what was answered:
validate everything, build the new store beside the old one, copy the CSV into the keep folder,
then rename the new store into place (and take the copy back if that rename fails). One import
at a time per store: a lock file beside the store serialises them.
"""

from __future__ import annotations

import fcntl
import filecmp
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from bot.build import write
from bot.datafiles import DATA_DIR, Figure, Publication, Taken, load_data, read_import_csv
from bot.errors import DataError, Problem

__all__ = ["LOCK_TIMEOUT", "import_csv"]

log = logging.getLogger(__name__)

# Seconds an import waits for another one into the same store before it is refused.
LOCK_TIMEOUT = 300.0

Extra = tuple[dict[str, Publication], list[Figure]]


def import_csv(csv_path: Path, db_path: Path, keep_dir: Path, data_dir: Path = DATA_DIR,
               lock_timeout: float = LOCK_TIMEOUT) -> int:
    """Validate a staff CSV, rebuild the store with it, and keep a copy in `keep_dir`.

    Raises DataError (naming file, line and field) with the store and `keep_dir` unchanged.
    Returns the number of figures imported.
    """
    _check_file(csv_path)
    with _exclusive(db_path, csv_path.name, lock_timeout):
        again = _already_kept(csv_path, keep_dir)
        in_data = keep_dir.resolve() == (data_dir / "imports").resolve()
        skip = csv_path.name if again and in_data else None
        extra, count = _validated(csv_path, keep_dir, data_dir, again, skip)
        staged = db_path.parent / f".returnbot-{os.getpid()}-import.db"
        try:
            _build(staged, db_path, data_dir, extra, skip, csv_path.name)
            kept = None if again else _keep(csv_path, keep_dir)
            _replace(staged, db_path, csv_path.name, kept)
        finally:
            staged.unlink(missing_ok=True)
    return count


def _check_file(csv_path: Path) -> None:
    """Refuse what cannot be an import before anything else (rebuilds read only *.csv)."""
    if not csv_path.is_file():
        what = "is a folder, not a CSV file" if csv_path.is_dir() else "no such file"
        raise DataError([Problem(csv_path.name, 0, "file", what)])
    if csv_path.suffix != ".csv":
        raise DataError([Problem(csv_path.name, 0, "file",
                                 "the name must end in .csv (rebuilds read only *.csv files)")])


@contextmanager
def _exclusive(db_path: Path, file: str, timeout: float) -> Iterator[None]:
    """Hold the store's import lock, waiting up to `timeout` seconds for another import."""
    lock_path = db_path.parent / f"{db_path.name}.import-lock"
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path.open("a")
    except OSError as e:
        raise DataError([Problem(file, 0, "store", f"cannot lock {lock_path} "
                                 f"({e.strerror or e})")]) from e
    with handle:  # closing it releases the lock, even if the import fails
        _wait_for_lock(handle.fileno(), db_path, file, timeout)
        yield


def _wait_for_lock(fd: int, db_path: Path, file: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    waiting = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise DataError([Problem(file, 0, "store", (
                    f"another import into {db_path} is still running; nothing was imported, "
                    "try again when it has finished"))]) from None
            if not waiting:
                log.warning("another import into %s is running; waiting for it to finish",
                            db_path)
                waiting = True
            time.sleep(0.1)


def _already_kept(csv_path: Path, keep_dir: Path) -> bool:
    """True when this very file is kept already; refuse a different file with its name."""
    kept = keep_dir / csv_path.name
    if not kept.exists():
        return False
    if kept.resolve() == csv_path.resolve() or filecmp.cmp(kept, csv_path, shallow=False):
        return True
    raise DataError([Problem(csv_path.name, 0, "file", (
        f"{kept} is an earlier import with the same name and other content; give this file "
        f"a new name (e.g. {csv_path.stem}-2.csv), or delete {kept} first to replace it"))])


def _validated(csv_path: Path, keep_dir: Path, data_dir: Path, again: bool,
               skip: str | None) -> tuple[Extra, int]:
    """Check data/, the earlier imports and the new file together; return what to add."""
    taken: Taken = {}
    pubs, _ = load_data(data_dir, skip_import=skip, taken=taken)
    extra_pubs: dict[str, Publication] = {}
    extra_figs: list[Figure] = []
    # Earlier imports kept outside data/imports (which load_data reads) stay in the store too.
    if keep_dir.resolve() != (data_dir / "imports").resolve() and keep_dir.is_dir():
        for older in sorted(keep_dir.glob("*.csv")):
            if again and older.name == csv_path.name:
                continue
            p, f = read_import_csv(older, pubs | extra_pubs, taken)
            extra_pubs |= p
            extra_figs += f
    new_pubs, figures = read_import_csv(csv_path, pubs | extra_pubs, taken)
    return (extra_pubs | new_pubs, extra_figs + figures), len(figures)


def _build(staged: Path, db_path: Path, data_dir: Path, extra: Extra, skip: str | None,
           file: str) -> None:
    """Build the new store beside the old one (a full disk or a read-only folder: one line);
    its trained router comes from the old one when nothing it learns from changed."""
    try:
        write(staged, data_dir, extra, skip_import=skip, previous=db_path)
    except (OSError, sqlite3.Error) as e:
        why = getattr(e, "strerror", None) or e
        raise DataError([Problem(file, 0, "store", (
            f"could not build a new store in {staged.parent} ({why}); nothing was imported"))]
        ) from e


def _keep(csv_path: Path, keep_dir: Path) -> Path:
    """Copy the CSV into `keep_dir` under its own name, never over another file.

    On failure the folder is left as it was (a folder created for it is removed again).
    """
    created = not keep_dir.exists()
    target = keep_dir / csv_path.name
    part = keep_dir / f".{csv_path.name}.{os.getpid()}.part"
    try:
        keep_dir.mkdir(parents=True, exist_ok=True)
        try:
            _copy(csv_path, part)
            os.link(part, target)  # unlike a rename, fails if the name was taken meanwhile
        finally:
            part.unlink(missing_ok=True)
    except OSError as e:
        if created:
            with suppress(OSError):
                keep_dir.rmdir()
        raise DataError([Problem(csv_path.name, 0, "keep", (
            f"could not be copied into {keep_dir} ({e.strerror or e}); nothing was imported"))]
        ) from e
    return target


def _copy(source: Path, target: Path) -> None:
    """Copy a file's bytes to a new file, on disk before the store changes."""
    with source.open("rb") as src, target.open("xb") as dst:
        shutil.copyfileobj(src, dst)
        dst.flush()
        os.fsync(dst.fileno())


def _replace(staged: Path, db_path: Path, file: str, kept: Path | None) -> None:
    """Put the new store in place; if that fails, take back the kept copy."""
    try:
        os.replace(staged, db_path)
    except OSError as e:
        if kept is not None:
            kept.unlink(missing_ok=True)
        raise DataError([Problem(file, 0, "store", (
            f"could not replace {db_path} ({e.strerror or e}); nothing was imported"))]) from e
