"""Credit lines of bare text: publisher and credited organisations from structure only."""

from storyweave.io.readers.credits import infer_credits


def lines(text: str) -> list[str]:
    return [x.strip() for x in text.split("\n") if x.strip()]


def test_dateline_credit_names_the_publisher():
    source, credits, evidence = infer_credits(lines("KASTEL (Valnews) — The talks resumed on Monday.\nMore text."))
    assert source == "Valnews" and credits == ["Valnews"] and evidence == "KASTEL (Valnews)"


def test_the_evidence_is_the_credit_not_the_lead_paragraph():
    lead = "(Valnews) The talks between the two delegations resumed on Monday in the lakeside city, officials said."
    assert infer_credits(lines(lead + "\nMore text."))[2] == "(Valnews)"
    far = "KASTEL HARBOUR BASE, Estria, near the border with the north (Valnews) — The talks resumed on Monday."
    evidence = infer_credits(lines(far + "\nMore text."))[2]
    assert evidence.startswith("…") and evidence.endswith("(Valnews)") and len(evidence) <= 61


def test_lead_credit_and_wire_style_dateline():
    assert infer_credits(lines("(Valnews) The talks resumed on Monday.\nMore."))[0] == "Valnews"
    assert infer_credits(lines("KASTEL--(VALNEWS WIRE)--The company said on Monday.\nMore."))[0] == "VALNEWS WIRE"


def test_signature_at_the_end_credits_an_agency_not_a_person():
    body = "The talks resumed on Monday.\nBoth sides met for three hours.\n"
    assert infer_credits(lines(body + "— VNA"))[1] == ["VNA"]
    assert infer_credits(lines(body + "— Ana R. Lind")) == (None, [], None)


def test_header_and_copyright_name_the_publisher():
    assert infer_credits(lines("Valnews | Updated: 2026-03-03 17:52\nThe talks resumed."))[0] == "Valnews"
    text = "The talks resumed on Monday.\nCopyright 2026 The Daily Planet. All rights reserved."
    assert infer_credits(lines(text))[0] == "The Daily Planet"


def test_name_and_domain_header_uses_the_public_suffix_list():
    assert infer_credits(lines("Ana Lind, dailyplanet.example.com\nThe talks resumed on Monday."))[0] == (
        "dailyplanet.example.com"
    )
    assert infer_credits(lines("Ana Lind, Mr.Smith\nThe talks resumed on Monday."))[0] is None


def test_no_credit_and_labels_are_not_credits():
    assert infer_credits(lines("The talks resumed on Monday.\nBoth sides met.")) == (None, [], None)
    assert infer_credits(lines("(VIDEO) The talks resumed on Monday.\nMore.")) == (None, [], None)
    assert infer_credits(lines("-" * 200 + "\nThe talks resumed.\n" + "-" * 200)) == (None, [], None)
