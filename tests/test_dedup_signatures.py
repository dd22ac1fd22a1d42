"""The vectorised passes behind the duplicate stage: byte-level tokens, units, features, pool."""

from __future__ import annotations

import numpy as np
import pytest
from test_dedup import HOST_MORE, HOST_OWN, NEAR, OTHER_REPORT, REWRITE, WIRE

from storyweave.config import Config, DedupConfig
from storyweave.dedup import _verbatim_sentences, find_duplicates
from storyweave.dedup.signatures import analyse, token_hashes, tokens
from storyweave.dedup.verify import build_docs, make_doc
from storyweave.model import Article, Corpus
from storyweave.text import split_sentences

TRICKY = (
    "Don’t stop — “We’re here,” he said. L’État-major met at the École in Zürich; 4,200 people,\n"
    "3.5 million francs and the U.S. envoy (aged 71) were there. x--y self-driving naïve São Paulo."
)


def test_byte_tokens_match_the_regex_word_notion() -> None:
    texts = [WIRE, NEAR, REWRITE, TRICKY, "", "one"]
    sig = analyse(texts)
    assert sig.n_words.tolist() == [len(tokens(t)) for t in texts]


def test_exact_key_ignores_case_spacing_and_punctuation_only() -> None:
    sig = analyse(["Flood forces 4,200 from homes.", "flood  FORCES 4 200 from homes", "Flood forces 4,201 from homes."])
    a, b, c = sig.exact_keys
    assert a == b and a != c


def test_token_hashes_are_the_corpus_hashes() -> None:
    # a one-word text's exact key is the digest of that word's hash, however the word is written
    one = analyse(["Geneva"]).exact_keys[0]
    assert one == analyse(["GENEVA!"]).exact_keys[0]
    h = token_hashes(["geneva", "geneva", "genève"])
    assert h[0] == h[1] != h[2] and h.dtype == np.uint64


def test_fingerprints_find_shared_text() -> None:
    sig = analyse([WIRE, NEAR, OTHER_REPORT])
    fp = sig.fingerprints
    sets = [set(fp.fp[fp.doc == d].tolist()) for d in range(3)]
    assert len(sets[0] & sets[1]) >= 0.7 * min(len(sets[0]), len(sets[1]))
    assert len(sets[0] & sets[2]) <= 1


def test_units_are_verbatim_slices_and_batches_agree() -> None:
    texts = [WIRE, TRICKY, HOST_OWN + "\n\n" + HOST_MORE]
    batch = build_docs(texts)
    for text, doc in zip(texts, batch, strict=True):
        single = make_doc(text)
        assert np.array_equal(doc.keys, single.keys) and np.array_equal(doc.mono.feat, single.mono.feat)
        assert np.array_equal(doc.cross.feat, single.cross.feat) and np.array_equal(doc.comparable, single.comparable)
        for i in range(doc.n_units):
            u = doc.unit_text(i)
            assert u and u == u.strip() and u in text
    wire_units = [batch[0].unit_text(i) for i in range(batch[0].n_units)]
    assert wire_units[1] == ("The canton's emergency office said 17 villages had lost power and that two bridges near "
                             "Sion were closed after water reached the deck.")


def test_quotation_units_are_not_compared() -> None:
    doc = make_doc('"We will never give up on this town or on the people who live here," the mayor told the crowd.\n'
                   "Rescue teams reached the village of Ardon overnight by boat.\n"
                   "Forecasters expect another 80 millimetres of rain before Thursday.\n"
                   "The army sent 300 soldiers to build sand barriers along the river.")
    assert doc.n_units == 4 and doc.comparable.tolist() == [1, 2, 3]


def test_wire_sentences_skip_the_splitter_only_when_it_would_not_cut() -> None:
    units = ["Rescue teams used boats to reach residents trapped in the village of Ardon overnight.",
             "Paddock lived in Mesquite, Tex., records show.", "He said no. then he left the room at once."]
    assert _verbatim_sentences(units, {}) == [s.text for u in units for s in split_sentences(u)]


def test_embedded_long_passage_is_wire_not_a_copy() -> None:
    # an op-ed quoting four of the six paragraphs of a statement: most of the statement is inside
    # the op-ed, but the op-ed is mostly its own text, so neither is a copy of the other
    quoted = "\n\n".join(WIRE.split("\n\n")[:4])
    oped = (OTHER_REPORT + "\n\n" + quoted + "\n\n" + HOST_OWN + "\n\n" + HOST_MORE + "\n\n"
            + OTHER_REPORT.replace("Keller", "Favre").replace("Sion", "Martigny"))

    def run(extra: dict) -> dict[str, Article]:
        arts = [Article("statement", WIRE, source="Canton"), Article("oped", oped, source="Daily Opinion")]
        return find_duplicates(Corpus(articles=arts), Config(dedup=DedupConfig(**extra))).by_id()

    by = run({})
    assert by["statement"].duplicate_of is None and by["oped"].duplicate_of is None
    assert by["oped"].shares_wire_with == ["statement"]
    # without the longer-text condition, shingle containment alone would call it a near copy
    assert run({"near_longer": 0.0})["statement"].duplicate_of == "oped"


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_process_pool_gives_the_same_result() -> None:
    arts = [("wire", WIRE), ("near", NEAR), ("rewrite", REWRITE), ("other", OTHER_REPORT),
            ("host", HOST_OWN + "\n\n" + "\n\n".join(WIRE.split("\n\n")[1:3]) + "\n\n" + HOST_MORE)]
    arts = arts * 1 + [(f"{i}-{k}", t.replace("Rhone", f"Rhone{k}")) for k in range(40) for i, t in arts]

    def run(extra: dict) -> list[tuple]:
        c = find_duplicates(Corpus(articles=[Article(i, t) for i, t in arts]), Config(dedup=DedupConfig(**extra)))
        return [(link.copy, link.original, link.kind, tuple(link.shared_sentences)) for link in c.duplicates]

    serial = run({"workers": 1})
    assert serial and run({"workers": 2, "parallel_min_articles": 0}) == serial
