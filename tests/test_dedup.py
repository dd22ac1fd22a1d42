"""Duplicate stage on small hand-written reports: kinds, wire passages, hard negatives, provenance."""

from __future__ import annotations

from storyweave.config import Config
from storyweave.dedup import count_independent, find_duplicates, independent_groups, publisher_family
from storyweave.model import Article, Corpus

# A fictional wire report and reworked versions of it.
WIRE = """GENEVA (Wire) - Flooding along the Rhone valley has forced 4,200 people from their homes, regional officials said on Tuesday, as rain continued for a third day.

The canton's emergency office said 17 villages had lost power and that two bridges near Sion were closed after water reached the deck.

Rescue teams used boats to reach residents trapped in the village of Ardon overnight, and one man aged 71 was taken to hospital with hypothermia.

Forecasters expect another 80 millimetres of rain before Thursday, and the army has sent 300 soldiers to help build sand barriers along the river.

Regional president Marta Keller said the damage would cost at least 90 million francs and asked the federal government for emergency aid.

Insurers said claims were already arriving from shops and farms in the lower valley, where fields of apricot trees stood under water."""

NEAR = """Advertisement

GENEVA (Wire) - Flooding along the Rhone valley has forced 4,200 people from their homes, regional officials said on Tuesday, as rain continued for a third day.

The canton's emergency office said 17 villages had lost power and that two bridges near Sion were closed after water reached the deck.

Share this article on Facebook Twitter Email

Rescue teams used boats to reach residents trapped in the village of Ardon overnight, and one man aged 71 was taken to hospital with hypothermia.

Forecasters expect another 80 millimetres of rain before Thursday, and the army has sent 300 soldiers to help build sand barriers along the river.

Regional president Marta Keller said the damage would cost at least 90 milion francs and asked the federal government for emergency aid."""

REWRITE = """Floods in the Rhone valley have driven 4,200 people out of their homes, officials in the region said Tuesday, with rain falling for the third straight day.

According to the emergency office of the canton, 17 villages were left without electricity, and two bridges close to Sion were shut when the water rose to the deck.

Overnight, rescuers in boats reached residents who were stuck in Ardon village; a 71-year-old man was brought to hospital suffering from hypothermia.

A further 80 millimetres of rain is forecast before Thursday, and 300 army soldiers were sent to help build barriers of sand along the river.

Marta Keller, the regional president, said damage would cost no less than 90 million francs and she requested emergency aid from the federal government.

Shops and farms in the lower valley have already started sending claims to insurers, where apricot tree fields stood under water."""

# Same event, a different reporter: shares names and numbers, not the report.
OTHER_REPORT = """SION, Switzerland - Marta Keller stood on the muddy bank of the Rhone on Tuesday and counted the roofs she could still see above the water.

"We have never had to move 4,200 people in one night," the regional president told reporters, her boots soaked through.

In Ardon, baker Luc Favre said the water came into his shop in less than ten minutes. "I lost everything in the cellar," he said.

Local farmers fear the apricot harvest is ruined. The Swiss army unit that arrived at dawn had already filled thousands of sandbags by noon.

Keller put the bill at 90 million francs, a figure the federal finance ministry said it would review next week.

Many families who left Sion's lower districts spent the night in a school gym, where volunteers served soup and handed out blankets."""

HOST_OWN = """LAUSANNE - Lake Geneva rose by 40 centimetres on Tuesday, and the harbour master in Lausanne closed the port to all boats until further notice.

Sailing clubs moved dozens of yachts out of the water, and the city opened an emergency shelter in the Beaulieu hall for residents of flooded streets near Ouchy.

"The lake is always slow to rise and slow to fall," said harbour master Pierre Roux, who expects the level to keep climbing into the weekend."""

HOST_MORE = """City engineers were checking the Ouchy promenade wall, which was repaired after the floods of 2007 and has never been tested at this level.

Train services between Lausanne and Montreux ran with delays because of a landslide near Cully, the railway operator said."""


BBC_SECOND = """Insurance companies in western Switzerland say the cost of this week's storms is still impossible to estimate.

One broker in Martigny told the BBC that farmers had called him all morning about flooded orchards and cellars."""


