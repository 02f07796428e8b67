"""Fact-check verdicts and their schema.org `ClaimReview` JSON-LD.

The engine's `Answer.verdict` is being added on the language-understanding branch; until it
lands, the verdict is derived here from the answer's query (the claimed number) and facts,
by the same rule as `bot/lookup.py::_fact_check`.
"""

from __future__ import annotations

from typing import Any, Literal

from bot.answer import Answer, Fact, SourceRef

__all__ = ["VERDICTS", "Verdict", "claim_review", "verdict"]

Verdict = Literal["accurate", "rounded", "inaccurate", "other_definition", "cannot_verify"]
VERDICTS: tuple[Verdict, ...] = (
    "accurate", "rounded", "inaccurate", "other_definition", "cannot_verify")
# ClaimReview ratings on a 1 (false) to 5 (true) scale; a claim that cannot be verified gets
# no numeric rating.
_RATING: dict[str, int] = {"accurate": 5, "rounded": 4, "other_definition": 3, "inaccurate": 1}


def verdict(answer: Answer) -> Verdict | None:
    """The answer's verdict, or None when the answer is not a fact check."""
    given = getattr(answer, "verdict", None)
    if given in VERDICTS:
        return given  # type: ignore[no-any-return]
    query = answer.query or {}
    if query.get("kind") != "fact_check":
        return None
    return _derived(float(query["claimed"]), answer.facts)


def _derived(claimed: float, facts: list[Fact]) -> Verdict:
    fed = next((f for f in facts if f.series == "fedasil"), None)
    gov = next((f for f in facts if f.series == "government"), None)
    if fed is None and gov is None:
        return "cannot_verify"
    if fed is not None and abs(fed.value - claimed) < 0.5:
        return "accurate"
    if gov is not None and abs(gov.value - claimed) < 0.5:
        return "other_definition"
    if fed is not None and _is_rounding(claimed, float(fed.value)):
        return "rounded"
    return "inaccurate"


def _is_rounding(claim: float, value: float) -> bool:
    """3,000 for 2,952: a round number within 5% of the published value."""
    if claim <= 0 or value <= 0 or abs(claim - value) / value > 0.05:
        return False
    return claim % 100 == 0 or (claim < 1000 and claim % 10 == 0)


def claim_review(answer: Answer, verdict_name: Verdict, label: str, page_url: str,
                 ) -> dict[str, Any]:
    """The schema.org ClaimReview of a fact check: the claim, the rating, the source."""
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": label}
    if verdict_name in _RATING:
        rating.update(ratingValue=_RATING[verdict_name], bestRating=5, worstRating=1)
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": page_url,
        "inLanguage": answer.language,
        "claimReviewed": answer.question,
        "author": {"@type": "Organization", "name": "ReturnBot"},
        "reviewRating": rating,
    }
    # The claim itself is the asker's words; the published figures' sources are what the
    # review is based on.
    review["itemReviewed"] = {"@type": "Claim", "text": answer.question}
    review["isBasedOn"] = [
        {"@type": "CreativeWork", "url": s.url, "name": s.title,
         "publisher": {"@type": "Organization", "name": s.publisher},
         **({"datePublished": s.published} if s.published else {})}
        for s in _unique_sources(answer.facts)]
    return review


def _unique_sources(facts: list[Fact]) -> list[SourceRef]:
    seen: dict[str, SourceRef] = {}
    for f in facts:
        if f.source is not None:
            seen.setdefault(f.source.url, f.source)
    return list(seen.values())
