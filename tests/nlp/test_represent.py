"""Representations: shipped static model, entity/number/date signals, similarity helpers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date

import numpy as np
import pytest

from storyweave.model import Article
from storyweave.nlp import represent


def test_shipped_static_model_loads_offline_and_ranks_paraphrases_first():
    if represent.static_model() is None:
        pytest.skip("models/minilm-static-256 not built (scripts/build_static_model.py)")
    vectors = represent.embed([
        "Dockworkers strike at the port, halting ships",
        "Port workers walk out and ships stop loading",
        "The central bank raised interest rates by half a point",
    ])
    assert vectors.shape == (3, 256)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2]
    notice = (represent.MODEL_DIR / "NOTICE").read_text()
    assert "all-MiniLM-L6-v2" in notice and "Apache" in notice
    assert sum(p.stat().st_size for p in represent.MODEL_DIR.iterdir()) < 17_000_000


def test_embed_falls_back_to_lsa_without_the_model(monkeypatch):
    monkeypatch.setattr(represent, "static_model", lambda: None)
    vectors = represent.embed(["strike at the port", "port strike continues", "rates rise at the bank"])
    assert vectors.shape[0] == 3
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_number_set_normalises_and_skips_small_numbers_and_years():
    numbers = represent.number_set("In 2024, 1,200 people fled; 1.7 million in total, up 56 percent; 3 died.")
    assert numbers == {"1200", "1.7 million", "56 percent"}


def test_entity_set_finds_names_not_sentence_openers():
    names = represent.entity_set("The talks in Genova were led by Hanna Lind. On Monday, Velland agreed.")
    assert {"genova", "hanna lind", "velland"} <= names
    assert not names & {"the", "on monday", "monday"}


def test_text_dates_and_article_day():
    assert represent.text_dates("LINDGARD, March 7, 2026 — and on 9 March 2026 and 2026-03-10") == [
        date(2026, 3, 7), date(2026, 3, 9), date(2026, 3, 10)]
    undated = Article(id="t", text="LINDGARD, March 7, 2026 — The river rose four metres overnight.")
    assert represent.article_day(undated) == date(2026, 3, 7)
    assert represent.article_day(Article(id="p", text="x", published="2026-03-08T10:00:00")) == date(2026, 3, 8)


def test_happening_day_resolves_weekday_in_lead():
    article = Article(id="a", text="Talks ended on Saturday without a deal.")
    assert represent.happening_day(article, date(2026, 3, 8)) == date(2026, 3, 7)  # 8 March 2026 is a Sunday
    assert represent.happening_day(Article(id="b", text="Nothing dated."), date(2026, 3, 8)) == date(2026, 3, 8)


def test_jaccard_and_cosine_matrices():
    jac = represent.jaccard_matrix([frozenset({"a", "b"}), frozenset({"b", "c"}), frozenset()])
    assert jac[0, 1] == pytest.approx(1 / 3) and jac[0, 2] == 0.0
    tfidf = represent.tfidf(["port strike", "port strike ends", "bank rates"])
    cos = represent.cosine_matrix(tfidf)
    assert cos[0, 1] > cos[0, 2] and cos[0, 0] == pytest.approx(1.0)


def test_tfidf_fitted_as_the_corpus_it_stands_for_drops_one_text_ngrams():
    # 20 texts or fewer keep n-grams of one text (min_df 1); `fit_size` (the incremental add's store
    # size) makes a small working set drop them as its store would: news_cluster one by one, a
    # 14-report working set gave a same-event pair body cosine 0.05 against 0.13 in one run
    texts = ["bitcoin price falls below six thousand", "bitcoin price slumps as bubble loses air", "bank rates rise"]
    alone = represent.cosine_matrix(represent.tfidf(texts, (1, 2)))
    as_store = represent.cosine_matrix(represent.tfidf(texts, (1, 2), fit_size=2000))
    assert as_store[0, 1] > alone[0, 1]
    assert np.array_equal(represent.tfidf(texts, (1, 2), fit_size=3).toarray(), represent.tfidf(texts, (1, 2)).toarray())


def test_date_decay_halves_at_the_half_life_keeps_the_floor_and_the_undated_value():
    import numpy as np

    from storyweave.nlp.represent import date_decay, day_gaps

    gap = day_gaps(np.array([0.0, 14.0, np.nan]))
    assert gap[0, 1] == gap[1, 0] == 14.0 and np.isnan(gap[0, 2])
    plain = date_decay(gap, 14.0)
    assert plain[0, 0] == 1.0 and plain[0, 1] == 0.5 and plain[0, 2] == 1.0
    floored = date_decay(gap, 14.0, floor=0.2, undated=0.7)
    assert np.isclose(floored[0, 1], 0.2 + 0.8 * 0.5) and floored[2, 2] == 0.7
    assert date_decay(np.array([[1e6]]), 14.0, floor=0.2)[0, 0] >= 0.2


def test_encode_is_the_one_model_call_behind_embed_and_the_brief_cosines():
    import numpy as np

    from storyweave.nlp.represent import embed, encode
    from storyweave.stages.brief.facts import sentence_embeddings

    texts = ["The river flooded the town overnight.", "Floods hit the town after heavy rain."]
    raw = encode(texts)
    assert raw is not None and raw.shape[0] == 2  # the model ships with the package
    raw = raw.astype(np.float64)
    unit = raw / np.linalg.norm(raw, axis=1, keepdims=True)
    assert np.allclose(embed(texts), unit, atol=1e-5)
    assert np.allclose(sentence_embeddings(texts), unit @ unit.T, atol=1e-6)
    assert sentence_embeddings([]) is None


def test_embedding_matrix_is_the_model_or_nothing(monkeypatch):
    """The one embedding wrapper's no-fallback form (quotes, timeline): unit rows from the shipped
    model, None without texts or without the model (never the LSA stand-in of `embed`)."""
    if represent.static_model() is None:
        pytest.skip("models/minilm-static-256 not built (scripts/build_static_model.py)")
    texts = ["The talks resumed on Monday.", "Negotiators met again on Monday."]
    vectors = represent.embedding_matrix(texts)
    assert vectors is not None and vectors.shape[0] == 2
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(vectors, represent.embed(texts))
    assert represent.embedding_matrix([]) is None
    monkeypatch.setattr(represent, "static_model", lambda: None)
    assert represent.embedding_matrix(texts) is None
    assert represent.embed(texts).shape[0] == 2  # embed falls back, embedding_matrix does not


def test_shipped_model_loads_as_model2vecs_own_loader_loads_it():
    """`load_static_model` (no import of huggingface_hub's hub client) gives the model
    `StaticModel.from_pretrained` gives: the same arrays, config, tokenizer and vectors, bit for bit."""
    if not (represent.MODEL_DIR / "config.json").exists():
        pytest.skip("models/minilm-static-256 not built (scripts/build_static_model.py)")
    from model2vec import StaticModel

    ours, theirs = represent.load_static_model(represent.MODEL_DIR), StaticModel.from_pretrained(str(represent.MODEL_DIR))
    assert ours.embedding.dtype == theirs.embedding.dtype and ours.embedding.tobytes() == theirs.embedding.tobytes()
    for name in ("weights", "token_mapping"):
        mine, other = getattr(ours, name, None), getattr(theirs, name, None)
        assert (mine is None and other is None) or np.array_equal(mine, other)
    assert ours.config == theirs.config and ours.normalize == theirs.normalize
    assert (ours.base_model_name, ours.language, ours.max_length) == (theirs.base_model_name, theirs.language,
                                                                       theirs.max_length)
    assert ours.tokenizer.to_str() == theirs.tokenizer.to_str()
    texts = ["Dockworkers strike at the port, halting ships", "", "Ünïcode — and numbers: 1,200 (3.5%)",
             " ".join(["a long text"] * 400)]
    assert ours.encode(texts).tobytes() == theirs.encode(texts).tobytes()


def test_encoding_starts_no_progress_monitor_thread():
    """model2vec's encode built a tqdm bar, whose monitor thread (taking tqdm's lock every 10 s) a
    forked worker could inherit mid-lock and then hang on its own next encode: a forked run of
    tests/reliability/test_crash_safety.py hung for good.  No such thread is started now."""
    code = textwrap.dedent("""
        import threading
        from storyweave.nlp import represent
        assert represent.encode(["one text", "another text"]) is not None
        print(sorted(t.name for t in threading.enumerate()))
    """)
    names = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "MainThread" in names and "tqdm_monitor" not in names
