"""The exceptions ReturnBot raises. User-facing wording lives in render, not here.

    ReturnBotError
    ├── DataError          a data file or an imported CSV is invalid (carries .problems)
    ├── StoreError         the SQLite store is missing, stale or unreadable
    └── ConfigError        a setting is missing or inconsistent
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ConfigError", "DataError", "Problem", "ReturnBotError", "StoreError"]


class ReturnBotError(Exception):
    """Root of every error ReturnBot raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One invalid value: where it is and what is wrong with it."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        # Line 0: the whole file (missing, unreadable, too long); no field: a summary line.
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class DataError(ReturnBotError):
    """A data file or imported CSV has invalid rows; `.problems` lists each one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class StoreError(ReturnBotError):
    """The SQLite store is missing, stale or cannot be read."""


class ConfigError(ReturnBotError):
    """A setting is missing or inconsistent."""
