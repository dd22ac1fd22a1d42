"""Candidate sentences of an event: junk filtering, TF-IDF vectors, near-identical groups.

A *unit* is one piece of content as carried by one or more articles: the sentence itself
plus its near-identical or paraphrased versions elsewhere.  Summary and facts both work on
units so that each piece of content appears once and cites every article carrying it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import csr_matrix

from storyweave.config import BriefConfig, HeadlineParams
from storyweave.graph import components
from storyweave.nlp import tfidf
from storyweave.nlp.boilerplate import SENTENCE_ANYWHERE, SENTENCE_NOTICE, SENTENCE_START
from storyweave.nlp.spacy_model import TAGGER, one_blas_thread
from storyweave.nlp.stop_words import REPORTING_VERBS, SUMMARY
from storyweave.nlp.text import Sentence, count_words, split_sentences, words

if TYPE_CHECKING:
    from spacy.language import Language

_BYLINE = re.compile(r"^\W*(by|from|updated|posted|published)\s+[A-Z][\w.'-]*(\s+[A-Z][\w.'-]*){0,4}\W*$|"
                     r"^\W*(by|updated|posted|published)\b.{0,40}\b(\d{4}|am|pm|et|gmt|utc)\b", re.IGNORECASE)
_ENDS_LIKE_SENTENCE = re.compile(r"[.!?][\"'”’»)\]]*$|[\"”’]$")
# Addressed to the reader outside a quote ("You can ...", "Your donation ..."): site copy, not reporting.
_READER = re.compile(r"^(you|your)\b", re.IGNORECASE)
# A quotation whose speaker is only a pronoun or missing ('"We have fruit ...," he said.'): it
# reads as a dangling fragment once lifted out of its article, so it is left to the quotes section.
_DOUBLE_QUOTES = re.compile(r"[\"“”„«»]")
_QUOTED_SPAN = re.compile(r"[\"“„«][^\"“”„«»]*[\"”»]")
_BARE_ATTRIBUTION = re.compile(
    r"^\W*((he|she|they|it|we|i)\s+(said|says|added|adds|continued|told \w+|wrote|tweeted|asked)|"
    r"(said|says|added|adds|continued|asked)\s+(he|she|they))?\W*$", re.IGNORECASE)


def _dangling_quote(text: str) -> bool:
    """True for a sentence that opens with a quotation and names no speaker outside it.

    Halves of a quotation cut by the sentence splitter are kept: dropping them cost 0.55 ROUGE-1
    on Multi-News dev (they often carry the named speaker); this rule costs 0.36 and keeps
    '"...," he said.' fragments out of briefings.
    """
    marks = _DOUBLE_QUOTES.findall(text)
    if not marks or len(marks) % 2 or not _DOUBLE_QUOTES.match(text.lstrip()):
        return False
    return _BARE_ATTRIBUTION.match(_QUOTED_SPAN.sub(" ", text)) is not None


# The splitter cut after an abbreviation ("... reached No." + "1 in 2007"): only half a sentence.
_CUT_AT_ABBREVIATION = re.compile(
    r"\b(No|St|Ave|Blvd|Rd|Sgt|Lt|Capt|Col|Gen|Gov|Sen|Rep|Dr|Mr|Mrs|Ms|Jr|Sr|Inc|Corp|Co|Ltd|Ft|Mt|Dept|vs)\.$")

_BRIEF = BriefConfig()  # the defaults; the stage passes its `config.brief`


def junk_reason(text: str, min_words: int = _BRIEF.sentence_min_words,
                max_words: int = _BRIEF.sentence_max_words) -> str | None:
    """Why `text` does not look like a reporting sentence, or None if it does."""
    n = count_words(text)
    if n < min_words:
        return "too short"
    if n > max_words:
        return "too long (run-on scrape)"
    letters = list(filter(str.isalpha, text))  # map/filter over str methods: no Python-level loop per character
    if letters and sum(map(str.isupper, letters)) / len(letters) > 0.5:
        return "all caps"
    if SENTENCE_START.search(text) or SENTENCE_ANYWHERE.search(text):
        return "scrape furniture"
    if _BYLINE.search(text):
        return "byline"
    if SENTENCE_NOTICE.search(text):
        return "site notice or photo caption"
    if _READER.search(text):
        return "addresses the reader (site copy)"
    if _dangling_quote(text):
        return "quotation without a named speaker (needs its article's context)"
    if _CUT_AT_ABBREVIATION.search(text):
        return "cut at an abbreviation (half a sentence)"
    if not _ENDS_LIKE_SENTENCE.search(text):
        return "no sentence ending (headline or caption)"
    toks = text.split()
    capitalised = sum(1 for t in toks if t[:1].isupper())
    if len(toks) >= 5 and capitalised / len(toks) > 0.6:
        return "title case (headline)"
    if not any(c.islower() for c in text):
        return "no lowercase"
    first = next((c for c in text if c.isalnum()), "")
    if first.islower():
        return "starts lower-case (fragment of a split sentence)"
    return None


# `TAGGER` (spacy_model): the pipes `has_verb` runs, for fine-grained (Penn Treebank) tags.
# The tags the model's attribute ruler maps to the coarse VERB or AUX (en_core_web_sm 3.8: its tag
# map sends VB, VBD, VBG, VBN, VBP, VBZ, BES, HVS to VERB and MD to AUX; its word rules only move
# some of these between VERB and AUX, except that a whitespace token becomes SPACE, and its rules
# that need a dependency label never match without the parser).  The ruler was a fifth of the
# check's cost; tests/stages/brief/test_sentences.py compares both on real sentences.
VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD", "BES", "HVS"})


@lru_cache(maxsize=1)
def _tagger() -> Language | None:
    """spaCy's small English model as the headlines load it (`spacy_model.PARSER`), of which the
    verb check runs only the tagger and its token vectors (`TAGGER`): the same tags as a
    tagger-only copy, one model load fewer in a process that makes headlines too."""
    from storyweave.nlp.spacy_model import PARSER, load_pipeline

    try:
        return load_pipeline(PARSER)
    except Exception:  # model not installed: the verb check is skipped, the other rules stay
        return None


def warm_tagger() -> None:
    """Load the verb check's tagger now (before the stage forks its workers: they share this copy
    instead of each loading its own, ≈ 0.5 CPU-s each)."""
    _tagger()


# English verb forms that are verbs wherever they stand (closed class, general English): the
# inflected forms of "be", "have" and "do" (not the base forms "be/have/do", nor the modals "will",
# "can", "may", which are nouns too), the other modals, and the reporting verbs.  A sentence
# holding one has a verb without running the tagger, the costly part of the summary (16 % of a
# full run).  The tagger agreed on every such sentence of the Multi-News dev clusters tried
# (3,923 candidate sentences of clusters 60-159, 458 verb-checked ones of clusters 0-59).
_SURE_VERBS = {"is", "are", "was", "were", "been", "being", "am", "has", "had", "does", "did",
               "would", "could", "should", "must", "might", "shall"} | REPORTING_VERBS
_SURE_VERB = re.compile(r"\b(?:" + "|".join(sorted(_SURE_VERBS)) + r")\b")


@lru_cache(maxsize=20000)
def has_verb(text: str) -> bool:
    """True when `text` holds a sure verb form (`_SURE_VERB`) or spaCy tags a verb or auxiliary in
    it (`VERB_TAGS`, the coarse VERB or AUX; True if no tagger is available)."""
    if _SURE_VERB.search(text):
        return True
    nlp = _tagger()
    if nlp is None:
        return True
    with one_blas_thread():
        doc = nlp(text, disable=[name for name in nlp.pipe_names if name not in TAGGER])
    return any(t.tag_ in VERB_TAGS and not t.is_space for t in doc)


@dataclass
class Candidate:
    """One clean sentence of one article."""

    article_id: str
    doc_index: int  # order of the article within the event
    index: int  # order of the sentence among the article's clean sentences
    text: str
    n_words: int
    numbers: frozenset[str] = field(default_factory=frozenset)


def whole_quotations(sentences: list[Sentence], text: str, max_join: int = 4) -> list[Sentence]:
    """Rejoin a quotation the splitter cut into sentences ('"It happened after the fireworks.' +
    'But then, people were still running."') into one verbatim slice of `text`, so a summary
    never shows half a quotation; a quotation still open after `max_join` sentences is left as is."""
    out: list[Sentence] = []
    i = 0
    while i < len(sentences):
        first = sentences[i]
        j, marks = i, len(_DOUBLE_QUOTES.findall(first.text))
        while marks % 2 and j + 1 < len(sentences) and j - i + 1 < max_join \
                and sentences[j + 1].paragraph == first.paragraph:
            j += 1
            marks += len(_DOUBLE_QUOTES.findall(sentences[j].text))
        if j > i and marks % 2 == 0:
            end = sentences[j].end
            out.append(Sentence(text[first.start:end], first.start, end, first.paragraph))
            i = j + 1
        else:
            out.append(first)
            i += 1
    return out


# A question outside quotation marks, ending its sentence.
_QUESTION = re.compile(r"\?[\"'”’»)\]]*$")
_SUBHEADING_CHARS = HeadlineParams().max_chars  # a question alone as a paragraph, no longer than a headline


def news_sentences(sentences: list[Sentence]) -> list[Sentence]:
    """`sentences` without those that are page furniture by their paragraph: every sentence of a
    paragraph opened by a web-archive or embed notice, a caption or a registration notice
    (`SENTENCE_NOTICE`: "These crawls are part of ... That way, as the pages ... are changed ..."),
    a paragraph that asks the reader and goes on addressing them (`_asks_the_reader`), and a
    headline-length question standing alone as a paragraph outside quotation marks (a subheading,
    an interviewer's question, a promotion: "Why are they called ...?", "Do you have what it
    takes?"), which states nothing.  ROUGE on Multi-News dev unchanged (benchmarks/results/clean.md)."""
    per_paragraph = Counter(s.paragraph for s in sentences)
    opened: set[int] = set()
    notice: set[int] = set()
    for sent in sentences:
        if sent.paragraph not in opened:
            opened.add(sent.paragraph)
            if SENTENCE_NOTICE.search(sent.text) or _asks_the_reader(sent, sentences):
                notice.add(sent.paragraph)
    return [sent for sent in sentences if sent.paragraph not in notice
            and not (per_paragraph[sent.paragraph] == 1 and _subheading_question(sent.text))]


def _asks_the_reader(first: Sentence, sentences: list[Sentence]) -> bool:
    """A paragraph opened by a question (outside quotes) that goes on addressing the reader ("You
    can ...") or exclaiming: a promotion ("Want to add to this story? Let us know ... You can ...",
    "Want stories like these ...? Download the app now!")."""
    if not _QUESTION.search(first.text) or _DOUBLE_QUOTES.search(first.text):
        return False
    rest = [s.text for s in sentences if s.paragraph == first.paragraph and s is not first]
    return any(_READER.search(t) or (t.rstrip().endswith("!") and not _DOUBLE_QUOTES.search(t)) for t in rest)


def _subheading_question(text: str) -> bool:
    return len(text) <= _SUBHEADING_CHARS and bool(_QUESTION.search(text)) and not _DOUBLE_QUOTES.search(text)


def candidates(texts: list[tuple[str, str]], max_per_article: int | None = None,
               min_words: int = _BRIEF.sentence_min_words, max_words: int = _BRIEF.sentence_max_words) -> list[Candidate]:
    """Clean sentences of each (article_id, text), in article order (the first
    `max_per_article` of each when given), of `min_words` to `max_words` words."""
    out: list[Candidate] = []
    for doc_index, (article_id, text) in enumerate(texts):
        index = 0
        for sent in news_sentences(whole_quotations(split_sentences(text or ""), text or "")):
            body = sent.text
            if junk_reason(body, min_words, max_words):
                continue
            if max_per_article is not None and index >= max_per_article:
                break
            nums = frozenset(re.findall(r"\d[\d,.]*\d|\d", body))
            out.append(Candidate(article_id, doc_index, index, body, count_words(body), nums))
            index += 1
    return out


def vectorize(cands: list[Candidate]) -> csr_matrix:
    """L2-normalised TF-IDF rows (unigrams, English stop words out) for the candidates."""
    if not cands:
        return csr_matrix((0, 1))
    analyze = tfidf.word_analyzer(tokenizer=words, lowercase=False, stop_words=SUMMARY)
    try:  # scikit-learn's TfidfVectorizer(tokenizer=words, ..., sublinear_tf=True), bit for bit
        return tfidf.fit_transform([c.text for c in cands], analyze, sublinear_tf=True)
    except ValueError:  # only stop words
        return csr_matrix((len(cands), 1))


@dataclass
class Unit:
    """A piece of content: member candidates (indices) that say the same thing."""

    members: list[int]
    article_ids: list[str]


def group_units(cands: list[Candidate], sim: np.ndarray, threshold: float) -> list[Unit]:
    """Union sentences of different articles whose similarity reaches `threshold`."""
    rows, cols = np.nonzero(np.triu(sim >= threshold, k=1))
    pairs = [(i, j) for i, j in zip(rows.tolist(), cols.tolist(), strict=False)
             if cands[i].article_id != cands[j].article_id]
    units = []
    for members in components(len(cands), pairs):
        ids = list(dict.fromkeys(cands[m].article_id for m in members))
        units.append(Unit(members, ids))
    return units


