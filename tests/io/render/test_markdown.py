"""briefings.md: cited summary and sections; source text cannot inject HTML or Markdown."""

from __future__ import annotations

from storyweave.io.render.markdown import esc, render_markdown
from storyweave.model import Corpus


def test_summary_bullets_carry_citations(corpus):
    md = render_markdown(corpus)
    assert "- A magnitude 6.1 earthquake struck Valdoria on Monday. [a1, a2]" in md
    assert "## Story: Valdoria earthquake" in md
    assert md.index("### Earthquake in Valdoria") < md.index("### Rescuers reach Brenn")


def test_every_briefing_section_is_rendered(corpus):
    md = render_markdown(corpus)
    for heading in ("#### Summary", "#### Confirmed facts", "#### Quotes", "#### Discrepancies between sources",
                    "#### Timeline", "#### Entities", "#### Outlet comparison", "#### Duplicates and wire copy",
                    "#### Sources", "## Changes in this run", "## Inputs that could not be read",
                    "## Articles not assigned to an event"):
        assert heading in md, heading
    assert "**1.7 million** [a1] vs **1.5 million** [a2, a3]" in md
    assert "**Mayor Ana Varga**: “We need help now” [a1, a2]" in md
    assert "also reported as: “We need help immediately”" in md
    assert "2 independent sources [a1, a2]" in md
    assert "a3 (Evening \\<News\\>, 2024-03-05) is a **near** copy of a2 (Wire Times, 2024-03-04)" in md
    assert "| Valdoria | GPE | Valdorija | 3 |" in md


def test_html_in_article_text_is_escaped(corpus):
    md = render_markdown(corpus)
    assert "<script>" not in md and "<b>" not in md and "<i>" not in md
    assert "\\<script\\>alert" in md
    assert esc("a | b *c* [x](y) &lt;") == "a \\| b \\*c\\* \\[x\\](y) &amp;lt;"


def test_empty_corpus_renders():
    md = render_markdown(Corpus())
    assert md.startswith("# storyweave briefing") and "0 articles" in md


def test_events_at_a_glance_table(corpus):
    md = render_markdown(corpus)
    assert "| 2024-03-04 | [Earthquake in Valdoria](#event-e1) | Valdoria earthquake | 3 | 3 | 2 | 1 |" in md
    assert "| 2024-03-06 | [Rescuers reach Brenn](#event-e2) | Valdoria earthquake | 1 | 1 | 1 |  |" in md


def test_single_event_story_is_shown_as_the_event(corpus):
    corpus.stories[0].event_ids = ["E1"]
    corpus.events[1].story_id = None
    md = render_markdown(corpus)
    assert "## Story:" not in md and "## Earthquake in Valdoria" in md
    assert "## Events not linked to a story" in md and "### Rescuers reach Brenn" in md


def test_reports_that_name_no_outlet_count_as_one_outlet_each():
    """Bare reports (no source) are never '0 outlets': each is one unknown outlet of its own."""
    from storyweave.io.render.contract import counts, to_briefings
    from storyweave.model import Article, Event

    articles = [Article(id="b1", text="The river rose."), Article(id="b2", text="The river fell."),
                Article(id="n1", text="The river rose.", source="Valnews")]
    corpus = Corpus(articles=articles, events=[Event(id="e1", article_ids=["b1", "b2", "n1"], title="River")])
    assert counts(corpus)["sources"] == 3 and counts(corpus)["unknown_outlets"] == 2
    assert to_briefings(corpus)["events"][0]["unknown_outlets"] == 2
    md = render_markdown(corpus)
    assert "0 outlets" not in md
    assert "3 articles from 3 outlets (2 unnamed)" in md
    assert "| [River](#event-e1) |  | 3 | 3 |" in md
    assert "3 articles · 3 outlets (2 unnamed)" in md
def test_wire_copy_lists_the_passages_shared(corpus, tmp_path):
    from dataclasses import replace

    from storyweave.io.render import write_reports
    from storyweave.io.render.html import file_name
    from storyweave.model import DuplicateLink

    passage = "Rescue teams reached the town of Brenn on Wednesday after a night of aftershocks."
    c = replace(corpus, duplicates=[*corpus.duplicates[:1], DuplicateLink("a3", "a2", "wire", 0.5, [passage])])
    assert f"a2 and a3 share 1 passage(s), e.g.: “{passage}”" in render_markdown(c)
    write_reports(c, tmp_path, plots=False)
    assert passage in (tmp_path / "events" / f"{file_name('E1')}.html").read_text(encoding="utf-8")


def test_section_writes_heading_bullets_and_blank_lines_only_when_there_are_items():
    from storyweave.io.render.markdown import _dated, _section
    from storyweave.model import TimelineEntry

    lines: list[str] = []
    _section(lines, "#### Timeline", [])
    assert lines == []
    _section(lines, "#### Timeline", [_dated(TimelineEntry(date="", text="A <b>", article_ids=["a1"]))])
    assert lines[:2] == ["#### Timeline", ""] and lines[-1] == ""
    assert lines[2].startswith("- **undated** — A ") and "<b>" not in lines[2] and "a1" in lines[2]
