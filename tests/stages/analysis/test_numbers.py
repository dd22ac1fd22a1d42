import pytest

from storyweave.stages.analysis.numbers import (
    Figure,
    extract_quantities,
    figure_context,
    find_discrepancies,
    parse_number,
)


@pytest.mark.parametrize("num,scale,value", [("1.7", "million", 1_700_000), ("1,500", None, 1500),
                                             ("two", "dozen", 24), ("twenty-five", None, 25), ("half a", "million", 500_000)])
def test_parse_number(num, scale, value):
    assert parse_number(num, scale) == value


def test_quantities_with_counted_noun():
    qs = extract_quantities("About 1.7 million Ukrainian refugees have fled, and two dozen aircraft and $2 billion in aid were sent.")
    assert [(q.text, q.value, q.lemma, q.unit) for q in qs] == [
        ("1.7 million", 1_700_000, "refugee", None), ("two dozen", 24, "aircraft", None), ("$2 billion", 2e9, "aid", "USD")]


def test_subject_before_the_figure():
    (q,) = extract_quantities("The number of refugees reached 1.5 million, the agency said.")
    assert q.lemma == "refugee" and q.value == 1_500_000


def test_dates_years_ages_times_and_model_numbers_are_not_quantities():
    text = "On March 3, 2022, a 45-year-old man aged 45 boarded a Boeing 747 at 10:30 in 2021."
    assert extract_quantities(text) == []


def _figures(items):
    out = []
    for article_id, sentence, date in items:
        for q in extract_quantities(sentence):
            out.append(Figure(q, sentence, article_id, (article_id,), date, None, figure_context(sentence, q)))
    return out


def test_discrepancy_between_outlets():
    figs = _figures([
        ("a", "About 1.7 million people have fled Ukraine since the invasion began, the UN said.", "2022-03-01"),
        ("b", "Around 1.5 million people have fled Ukraine, according to the UNHCR.", "2022-03-01"),
        ("c", "Some 1.7 million people fled Ukraine in the first week.", "2022-03-01"),
    ])
    (d,) = find_discrepancies(figs)
    assert [v.value for v in d.values] == ["1.5 million", "1.7 million"]
    assert d.values[1].article_ids == ["a", "c"]
    assert d.values[0].text.startswith("Around 1.5 million")
    assert "different dates" not in (d.note or "")


def test_different_dates_get_a_note():
    figs = _figures([("a", "At least 60 people were killed in the attack in Nice.", "2016-07-14"),
                     ("b", "At least 84 people were killed in the attack in Nice.", "2016-07-15")])
    (d,) = find_discrepancies(figs)
    assert "different dates" in d.note


def test_no_false_discrepancy_for_different_things():
    figs = _figures([
        ("a", "Police said 300 people were detained in Moscow.", "2022-03-01"),
        ("b", "The hospital treated 40 people for injuries.", "2022-03-01"),  # different thing, far values
        ("c", "Some 350 people marched in Berlin against the war.", "2022-03-01"),  # other place, other act
        ("d", "Unemployment rose to 5 percent, while 6 percent of firms closed.", "2022-03-01"),
    ])
    assert find_discrepancies(figs) == []


def test_gold_discrepancies(example_corpus, gold):
    found = [{v.value for v in d.values} for ev in example_corpus.events for d in ev.discrepancies]
    for gd in gold["discrepancies"]:
        assert any(set(gd["values"]) <= values for values in found), gd["subject"]
    assert len(found) <= 2 * len(gold["discrepancies"])  # precision: few reports beyond gold


def test_abbreviated_scales_and_numbered_names():
    qs = extract_quantities("The EU pledged $1.5bn and €300m, while 1.7m people fled past No. 10 and a 5m wall.")
    assert [(q.text, q.value, q.unit) for q in qs] == [
        ("$1.5bn", 1.5e9, "USD"), ("€300m", 3e8, "EUR"), ("1.7m", 1.7e6, None)]


def test_same_quantity_counted_with_other_nouns_and_verbs():
    # the case: one counts 'Ukrainians' who 'have fled', the other 'people' who 'flee'
    figs = _figures([
        ("a", "More than 1.7 million Ukrainians have fled the country since the invasion.", None),
        ("b", "More than 1.5 million people flee the war, aid agencies say.", None),
    ])
    (d,) = find_discrepancies(figs)
    assert [v.value for v in d.values] == ["1.5 million", "1.7 million"]
    assert [v.article_ids for v in d.values] == [["b"], ["a"]]
    assert "fled" in d.subject or "flee" in d.subject


def test_killed_and_dead_are_one_quantity_but_injured_is_another():
    figs = _figures([("a", "The attack left more than 70 people dead, officials said.", None),
                     ("b", "At least 84 people were killed by the driver.", None),
                     ("c", "Some 100 people were injured in the crash.", None)])
    (d,) = find_discrepancies(figs)
    assert {v.value for v in d.values} == {"70", "84"}


