"""The site-furniture patterns (storyweave.nlp.boilerplate) and the stages that apply them."""

from __future__ import annotations

import pytest

from storyweave.nlp.boilerplate import (
    PASSAGE,
    SENTENCE_ANYWHERE,
    SENTENCE_NOTICE,
    SENTENCE_START,
    SITE_PHRASES,
)
from storyweave.stages.brief.sentences import junk_reason


@pytest.mark.parametrize("line", ["Sign up for our newsletter today and never miss a story.",
                                  "© 2024 Example Media. All rights reserved.",
                                  "For more, click here to see the full list."])
def test_site_phrases_are_furniture_for_both_the_summary_and_the_duplicate_stage(line):
    assert PASSAGE.search(line) and SENTENCE_ANYWHERE.search(line)


def test_every_shared_phrase_is_in_both_patterns():
    for phrase in SITE_PHRASES:
        sample = phrase.replace("\\", "")
        assert PASSAGE.search(f"x {sample} y") and SENTENCE_ANYWHERE.search(f"x {sample} y"), phrase


# a furniture line built around each shared phrase, as scraped
SITE_PHRASE_LINES = {
    r"www\.": "www.dailyplanet.example",
    "©": "© 2026 Daily Planet",
    "all rights reserved": "Copyright 2026 Daily Planet. All rights reserved.",
    "click here": "Click here for more",
    "newsletter": "Sign up for our newsletter",
}


@pytest.mark.parametrize("phrase", SITE_PHRASES)
def test_clean_removes_a_line_built_around_each_shared_phrase(phrase):
    """The third granularity: clean's line rules anchor the shared phrases their own way, but
    still take the line each marks (a new shared phrase needs its line here)."""
    from storyweave.stages.clean.rules import rule_for

    line = SITE_PHRASE_LINES[phrase]
    assert rule_for(line) is not None
    assert PASSAGE.search(line) and SENTENCE_ANYWHERE.search(line)


def test_reporting_sentences_are_not_furniture():
    text = "The council approved the new budget on Tuesday after a long debate among its members."
    assert not any(p.search(text) for p in (PASSAGE, SENTENCE_START, SENTENCE_ANYWHERE, SENTENCE_NOTICE))


def test_the_summary_rejects_furniture_sentences_by_these_patterns():
    assert junk_reason("Subscribe to our daily newsletter for the latest updates on this story.") == "scrape furniture"
    assert junk_reason("In this file photo, the mayor speaks at a press event in the city hall.") is not None


def test_promos_and_glued_labels_are_timeline_furniture():
    from storyweave.stages.analysis import _is_furniture

    assert _is_furniture("Unlimited access to every story of the week, subscribe today.")
    assert _is_furniture("Read all our reporting for only $1 a month on any device.")
    assert _is_furniture("LIVE BLOG On Friday, the mayor said the bridge would reopen within a week.")
    assert not _is_furniture("On Friday, the mayor said the bridge would reopen within a week.")


def test_photo_captions_of_either_kind_are_recognised_once_for_every_stage():
    from storyweave.nlp.boilerplate import FILE_PHOTO_CAPTION, PHOTO_CAPTION, is_photo_caption

    file_photo = "FILE - In this Thursday, Jan. 17, 2013, file photo, the mayor speaks at city hall."
    handout = ("Two pilots fly a patrol aircraft during a search mission in this March 24, 2014 "
               "handout photo.")
    credited = "The minister arrives for the talks on Monday. (Agency Photo by A. Name)"
    assert FILE_PHOTO_CAPTION.search(file_photo)
    assert PHOTO_CAPTION.search(handout) and not FILE_PHOTO_CAPTION.search(handout)
    assert PHOTO_CAPTION.search(credited)
    assert all(is_photo_caption(s) for s in (file_photo, handout, credited))
    assert not is_photo_caption("The council will file its report on March 3, after the vote on the budget.")
    assert not is_photo_caption("In this case the court ruled on Tuesday that the photographs were evidence.")



def test_registration_notices_are_furniture_but_reporting_about_sign_ups_is_not():
    from storyweave.nlp.boilerplate import is_furniture

    assert is_furniture("By creating an account, you agree to our Terms of Use and Privacy Policy.")
    assert is_furniture("Please check your email and click the link we sent to activate your account.")
    assert not is_furniture("The company changed its privacy policy on Monday, regulators said.")
    assert not is_furniture("By signing up, residents agreed to share their water readings, the council said.")
