"""Where ReturnBot's files are: what ships with the package, and where it may write.

Two layouts, one rule each:

- **a checkout** (`make setup`, `pip install -e .`): `data/` and `locales/` sit beside `bot/`,
  and the store, state and imports are written into the checkout (`var/`, `data/imports/`);
- **an installed wheel** (`pip install .`): the wheel carries them as `bot/_data/` and
  `bot/_locales/` (see setup.py), which may be read-only, so the store, state and imports go
  to the user's data folder (`$XDG_DATA_HOME/returnbot`, else `~/.local/share/returnbot`).

Settings (RETURNBOT_DB_PATH, RETURNBOT_STATE_PATH, RETURNBOT_IMPORTS_DIR) override the
writable ones; the container points them all at its /data volume.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "DATA_DIR", "IS_CHECKOUT", "LOCALES_DIR", "default_db_path", "default_imports_dir",
    "default_state_path", "user_data_dir",
]

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent
# A wheel puts the data inside the package; a checkout never has bot/_data.
IS_CHECKOUT = not (_PACKAGE / "_data").is_dir()
DATA_DIR = _CHECKOUT / "data" if IS_CHECKOUT else _PACKAGE / "_data"
LOCALES_DIR = _CHECKOUT / "locales" if IS_CHECKOUT else _PACKAGE / "_locales"


def user_data_dir() -> Path:
    """The user's own folder for ReturnBot's files (XDG base directory spec)."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "returnbot"


def _writable_root() -> Path:
    return _CHECKOUT / "var" if IS_CHECKOUT else user_data_dir()


def default_db_path() -> Path:
    """The store: var/returnbot.db in a checkout, else in the user's data folder."""
    return _writable_root() / "returnbot.db"


def default_state_path() -> Path:
    """The Telegram state file, beside the store."""
    return _writable_root() / "state.db"


def default_imports_dir() -> Path:
    """Where `db import` keeps staff CSVs so that rebuilds include them."""
    return DATA_DIR / "imports" if IS_CHECKOUT else user_data_dir() / "imports"
