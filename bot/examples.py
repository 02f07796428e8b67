"""The example bank (data/examples/<lang>.tsv): questions as users write them, each labelled
with its language, the kind of question and, for support questions, the topic. The router in
bot/choose.py is trained on it when the store is built.

Adding a question kind or topic to what the bot can *choose* means adding rows here (and a
builder for the kind in bot/parse.py); adding a language means a new file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from bot.errors import DataError, Problem
from bot.i18n import LANGUAGES

__all__ = ["KINDS", "TOPICS", "Example", "load_examples"]

# What a question can ask for. `off_topic` and `not_held` have no figure to look up.
KINDS: tuple[str, ...] = (
    "total", "by_country", "by_profile", "ranking", "change", "trend", "reintegration",
    "dublin", "unaccompanied_minors", "families", "destination_countries", "premiums",
    "fact_check", "definition", "info", "help", "off_topic", "not_held",
)
# Support topics (data/content/<topic>.yaml) a migrant's question can be about.
TOPICS: tuple[str, ...] = (
    "voluntary_return", "how_to_apply", "contact", "eligibility", "travel_and_premium",
    "reintegration", "country_exceptions", "special_groups", "confidentiality",
    "come_back_later", "order_to_leave", "partners", "funding",
)
_COLUMNS = ("lang", "kind", "topic", "text")
_HEADER = "\t".join(_COLUMNS)


class Example(BaseModel):
    """One labelled question of the bank."""

    model_config = ConfigDict(frozen=True)

    lang: str
    kind: str
    topic: str | None
    text: str

    @field_validator("lang")
    @classmethod
    def _known_language(cls, v: str) -> str:
        if v not in LANGUAGES:
            raise ValueError(f"{v!r} is not one of {', '.join(LANGUAGES)}")
        return v

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, v: str) -> str:
        if v not in KINDS:
            raise ValueError(f"{v!r} is not one of {', '.join(KINDS)}")
        return v

    @field_validator("topic", mode="before")
    @classmethod
    def _blank_topic(cls, v: str | None) -> str | None:
        return v or None

    @field_validator("text")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("the question is empty")
        return v.strip()

    @model_validator(mode="after")
    def _topic_only_for_info(self) -> Example:
        if self.kind == "info" and self.topic not in TOPICS:
            raise ValueError(f"an info row needs a topic, one of {', '.join(TOPICS)}")
        if self.kind != "info" and self.topic is not None:
            raise ValueError("only info rows have a topic")
        return self


def load_examples(data_dir: Path) -> list[Example]:
    """Read and validate every bank file; all problems are reported at once, FILE:LINE."""
    examples: list[Example] = []
    problems: list[Problem] = []
    for path in sorted((data_dir / "examples").glob("*.tsv")):
        for line, row in _rows(path):
            try:
                examples.append(Example.model_validate(row))
            except ValidationError as e:
                for err in e.errors():
                    field = ".".join(str(p) for p in err["loc"]) or "row"
                    problems.append(Problem(path.name, line, field, err["msg"]))
    if problems:
        raise DataError(problems)
    return examples


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None:
            return
        if tuple(header) != _COLUMNS:
            raise DataError([Problem(path.name, 1, "header", f"must be {_HEADER!r}")])
        for row in reader:
            if not row or not "".join(row).strip():
                continue
            yield reader.line_num, dict(zip(_COLUMNS, row + [""] * (4 - len(row)), strict=False))
