"""date_patterns.py: the one home of month/weekday names and dateline patterns."""

from __future__ import annotations

import re

from storyweave.nlp.date_patterns import MONTH, MONTH_NUMBER, MONTH_WORD, WEEKDAY_WORD, is_dateline


def test_month_words_and_numbers():
    assert len(MONTH_NUMBER) == 24 and set(MONTH_NUMBER.values()) == set(range(1, 13))
    assert (MONTH_NUMBER["sept"], MONTH_NUMBER["sep"], MONTH_NUMBER["may"], MONTH_NUMBER["dec"]) == (9, 9, 5, 12)
    for word in MONTH_NUMBER:
        assert re.fullmatch(MONTH_WORD, word.upper(), re.IGNORECASE), word
    assert re.search(rf"\b{MONTH_WORD}\b", "Sept 3", re.IGNORECASE).group() == "Sept"  # not "Sep" + "t"
    assert not re.fullmatch(MONTH_WORD, "mayor", re.IGNORECASE)
    assert re.fullmatch(WEEKDAY_WORD, "Thursday", re.IGNORECASE) and not re.fullmatch(WEEKDAY_WORD, "Thurs", re.IGNORECASE)


def test_dateline_month_forms():
    for form in ("March", "Mar.", "Sept.", "Sep", "September", "June", "Jun."):
        assert re.fullmatch(MONTH, form), form
    assert not re.fullmatch(MONTH, "march")  # a dateline capitalises its month


def test_is_dateline():
    assert is_dateline("VALMORA, March 3, 2026 (Reuters) — The council met.")
    assert is_dateline("LONDON (Reuters) - Prices rose.")
    assert not is_dateline("The council met on March 3, 2026 - and voted.")
    assert not is_dateline("March 3, 2026")


def test_ap_abbreviations_are_short_forms_of_the_months_ap_shortens():
    import re

    from storyweave.nlp.date_patterns import MONTH_AP_ABBREVIATION, MONTH_AP_SHORT, MONTH_NUMBER, MONTH_SHORT

    assert set(MONTH_AP_SHORT) <= set(MONTH_SHORT)
    assert sorted(MONTH_NUMBER[m] for m in MONTH_AP_SHORT) == [1, 2, 8, 9, 10, 11, 12]
    assert all(re.fullmatch(MONTH_AP_ABBREVIATION, w, re.IGNORECASE) for w in ("Sept.", "Jan.", "dec."))
    assert not any(re.fullmatch(MONTH_AP_ABBREVIATION, w, re.IGNORECASE) for w in ("Mar.", "Sept", "June."))