def _wire_block() -> str:
    paras = WIRE.split("\n\n")
    return "\n\n".join(paras[1:3])


def run(*articles: Article) -> Corpus:
    return find_duplicates(Corpus(articles=list(articles)), Config())


def test_exact_near_rewrite_are_copies_of_the_earliest() -> None:
    c = run(
        Article("wire", WIRE, source="Wire", published="2024-03-05T08:00:00"),
        Article("exact", WIRE, source="bbc.co.uk", published="2024-03-05T09:00:00"),
        Article("near", NEAR, source="Daily Echo", published="2024-03-05T10:00:00"),
        Article("rewrite", REWRITE, source="Valley Times", published="2024-03-06"),
        Article("other", OTHER_REPORT, source="Swiss Daily", published="2024-03-05"),
    )
    by = c.by_id()
    assert by["wire"].duplicate_of is None
    assert (by["exact"].duplicate_of, by["exact"].duplicate_kind) == ("wire", "exact")
    assert (by["near"].duplicate_of, by["near"].duplicate_kind) == ("wire", "near")
    assert (by["rewrite"].duplicate_of, by["rewrite"].duplicate_kind) == ("wire", "rewrite")
    # the hard negative: another report of the same event is not a copy of anything
    assert by["other"].duplicate_of is None and by["other"].shares_wire_with == []
    links = {(link.copy, link.original): link for link in c.duplicates}
    assert set(links) == {("exact", "wire"), ("near", "wire"), ("rewrite", "wire")}
    assert all(link.original_known for link in links.values())


def test_hard_negative_same_event_not_linked() -> None:
    c = run(Article("a", WIRE), Article("b", OTHER_REPORT))
    assert c.duplicates == []
    assert all(a.duplicate_of is None and not a.shares_wire_with for a in c.articles)


def test_wire_passage_is_recorded_on_both_articles() -> None:
    host = HOST_OWN + "\n\n" + _wire_block() + "\n\n" + HOST_MORE
    c = run(Article("wire", WIRE, published="2024-03-05T08:00"), Article("host", host, published="2024-03-05T12:00"))
    by = c.by_id()
    assert by["host"].duplicate_of is None and by["wire"].duplicate_of is None
    assert by["host"].shares_wire_with == ["wire"] and by["wire"].shares_wire_with == ["host"]
    (link,) = c.duplicates
    assert (link.kind, link.copy, link.original, link.original_known) == ("wire", "host", "wire", True)
    assert len(link.shared_sentences) >= 2
    assert all(s in host and s in WIRE for s in link.shared_sentences)
    assert any("17 villages had lost power" in s for s in link.shared_sentences)


def test_without_dates_original_is_most_complete_and_unknown() -> None:
    trimmed = "\n\n".join(WIRE.split("\n\n")[:4])
    c = run(Article("short", trimmed), Article("full", WIRE))
    by = c.by_id()
    assert by["short"].duplicate_of == "full" and by["short"].duplicate_kind == "near"
    (link,) = c.duplicates
    assert link.original == "full" and link.original_known is False


def test_date_decides_direction_over_length() -> None:
    trimmed = "\n\n".join(WIRE.split("\n\n")[:4])
    c = run(Article("short", trimmed, published="2024-03-04"), Article("full", WIRE, published="2024-03-05"))
    assert c.by_id()["full"].duplicate_of == "short"
    assert c.duplicates[0].original_known is True


def test_stored_original_stays_original_when_undated() -> None:
    stored = Article("stored", "\n\n".join(WIRE.split("\n\n")[:5]), is_new=False)
    c = run(stored, Article("new", WIRE))
    assert c.by_id()["new"].duplicate_of == "stored"


def test_deterministic_under_reordering() -> None:
    arts = [("wire", WIRE), ("near", NEAR), ("rewrite", REWRITE), ("other", OTHER_REPORT)]
    a = run(*[Article(i, t) for i, t in arts])
    b = run(*[Article(i, t) for i, t in reversed(arts)])
    assert {x.id: x.duplicate_of for x in a.articles} == {x.id: x.duplicate_of for x in b.articles}
    assert [(link.copy, link.original, link.kind) for link in a.duplicates] == [(link.copy, link.original, link.kind) for link in b.duplicates]


