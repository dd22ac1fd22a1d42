"""Direct quotes, their speakers, and the same statement matched across outlets.

`spans` finds the quoted passages of a text (`find_quotes`); `attribution` names each one's
speaker from the reporting clause around it (`quotes_of`), reading the reporting verbs of
`verbs`, the candidate names and subjects of `candidates` and the article's look-ups of
`article`; `matching` groups one event's quotes into statements across outlets (`match_quotes`).
"""

from __future__ import annotations

from storyweave.stages.analysis.quotes.attribution import QuoteRecord, quotes_of
from storyweave.stages.analysis.quotes.matching import match_quotes
from storyweave.stages.analysis.quotes.spans import QuoteSpan, find_quotes

__all__ = ["QuoteRecord", "QuoteSpan", "find_quotes", "match_quotes", "quotes_of"]
