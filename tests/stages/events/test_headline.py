"""Headlines for bare text: short, complete phrases made from the lead (spaCy parse)."""

import re

from storyweave.config import HeadlineParams
from storyweave.model import Article
from storyweave.stages.events.headline import fits, headline_from_text, title_of

MAX_CHARS = HeadlineParams.max_chars

# general English closed-class words a complete phrase never ends with
CLOSED = {"a", "an", "the", "of", "in", "on", "at", "by", "for", "to", "with", "and", "or", "but", "that", "was", "is"}


def complete(title: str) -> bool:
    last = re.findall(r"[\w'’-]+", title.lower())[-1]
    return (
        0 < len(title) <= MAX_CHARS
        and last not in CLOSED
        and not re.search(r"\b[A-Z]\.$", title)
        and not title.endswith(("…", ",", ":"))
        and title[0].isupper()
    )


def test_short_lead_sentence_is_the_headline():
    text = "VALMORA, March 3 — The river burst its banks on Tuesday.\n\nMore than 2,000 people left their homes."
    assert headline_from_text(text) == "The river burst its banks on Tuesday"


def test_long_lead_is_compressed_keeping_subject_verb_object():
    text = (
        "The mayor of Valmora, who was elected last year after a long campaign against corruption, "
        "announced a new flood defence plan on Tuesday, saying that the river had burst its banks three "
        "times in the past decade, police said.\n\nThe plan costs 2 million euros."
    )
    title = headline_from_text(text)
    assert complete(title), title
    assert title.startswith("The mayor of Valmora") and "announced a new flood defence plan" in title
    assert "who was elected" not in title


def test_sentence_split_at_an_initial_is_never_cut_there():
    text = (
        "The former director, James B. Comey, told senators on Thursday that the White House had "
        "defamed him and the agency he led for years, in a hearing that lasted nearly three hours.\n\n"
        "He spoke for three hours."
    )
    title = headline_from_text(text)
    assert complete(title), title
    assert not title.endswith("B")


def test_menu_first_line_is_not_the_headline_but_the_lead_is_used():
    text = "Home | World | Politics\n\nThe council approved the budget on Monday after a long debate.\n\nIt takes effect in April."
    assert headline_from_text(text) == "The council approved the budget on Monday after a long debate"


def test_an_article_title_wins_and_empty_text_gives_empty():
    assert title_of(Article(id="a", text="Body text here.", title="Floods in Valmora")) == "Floods in Valmora"
    assert headline_from_text("") == ""


def test_noun_phrase_lead_is_cut_at_a_phrase_boundary_not_emptied():
    text = ("Reports, lectures, maps, photographs and other informational resources regarding the long "
            "history of the Valmora river valley.")
    title = headline_from_text(text)
    assert complete(title), title
    assert title.startswith("Reports, lectures, maps")


def test_a_byline_glued_to_the_lead_is_stripped_but_by_phrases_stay():
    text = ("By Dana Q. Roe and Lee Marsh Sure, the film is breaking box office records, and fans are "
            "swooning over the pale-faced vampire and the hunky werewolf.")
    assert not headline_from_text(text).startswith("By")
    assert headline_from_text(text).startswith("Sure, the film")
    text = "By Tuesday, the storm had moved north of the coast and left thousands of homes without power."
    assert headline_from_text(text).startswith("By Tuesday")


def test_site_notices_and_captions_never_make_the_headline():
    """A registration notice, a web-archive notice or a photo caption, and the rest of a paragraph it
    opens, are skipped for the report's first real paragraph; a text of notices only gives no headline."""
    notice = "By submitting your registration details, you agree to our Terms of Service and Privacy Policy."
    lead = "The council approved the flood budget on Monday after a long debate."
    assert headline_from_text(f"{notice}\n{lead}") == "The council approved the flood budget on Monday after a long debate"
    caption = "In this undated photo released by the council, volunteers fill sandbags near the bridge."
    assert headline_from_text(f"{caption}\n{lead}") == "The council approved the flood budget on Monday after a long debate"
    # a paragraph opened by a notice goes on with it: none of its sentences is a headline
    assert headline_from_text(f"{notice} We look forward to seeing you on the site.\n{lead}") == (
        "The council approved the flood budget on Monday after a long debate")
    assert headline_from_text(f"{notice} We look forward to seeing you on the site every day.") == ""
    archive = ("These crawls are part of an effort to archive pages as they are created. "
               "Flowing in every day, the pages are added to the Wayback Machine after an embargo period.")
    assert headline_from_text(archive) == ""


def test_a_date_stamp_line_is_never_the_lead_or_the_headline():
    from storyweave.stages.events.headline import date_only

    text = ("Thursday, Apr 22, 2010\n\n"
            "The county board voted on Tuesday to close two libraries and cut the parks budget by a fifth "
            "after a long debate about the deficit\n")  # the long paragraph lacks its final stop
    title = headline_from_text(text)
    assert title and not date_only(title) and "board" in title
    assert date_only("Thu 22 April 2010 10:30 am") and not date_only("April 22 vote on the budget")


def test_a_quotation_emptied_by_compression_does_not_fit():
    assert not fits('Four council members called the plan ""', whole_sentence=False)
    assert fits('Four council members called the plan "reckless"', whole_sentence=False)