def test_parts_rates_and_past_figures_are_not_compared():
    figs = _figures([
        ("a", "The crash killed 12 people, including 10 tourists, officials said.", None),
        ("b", "The crash killed 10 tourists and two pilots.", None),  # a part of the total
        ("c", "Its offer of $82 a share was rejected.", None),
        ("d", "The first offer of $70 a share came in November.", None),  # prices per share
        ("e", "Eight months ago militants killed 130 people in another city.", None),  # another happening
    ])
    assert find_discrepancies(figs) == []


def test_bounds_within_rounding_agree_but_different_bounds_disagree():
    agree = _figures([("a", "More than 270 girls were kidnapped from the school.", None),
                      ("b", "In all 276 girls were kidnapped from the school.", None)])
    assert find_discrepancies(agree) == []
    differ = _figures([("a", "More than 270 girls were kidnapped from the school.", None),
                       ("b", "More than 200 girls were kidnapped from the school.", None)])
    assert len(find_discrepancies(differ)) == 1


def test_currencies_come_from_iso_4217_names_and_signs():
    units = {q.text: q.unit for q in extract_quantities(
        "They paid 500 Swiss francs, 300 rupees, ₴200, ₹900, 40 hryvnias and 12 euros.")}
    assert units["300"] == "INR" and units["₴200"] == "UAH" and units["₹900"] == "INR"
    assert units["40"] == "UAH" and units["12"] == "EUR"
    assert units["500"] == "franc"  # a word several currencies share stays a unit of its own


def test_a_rate_may_name_its_unit():
    figs = _figures([
        ("c", "The new offer of $82 a Harbor Corp share was rejected.", None),
        ("d", "Shares were trading at $119 on Monday.", None),
    ])
    assert find_discrepancies(figs) == []


def test_a_disagreeing_pair_is_compared_even_when_first_fit_grouping_splits_it():
    # "40 injured" groups first with the caption figure "40" (no noun), which "50 people" does not
    # match: the two reports' counts are still compared
    figs = _figures([
        ("a", "A tram overturned, trapping five people and injuring another 40 Photo 2/8.", None),
        ("a", "Officials said 40 people were injured in the crash.", None),
        ("b", "Police said more than 50 people were injured in the crash.", None),
    ])
    found = find_discrepancies(figs)
    assert any({v.value for v in d.values} >= {"40", "more than 50"} or {v.value for v in d.values} >= {"40", "50"}
               for d in found), found


def test_a_report_that_explains_the_difference_is_not_contradicted():
    # one sentence of a report states both values, or a value and the part that separates them
    both = _figures([("a", "A small plane crashed on Sunday and 12 people were killed.", None),
                     ("a", "Officials said 10 of the 12 victims were tourists.", None),
                     ("b", "Relatives are mourning 10 tourists killed in the plane crash.", None)])
    assert find_discrepancies(both) == []
    part = _figures([("a", "The attacks left 20 people dead, including the three gunmen, police said.", None),
                     ("b", "Gunmen killed 17 people in the attacks, police said.", None)])
    assert find_discrepancies(part) == []
    # an increment makes a new total: the old total is still a different figure for the thing
    update = _figures([("a", "The breach exposed the data of 120 million people, the firm said.", None),
                       ("b", "An additional 25 million people were affected by the breach, bringing the total "
                             "to 145 million people, the firm said.", None)])
    assert any({v.value for v in d.values} == {"120 million", "145 million"} for d in find_discrepancies(update))


def test_figures_of_different_named_places_are_different_quantities():
    # one hospital's admissions and another's; the run of capitalised words names the hospital
    hospitals = _figures([("a", "Riverside General Hospital said 20 people were brought in for treatment.", None),
                          ("b", "Lakeview Hospital's director said 31 people were brought in by ambulance.", None)])
    assert find_discrepancies(hospitals) == []
    one = _figures([("a", "Lakeview Hospital said 20 people were brought in for treatment.", None),
                    ("b", "Lakeview Hospital's director said 31 people were brought in by ambulance.", None)])
    assert len(find_discrepancies(one)) == 1
    # the place of the figure's own clause: a city and the whole country
    places = _figures([("a", "In all, 104 people were killed on Monday in Eastport, the group said.", None),
                       ("b", "As many as 125 people died across Northland on Monday, many of them in Eastport, "
                             "the group said.", None)])
    assert find_discrepancies(places) == []
    # an all-capital title is a name too
    films = _figures([("a", "Today BLAZE 3 will reach $1 billion in worldwide box office grosses.", None),
                      ("b", "The studio's “Ocean Run” reached $1.04 billion after its re-release.", None)])
    assert find_discrepancies(films) == []