def test_translation_links_across_languages() -> None:
    pt = """GENEBRA (Wire) - As inundações no vale do Rhone obrigaram 4.200 pessoas a deixar as suas casas, disseram autoridades regionais na terça-feira, enquanto a chuva continuava pelo terceiro dia.

O gabinete de emergência do cantão disse que 17 aldeias ficaram sem energia e que duas pontes perto de Sion foram fechadas.

Equipes de resgate usaram barcos para chegar a moradores presos na aldeia de Ardon durante a noite, e um homem de 71 anos foi levado ao hospital.

Os meteorologistas esperam mais 80 milímetros de chuva antes de quinta-feira, e o exército enviou 300 soldados.

A presidente regional Marta Keller disse que os danos custariam pelo menos 90 milhões de francos."""
    c = run(Article("en", WIRE, language="en", published="2024-03-05"), Article("pt", pt, language="pt", published="2024-03-06"),
            Article("other", OTHER_REPORT, language="en"))
    by = c.by_id()
    assert (by["pt"].duplicate_of, by["pt"].duplicate_kind) == ("en", "translation")
    assert by["other"].duplicate_of is None


def test_publisher_families() -> None:
    keys = {publisher_family(s) for s in ["bbc.co.uk", "www.bbc.com", "BBC News", "BBC", "https://www.bbc.co.uk/news/x"]}
    assert keys == {"bbc"}
    assert publisher_family("edition.cnn.com") == publisher_family("CNN") == "cnn"
    assert publisher_family("money.cnn.com") == "cnn"
    assert publisher_family("foxnews.com") == publisher_family("Fox News")
    assert publisher_family("cnn.com") != publisher_family("bbc.com")
    assert publisher_family(None, url="https://www.theguardian.com/world/x") == publisher_family("The Guardian")
    assert publisher_family(None) is None


def test_public_suffixes_come_from_the_bundled_list() -> None:
    # multi-label public suffixes no hand rule knew: the label before them is the outlet
    assert publisher_family("news.example.com.au") == publisher_family("www.example.co.jp") == "example"
    assert publisher_family("https://sub.example.gov.uk/a") == "example"
    assert publisher_family("example.blogspot.com") != publisher_family("other.blogspot.com")


def test_count_independent() -> None:
    host = HOST_OWN + "\n\n" + _wire_block() + "\n\n" + HOST_MORE
    c = run(
        Article("wire", WIRE, source="Wire", published="2024-03-05T08:00"),
        Article("exact", WIRE, source="Daily Echo", published="2024-03-05T09:00"),
        Article("rewrite", REWRITE, source="Valley Times", published="2024-03-06"),
        Article("other", OTHER_REPORT, source="bbc.co.uk", published="2024-03-05"),
        Article("other2", BBC_SECOND, source="BBC News", published="2024-03-05"),
        Article("host", host, source="Lake Post", published="2024-03-05T12:00"),
    )
    assert count_independent(["wire", "exact", "rewrite"], c) == 1  # copies collapse onto the original
    assert count_independent(["exact", "rewrite"], c) == 1  # ... even when the original is not listed
    assert count_independent(["other", "other2"], c) == 1  # one publisher family
    assert count_independent(["wire", "other", "host"], c) == 3  # wire sharing keeps own reporting
    assert count_independent(["wire", "other", "host"], c, wire_as_one=True) == 2
    assert count_independent([], c) == 0
    assert sorted(map(sorted, independent_groups(["wire", "exact", "other"], c))) == [["exact", "wire"], ["other"]]


# A fictional press conference: the same long quotations, reported by two outlets.
_Q1 = "We have never seen the river rise this fast in the forty years I have worked here"
_Q2 = "Every family that left the lower districts will be housed until the water goes down"
_Q3 = "The dams held through the night, but we cannot promise that they will hold again"
_AGENCY_NARRATIVE = [
    "The regional crisis unit said on Wednesday that 2,300 residents of the lower valley had spent a second night in emergency shelters.",
    "Engineers inspected the three dams above Martigny at dawn and found seepage at the oldest one, built in 1958.",
]


