"""A small, fully briefed corpus built by hand (the pipeline stages are tested elsewhere)."""

from __future__ import annotations

import pytest

from storyweave.model import (
    Article,
    Corpus,
    Discrepancy,
    DiscrepancyValue,
    DuplicateLink,
    Entity,
    Event,
    Fact,
    OutletCoverage,
    Quote,
    ReadError,
    Story,
    SummarySentence,
    TimelineEntry,
)

QUAKE_1 = "A magnitude 6.1 earthquake struck Valdoria on Monday. At least 1.7 million people lost power."
QUAKE_2 = "An earthquake of magnitude 6.1 hit Valdoria. Officials said 1.5 million people lost power."
EVIL = 'Readers wrote <script>alert("x")</script> & <b>bold</b> in the comments.'


def briefed_corpus() -> Corpus:
    articles = [
        Article(id="a1", text=QUAKE_1, raw_text=QUAKE_1 + "\nShare this article", source="Daily Post",
                url="https://post.example/quake", title="Quake hits Valdoria", published="2024-03-04",
                language="en", removed=["Share this article"], event_id="E1"),
        Article(id="a2", text=QUAKE_2, raw_text=QUAKE_2, source="Wire Times", title="Valdoria earthquake",
                published="2024-03-04T10:00:00", language="en", event_id="E1", shares_wire_with=["a3"]),
        Article(id="a3", text=QUAKE_2 + " " + EVIL, raw_text=QUAKE_2 + " " + EVIL, source="Evening <News>",
                title="<i>Quake</i> & aftermath", published="2024-03-05", language="en", event_id="E1",
                duplicate_of="a2", duplicate_kind="near", shares_wire_with=["a2"]),
        Article(id="a4", text="Rescue teams reached the town of Brenn on Wednesday.", source="Daily Post",
                title="Rescuers reach Brenn", published="2024-03-06", event_id="E2"),
        Article(id="a5", text="An unrelated story about football.", source="Sports Daily"),
    ]
    e1 = Event(
        id="E1", article_ids=["a1", "a2", "a3"], title="Earthquake in Valdoria", date="2024-03-04", story_id="S1",
        independent_sources=2,
        summary=[SummarySentence("A magnitude 6.1 earthquake struck Valdoria on Monday.", ["a1", "a2"]),
                 SummarySentence(EVIL, ["a3"])],
        entities=[Entity("Valdoria", "GPE", ["Valdoria", "Valdorija"], ["a1", "a2", "a3"])],
        quotes=[Quote("Mayor Ana Varga", "We need help now", ["We need help now", "We need help immediately"], ["a1", "a2"])],
        facts=[Fact("A magnitude 6.1 earthquake struck Valdoria on Monday.", ["a1", "a2"], 2)],
        discrepancies=[Discrepancy("people without power", [
            DiscrepancyValue("1.7 million", "At least 1.7 million people lost power.", ["a1"]),
            DiscrepancyValue("1.5 million", "Officials said 1.5 million people lost power.", ["a2", "a3"]),
        ])],
        timeline=[TimelineEntry("2024-03-04", "A magnitude 6.1 earthquake struck Valdoria on Monday.", ["a1"])],
        outlets=[OutletCoverage("Daily Post", ["At least 1.7 million people lost power."], []),
                 OutletCoverage("Wire Times", [], [])],
    )
    e2 = Event(id="E2", article_ids=["a4"], title="Rescuers reach Brenn", date="2024-03-06", story_id="S1",
               independent_sources=1,
               summary=[SummarySentence("Rescue teams reached the town of Brenn on Wednesday.", ["a4"])],
               timeline=[TimelineEntry("2024-03-06", "Rescue teams reached the town of Brenn on Wednesday.", ["a4"])])
    story = Story("S1", ["E1", "E2"], "Valdoria earthquake", timeline=e1.timeline + e2.timeline)
    return Corpus(
        articles=articles, events=[e1, e2], stories=[story],
        duplicates=[DuplicateLink("a3", "a2", "near", 0.93, [QUAKE_2]), DuplicateLink("a3", "a2", "wire", 0.5)],
        errors=[ReadError("broken.json", "invalid JSON: Expecting value")],
        changes=["event E1 gained article a3"],
    )


@pytest.fixture
def corpus() -> Corpus:
    return briefed_corpus()
