"""The answer contract (DESIGN.md, "The answer contract"): what every channel prints or sends.

Extend these models, never break them: tests, benchmarks and outside tools read the JSON.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["answered", "partial", "no_data", "clarify", "not_understood", "info"]
Unit = Literal["persons", "percent", "countries", "rank"]
Verdict = Literal["accurate", "rounded", "inaccurate", "other_definition", "cannot_verify"]

__all__ = ["Action", "Answer", "ChartData", "Fact", "SourceRef", "Status", "Unit", "Verdict"]


class SourceRef(BaseModel):
    """The publication that states a figure."""

    model_config = ConfigDict(frozen=True)

    publisher: str
    title: str
    url: str
    published: str | None
    language: str


class Fact(BaseModel):
    """One figure the answer text states, with where it comes from."""

    model_config = ConfigDict(frozen=True)

    indicator: str
    series: str
    year: int
    country: str | None
    profile: str | None
    value: float | int
    unit: Unit
    precision: str
    derived: bool = False
    source: SourceRef | None
    # Extension: for a derived fact, which years it was computed from.
    base_year: int | None = None


class ChartData(BaseModel):
    """What a chart shows: one labelled value per point, in order (years or countries)."""

    kind: Literal["line", "bar"]
    title: str
    labels: list[str]
    values: list[float]
    source: str


class Action(BaseModel):
    """A natural next step, shown as a button: the label and the query it asks."""

    label: str
    kind: Literal["previous_year", "next_year", "chart", "source", "country", "question"]
    query: dict[str, Any]


class Answer(BaseModel):
    """The engine's answer to one question, the same for the CLI and Telegram."""

    question: str
    language: str
    status: Status
    query: dict[str, Any] | None
    text: str
    facts: list[Fact] = Field(default_factory=list)
    topic: str | None = None
    suggestions: list[str] = Field(default_factory=list)
    # A fact check's verdict (bot/factcheck.py); null for every other answer.
    verdict: Verdict | None = None
    # Extensions beyond DESIGN.md's minimum (never read by the contract tests):
    chart: ChartData | None = Field(default=None, exclude=True)
    actions: list[Action] = Field(default_factory=list, exclude=True)

    def contract(self) -> dict[str, Any]:
        """Return the JSON object of the answer contract."""
        return self.model_dump(mode="json")