def _outlet(intro: str, quotes: list[str], narrative: list[str], outro: str) -> str:
    body = [f'"{q}," said crisis unit chief Anna Weber.' for q in quotes]
    return "\n\n".join([intro, narrative[0], *body, *narrative[1:], outro])


def test_shared_quotations_plus_narrative_are_wire_copy_even_lightly_edited() -> None:
    # two outlets carry one agency report, trimmed and lightly edited, each with its own framing
    a = _outlet("MARTIGNY - Residents of the Rhone valley woke to sirens again on Wednesday as the river kept rising after a week of storms across the south of the country.",
                [_Q1, _Q2, _Q3], _AGENCY_NARRATIVE,
                "Our reporter in Sion saw farmers moving cattle to higher pastures and shopkeepers stacking sandbags against their doors late into the evening.")
    edited = [_AGENCY_NARRATIVE[0].replace("on Wednesday", "Wednesday"), _AGENCY_NARRATIVE[1].replace("at dawn", "early")]
    b = _outlet("The mayor of Sion cancelled the town's spring market for the first time in its history, citing the danger from the swollen river and its tributaries.",
                [_Q1.replace("this fast", "so fast"), _Q3], edited,
                "Schools in four villages will stay closed until Friday, the cantonal education office announced in a short statement on its website.")
    c = run(Article("a", a, source="valleypost.ch"), Article("b", b, source="alpinenews.ch"))
    by = c.by_id()
    assert by["a"].shares_wire_with == ["b"] and by["b"].shares_wire_with == ["a"]
    (link,) = c.duplicates
    assert link.kind == "wire" and len(link.shared_sentences) >= 3  # the briefing lists them
    assert any("seepage" in s for s in link.shared_sentences)


def test_same_press_conference_quoted_independently_is_not_wire_copy() -> None:
    a = _outlet("MARTIGNY - Residents of the Rhone valley woke to sirens again on Wednesday as the river kept rising after a week of storms across the south of the country.",
                [_Q1, _Q2, _Q3], ["Our correspondent counted dozens of cars abandoned on the flooded road between Martigny and Saxon before noon."],
                "Farmers moved cattle to higher pastures and shopkeepers stacked sandbags against their doors late into the evening.")
    b = _outlet("The mayor of Sion cancelled the town's spring market for the first time in its history, citing the danger from the swollen river and its tributaries.",
                [_Q1, _Q2, _Q3], ["Speaking in a packed gymnasium that has served as a shelter since Monday, she thanked volunteers from across the canton."],
                "Schools in four villages will stay closed until Friday, the cantonal education office announced in a short statement on its website.")
    c = run(Article("a", a, source="valleypost.ch"), Article("b", b, source="alpinenews.ch"))
    assert all(not x.shares_wire_with and x.duplicate_of is None for x in c.articles)


def test_one_agency_report_carried_twice_counts_once() -> None:
    own_a = ("MARTIGNY - Residents of the Rhone valley woke to sirens again on Wednesday as the river kept rising "
             "after a week of storms across the south of the country.")
    own_b = ("The mayor of Sion cancelled the town's spring market for the first time in its history, citing the danger "
             "from the swollen river and its tributaries.")
    a = _outlet(own_a, [_Q1, _Q2, _Q3], _AGENCY_NARRATIVE, "More rain is due on Thursday, forecasters said.")
    b = _outlet(own_b, [_Q1.replace("this fast", "so fast"), _Q3],
                [_AGENCY_NARRATIVE[0].replace("on Wednesday", "Wednesday"), _AGENCY_NARRATIVE[1]],
                "Schools in four villages will stay closed until Friday, the cantonal education office announced.")
    c = run(Article("a", a, source="valleypost.ch"), Article("b", b, source="alpinenews.ch"),
            Article("other", OTHER_REPORT, source="lakeside.ch"))
    by = c.by_id()
    links = [(link.kind, link.score) for link in c.duplicates]
    assert by["a"].duplicate_of is None and by["b"].duplicate_of is None, links
    (link,) = c.duplicates
    assert link.kind == "wire" and link.score >= 0.5  # most of the shorter report is the agency copy
    assert count_independent(["a", "b", "other"], c) == 2
    assert count_independent(["a", "other"], c) == 2
