import pytest

from storyweave.stages.analysis.entities import (
    EntityIndex,
    clean_surface,
    mentions_of,
    name_keys,
    place_of,
    translit_key,
)
from storyweave.stages.analysis.parsed import Ent, ParsedText


def _entity(event, form):
    return next(e for e in event.entities if form in e.aliases)


def test_translit_keys_join_spellings():
    assert len({translit_key(w) for w in ["Zelenskiy", "Zelensky", "Zelenskyy"]}) == 1
    assert len({translit_key(w) for w in ["Mykhaylo", "Mykhailo", "Mikhailo"]}) == 1
    assert translit_key("Podolyak") == translit_key("Podoliak")
    assert translit_key("Arakhamia") == translit_key("Arachamija")
    assert translit_key("Medinsky") != translit_key("Podolyak")


def test_clean_surface_strips_titles_and_possessives():
    assert clean_surface("President Zelenskiy's") == ("Zelenskiy", ["President"])
    assert clean_surface("the Kremlin") == ("Kremlin", [])
    assert name_keys("Olexandr Marchenko") == name_keys("Oleksandr Marchenko")


def test_spellings_merge_into_one_entity(small_event):
    podolyak = _entity(small_event, "Mykhailo Podolyak")
    assert {"Mykhaylo Podoliak", "Podolyak", "Podoliak"} <= set(podolyak.aliases)
    assert podolyak.type == "PERSON"
    assert set(podolyak.article_ids) == {"wire", "paper", "reprint"}  # the exact copy is credited
    zelensky = _entity(small_event, "Volodymyr Zelenskiy")
    assert {"Zelensky", "Zelenskyy"} <= set(zelensky.aliases)
    kyiv = _entity(small_event, "Kyiv")
    assert "Kiev" in kyiv.aliases and kyiv.type == "GPE"


def test_surname_alone_links_to_full_name(small_event):
    arakhamia = _entity(small_event, "David Arachamija")
    assert "Arakhamia" in arakhamia.aliases
    medinsky = _entity(small_event, "Medinsky")
    assert medinsky.name == "Vladimir Medinsky"
    assert medinsky.role == "Russian delegation head"


def test_different_people_stay_apart(small_event):
    names = [e.name for e in small_event.entities if e.type == "PERSON"]
    assert len(names) == len(set(names))
    assert _entity(small_event, "Medinsky") is not _entity(small_event, "Podolyak")
    assert _entity(small_event, "Russia") is not _entity(small_event, "Russian")


def test_gold_alias_groups(example_corpus, gold):
    groups: dict[str, set[str]] = {}
    for ev in example_corpus.events:
        for e in ev.entities:
            groups.setdefault(e.name, set()).update([e.name, *e.aliases])
    for g in gold["entities"]:
        owners = {name for name, forms in groups.items() if set(g["aliases"]) & forms}
        assert len(owners) == 1, f"{g['canonical']} split over {owners}"
        assert set(g["aliases"]) <= groups[owners.pop()], g["canonical"]
    canonicals = {g["canonical"] for g in gold["entities"]}
    for name, forms in groups.items():  # no two gold entities merged
        assert len({g["canonical"] for g in gold["entities"] if set(g["aliases"]) & forms}) <= 1, name
    assert canonicals


@pytest.mark.parametrize("a,b", [("Kiev", "Kyiv"), ("Lugansk", "Luhansk"), ("Odessa", "Odesa"), ("Nikolaev", "Mykolaiv"),
                                 ("Kharkov", "Kharkiv")])
def test_gazetteer_joins_exonyms_whatever_ner_called_them(a, b):
    place = place_of(b, "GPE", [])
    assert place is not None
    assert place_of(a, "GPE", []) == place_of(a, "ORG", []) == place_of(a, "PERSON", []) == place


def test_spelling_keys_alone_do_not_join_exonyms():
    assert translit_key("Kiev") != translit_key("Kyiv")  # the gazetteer joins them, not a key rule
    assert translit_key("Nikolaev") != translit_key("Mykolaiv")


def test_gazetteer_skips_codes_titled_people_and_non_places():
    assert place_of("IEV", "GPE", []) is None  # an airport code among GeoNames' alternate names
    assert place_of("Jordan", "PERSON", ["President"]) is None
    assert place_of("Michael Jordan", "PERSON", []) is None
    assert place_of("Reuters", "ORG", []) is None


def _parsed(text, spans):
    ents = [Ent(text[s:e], label, s, e) for s, e, label in
            ((text.index(form), text.index(form) + len(form), label) for form, label in spans)]
    return ParsedText(text, ents, [])


def test_places_merge_and_are_typed_as_places_and_credits_are_not_entities():
    a = _parsed("Shelling hit Kiev and Odessa overnight. Getty Images\nRescuers in Kyiv. Steve Parsons/PA",
                [("Kiev", "ORG"), ("Odessa", "PERSON"), ("Getty Images", "ORG"), ("Kyiv", "GPE"),
                 ("Steve Parsons", "PERSON")])
    b = _parsed("Officials in Odesa said the port was hit. REUTERS/Jane Doe", [("Odesa", "GPE"), ("REUTERS/Jane Doe", "ORG")])
    mentions = mentions_of(a, "a", ("a",)) + mentions_of(b, "b", ("b",))
    entities = EntityIndex(mentions).entities()
    by_alias = {alias: e for e in entities for alias in e.aliases}
    assert set(by_alias) == {"Kiev", "Kyiv", "Odessa", "Odesa"}
    assert by_alias["Kiev"] is by_alias["Kyiv"] and by_alias["Odessa"] is by_alias["Odesa"]
    assert {e.type for e in entities} == {"GPE"}
    assert by_alias["Odesa"].article_ids == ["a", "b"]


def test_interface_lines_are_not_entities():
    doc = _parsed("Talks resumed in Geneva on Monday.\nFacebook Twitter Email\nThe delegations met for three hours.",
                  [("Geneva", "GPE"), ("Facebook", "ORG")])
    assert [m.surface for m in mentions_of(doc, "a", ("a",))] == ["Geneva"]
