"""The reports of `run` and `report`: the optional LLM rewording of the event summaries (at the
edge, after the stages), then briefings.json (checked against its schema), briefings.md and the
HTML pages."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from storyweave.cli.messages import console, error_line, fail
from storyweave.config import BriefConfig
from storyweave.faults import checkpoint

if TYPE_CHECKING:
    from storyweave.model import Corpus


def _reword(corpus: Corpus, endpoint: str, model: str, words: int, min_recall: float) -> Corpus:
    """Optional abstractive pass at the edge: stops at the first endpoint failure, extractive stays;
    a reworded sentence needs `min_recall` of its content words in its sources (`brief.min_content_recall`)."""
    from storyweave.llm import openai_compatible, reword_events

    corpus, done, exc = reword_events(corpus, openai_compatible(endpoint, model), words, min_recall)
    if exc is not None:
        error_line(f"{endpoint}: rewording stopped ({type(exc).__name__}: {exc}); extractive summaries kept")
        return corpus
    console.print(f"reworded {done} event summaries via {endpoint}", highlight=False)
    return corpus


def write_reports(corpus: Corpus, out: Path, llm_endpoint: str | None = None, llm_model: str = "default",
                  words: int = BriefConfig.summary_words,
                  min_recall: float = BriefConfig.min_content_recall, processes: int = 0) -> None:
    """Write `corpus`'s reports into `out` (reworded first with `llm_endpoint`); an output that
    breaks the schema is a warning, a folder that cannot be written exit 1."""
    from storyweave.io.render import check_document
    from storyweave.io.render import write_reports as render_reports
    from storyweave.io.render.contract import to_briefings

    if llm_endpoint:
        corpus = _reword(corpus, llm_endpoint, llm_model, words, min_recall)

    document = to_briefings(corpus)
    problems = check_document(document, out, processes)  # not re-validated when `out` holds the same content
    for problem in problems:
        error_line(f"warning: briefings.json breaks the output schema at {problem}")
    checkpoint("reports")
    try:
        paths = render_reports(corpus, out, document=document, processes=processes)
    except OSError as exc:
        fail(f"{out}: cannot write reports ({exc.strerror or exc})")
    console.print(f"wrote {paths['json']}, {paths['markdown']}, {paths['html']} (and its pages)", highlight=False,
                  soft_wrap=True)
