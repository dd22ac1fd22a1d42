import pytest

from storyweave.analysis.numbers import (
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
