from storyweave.analysis.entities import clean_surface, name_keys, translit_key


def _entity(event, form):
    return next(e for e in event.entities if form in e.aliases)


def test_translit_keys_join_spellings():
    assert len({translit_key(w) for w in ["Zelenskiy", "Zelensky", "Zelenskyy"]}) == 1
    assert len({translit_key(w) for w in ["Mykhaylo", "Mykhailo", "Mikhailo"]}) == 1
    assert translit_key("Podolyak") == translit_key("Podoliak")
    assert translit_key("Arakhamia") == translit_key("Arachamija")
    assert translit_key("Kyiv") == translit_key("Kiev")  # curated exonym pair
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
