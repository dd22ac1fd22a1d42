"""Quantities in sentences and discrepancies between the figures sources report.

`quantities` finds the figures of a sentence ("1.7 million people", "$2 billion", "two dozen
aircraft") with their value, unit, counted noun and predicate (`extract_quantities`);
`discrepancies` compares the figures of an event's reports (`Figure`) and names those that
count the same thing with values that disagree (`find_discrepancies`).
"""

from __future__ import annotations

from storyweave.stages.analysis.numbers.discrepancies import Figure, figure_context, find_discrepancies
from storyweave.stages.analysis.numbers.quantities import Quantity, extract_quantities, parse_number

__all__ = ["Figure", "Quantity", "extract_quantities", "figure_context", "find_discrepancies", "parse_number"]
