"""Headlines for reports that carry none (bare text): short, complete, never cut mid-phrase.

A report's first line is its headline when it reads like one (`headline_line`, used by the
plain-text reader).  Otherwise (`headline_from_text`) the headline is made from the lead
sentence, which in news writing states what happened:

1. the lead sentence itself when it fits in `max_chars` (`config.HeadlineParams`, 90 by default);
2. else the lead sentence compressed along its dependency parse: attributions ("..., police
   said"), parentheses, appositions, relative and adverbial clauses, clause-level
   conjuncts and then prepositional phrases are dropped, rightmost first, never the subject,
   the verb or its object;
3. else another short complete sentence of the lead paragraphs;
4. else the compressed lead cut at the longest phrase boundary that fits (the end of a
   complete subtree, never a determiner, preposition or conjunction).

Hand-written because no offline library compresses a sentence into a headline; it uses
spaCy's dependency parser (the shipped English model), and only for leads longer than
`max_chars`, so titled reports cost nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from storyweave.config import HeadlineParams
from storyweave.model import Article
from storyweave.nlp.boilerplate import is_furniture, is_photo_caption
from storyweave.nlp.date_patterns import HEADLINE_DATELINE, MONTH_NAMES, MONTH_SHORT, WEEKDAY_NAMES
from storyweave.nlp.spacy_model import PARSER, load_pipeline, one_blas_thread  # light: spaCy loads on use
from storyweave.nlp.text import paragraphs, split_sentences

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

_LIMITS = HeadlineParams()  # the defaults; the stages pass their `config.events.headline`
_TERMINAL = tuple(".!?\"'”’")

# General English: verbs that attribute a statement ("..., police said").
_REPORTING = {
    "said", "says", "say", "told", "tells", "reported", "reports", "announced", "added", "stated",
    "confirmed", "according", "explained", "noted", "wrote", "claimed", "insisted", "warned",
}  # fmt: skip
# Penn Treebank tags of closed-class words a phrase never ends with (determiners, prepositions,
# conjunctions, modals, possessives, wh-words, "to").
_NO_END_TAGS = {"DT", "PDT", "IN", "CC", "TO", "MD", "PRP$", "WDT", "WP", "WP$", "POS", "HYPH", "RP", "EX"}
# Dependency labels (spaCy English / ClearNLP scheme) dropped to shorten a sentence, in order.
# Each stage: (labels, whose children: "verb" = the main verb, "noun" = nouns, "any").
_DROP_STAGES: list[tuple[set[str], str]] = [
    ({"parataxis"}, "any"),
    ({"appos", "relcl"}, "any"),
    ({"advcl"}, "any"),
    ({"conj"}, "verb"),  # a second clause with its "and"/"but" and comma; lists of nouns stay
    ({"npadvmod", "advmod"}, "verb"),  # "on Monday", "today"
    ({"acl"}, "noun"),  # "a plan called ...", "jurors accused of ..."
    ({"prep", "agent"}, "verb"),
    ({"prep"}, "noun"),
    ({"conj"}, "any"),  # "A and B" -> "A"
]
# Dependents a word cannot lose: a cut that keeps the word must keep them.
_REQUIRED = {"nsubj", "nsubjpass", "dobj", "pobj", "pcomp", "ccomp", "xcomp", "attr", "acomp", "auxpass",
             "aux", "oprd", "dative", "compound", "det", "poss", "case", "neg", "prt"}
# A byline glued to the lead sentence ("By Jane Q. Doe and John Roe Sure, the film ..."): "By", then
# names of a first name, an optional initial and a surname, joined by "," or "and", then a capital
# opening the sentence.  Structure only (two capitalised words per name), so "By Tuesday, the
# storm ..." and "By now, ..." are left alone.
_NAME = r"[A-Z][a-z'’-]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z'’-]+(?:-[A-Z][a-z'’-]+)?"
_BYLINE_LEAD = re.compile(rf"^(?:By|BY)\s+{_NAME}(?:\s*(?:,|,?\s+and)\s+{_NAME})*\s+(?=[A-Z\"“‘'])")
_INITIAL_END = re.compile(r"(?:^|\s)(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Prof|Rev|Jr|Sr)\.$")
# General English closed-class words (articles, prepositions, conjunctions, auxiliaries, pronouns
# that need a continuation): a title never ends with one.
CLOSED_WORDS = _CLOSED_WORDS = set(
    """a an the this that these those of in on at by for from to with without into onto over under about
    after before as than and or but nor so if because while although though since until unless whether
    is are was were be been being has have had do does did will would shall should can could may might
    must his her its their our my your whose which who whom what where when how not very every each
    some any no all both either neither such""".split()
)
_LEADING_CONNECTOR = re.compile(r"^(?:and|but|or|so|also|however|meanwhile|then|still)\b", re.IGNORECASE)
# Pronouns and pointing words a headline cannot open with (the referent is in an earlier sentence).
_DANGLING_START = re.compile(r"^(?:he|she|it|they|this|that|these|those|his|her|its|their|there)\b", re.IGNORECASE)


def _parser() -> Language:
    """spaCy's English model with tagger and parser only (loaded the first time a lead needs it)."""
    return load_pipeline(PARSER)


def _parse(text: str) -> Doc:
    """`text` tagged and parsed by `_parser()`, its products on one BLAS thread (`spacy_model`)."""
    with one_blas_thread():
        return _parser()(text)


def title_of(article: Article, limits: HeadlineParams = _LIMITS) -> str:
    """The article's own title, else a headline made from its text (`headline_from_text`)."""
    if article.title and article.title.strip():
        return article.title.strip()
    return headline_from_text(article.text, limits)


@lru_cache(maxsize=100_000)  # pure in text: the events stage titles every event again on every add
def headline_from_text(text: str, limits: HeadlineParams = _LIMITS) -> str:
    """A headline of at most `limits.max_chars` characters for a report without one ("" for no text)."""
    max_chars, min_words = limits.max_chars, limits.min_words
    lead, others = _lead_sentences(text, min_words)
    if not lead:
        return ""
    if fits(lead, limits=limits):
        return _finish(lead)
    if len(lead.split()) < min_words:
        return ""
    doc = _parse(lead)
    keep = compress(doc, max_chars)
    short = _render(doc, keep)
    if fits(short, whole_sentence=False, limits=limits):
        return _finish(short)
    others = [s for s in others if not _DANGLING_START.match(s) and not _LEADING_CONNECTOR.match(s)]
    for sentence in others:  # another short, self-contained sentence of the lead paragraphs
        if fits(sentence, limits=limits) and _has_verb(sentence):
            return _finish(sentence)
    for sentence in others[:2]:  # ... or one that compresses well
        other = _parse(sentence)
        shorter = _render(other, compress(other, max_chars))
        if fits(shorter, whole_sentence=False, limits=limits) and _has_verb(shorter):
            return _finish(shorter)
    whole = set(range(len(doc)))  # compression may have gone too far: cut the whole sentence instead
    title = _finish(
        boundary_cut(doc, keep, limits=limits) or boundary_cut(doc, whole, limits=limits) or boundary_cut(doc, keep, strict=False, limits=limits)
        or boundary_cut(doc, whole, strict=False, limits=limits) or word_cut(short or lead, max_chars)
    )
    return title if len(title.split()) >= min_words else ""  # nothing headline-like: let the caller choose


def word_cut(text: str, max_chars: int = _LIMITS.max_chars) -> str:
    """Last resort without a parse boundary: the longest run of whole words that fits and does
    not end with a closed-class word or inside brackets or quotes."""
    words = _finish(text).split()
    while words and (
        len(" ".join(words)) > max_chars
        or _last_word(words[-1]) in _CLOSED_WORDS
        or not _balanced(" ".join(words))
        or words[-1][-1] in ",;:—–-'’"
    ):
        words.pop()
    return " ".join(words)


def fits(sentence: str, whole_sentence: bool = True, limits: HeadlineParams = _LIMITS) -> bool:
    """Short enough, long enough, and complete: ends a sentence, no trailing initial, no
    unbalanced brackets or quotes, no leading connector."""
    s = sentence.strip()
    return (
        len(_finish(s)) <= limits.max_chars
        and len(s.split()) >= limits.min_words
        and (s.endswith(_TERMINAL) or not whole_sentence)
        and not s.endswith(("...", "…"))
        and not _INITIAL_END.search(s)
        and not _LEADING_CONNECTOR.match(s)
        and _last_word(s) not in _CLOSED_WORDS
        and _balanced(s)
        and _opens_sentence(s)
        and not date_only(s)
    )


# the words of a line that is only a date ("Thursday, Apr 22, 2010", "Thu 22 April 2010 10:30 am")
_DATE_WORDS = frozenset(MONTH_NAMES + MONTH_SHORT + WEEKDAY_NAMES + tuple(d[:3] for d in WEEKDAY_NAMES)
                        + tuple(d[:4] for d in WEEKDAY_NAMES) + ("am", "pm"))


def date_only(line: str) -> bool:
    """The line is a date (and time) and nothing else: a page's date stamp, never a headline or a lead."""
    words = re.findall(r"[A-Za-z]+", line.lower())
    return bool(re.search(r"\d", line)) and all(w in _DATE_WORDS for w in words)


def _last_word(s: str) -> str:
    words = re.findall(r"[\w'’-]+", s.lower())
    return words[-1] if words else ""


def _opens_sentence(s: str) -> bool:
    return s[:1].isupper() or s[:1].isdigit() or s[:1] in "\"“'‘"


def _balanced(s: str) -> bool:
    return (
        s.count("(") == s.count(")")
        and s.count("[") == s.count("]")
        and s.count('"') % 2 == 0
        and s.count("“") == s.count("”")
        and not re.search(r'""|“\s*”|‘\s*’', s)  # a quotation whose words compression dropped
    )


def _has_verb(sentence: str) -> bool:
    return any(t.tag_.startswith("VB") and t.dep_ in {"ROOT", "ccomp"} for t in _parse(sentence))


def _finish(s: str) -> str:
    """Trim spaces and one final period (headline style); keep ? and !."""
    s = re.sub(r"\s+", " ", s).strip()
    if s.endswith(".") and not _INITIAL_END.search(s) and not s.endswith("..."):
        s = s[:-1].rstrip()
    return s


def _lead_sentences(text: str, min_words: int) -> tuple[str, list[str]]:
    """The lead sentence (dateline removed) and the other sentences of the first paragraphs.

    The lead paragraph is the first line of 12+ words ending a sentence (short lines above
    it are often teasers or navigation); the first line when there is none."""
    lines = news_paragraphs(text)
    if not lines:
        return "", []
    from storyweave.stages.clean.rules import rule_for  # noise lines (menus, captions) never lead

    first = next(
        (i for i, ln in enumerate(lines) if len(ln.split()) >= 12 and ln.rstrip()[-1] in ".!?\"'”’"),
        next((i for i, ln in enumerate(lines)
              if len(ln.split()) >= min_words and rule_for(ln) is None and not date_only(ln)), 0),
    )
    sentences = []
    for ln in lines[first : first + 3]:
        sentences += [s.text for s in split_sentences(ln) if not headline_furniture(s.text)]
    if not sentences:
        return "", []
    sentences[0] = _BYLINE_LEAD.sub("", sentences[0], count=1).strip() or sentences[0]
    sentences[0] = HEADLINE_DATELINE.sub("", sentences[0], count=1).strip() or sentences[0]
    while len(sentences) > 1 and not _opens_sentence(sentences[0]):
        sentences.pop(0)  # a fragment (the line starts mid-sentence)
    lead = sentences[0]
    # a sentence split at an initial or an abbreviation ("... director, James B." + "Comey said",
    # "Sen. Jane Doe (D-Vt.)" + "said ...") is joined back
    while (_INITIAL_END.search(lead) or lead.endswith(")") or len(lead.split()) < min_words) and len(sentences) > 1:
        lead = lead + " " + sentences.pop(1)
    return lead, [s for s in sentences[1:6] if not _INITIAL_END.search(s)]


def headline_furniture(sentence: str) -> bool:
    """A site notice, promotion or photo caption (`nlp.boilerplate`): never a headline ("By
    submitting your registration ... you agree", "These crawls are part of ...", "This image shows ...")."""
    return is_furniture(sentence) or is_photo_caption(sentence)


def news_paragraphs(text: str) -> list[str]:
    """The paragraphs of `text` a headline may come from: not those opened by a site notice,
    promotion or caption, whose next sentences go on with it ("These crawls are part of ... That
    way, as the pages ... are changed ..."; "By submitting ... you agree ... We look forward to ...")."""
    out = []
    for start, end in paragraphs(text):
        first = next(iter(split_sentences(text[start:end])), None)
        if first is not None and not headline_furniture(first.text):
            out.append(text[start:end])
    return out


# ------------------------------------------------------------------ compression on the parse


def compress(doc: Doc, max_chars: int = _LIMITS.max_chars) -> set[int]:
    """Indices of the tokens kept once optional parts are dropped until the sentence fits (or
    nothing more can go)."""
    keep = set(range(len(doc)))
    root = _root(doc)
    if root is None:
        return keep
    root = _strip_attribution(doc, root, keep)
    _drop_brackets(doc, keep)
    if len(_finish(_render(doc, keep))) <= max_chars:
        return keep
    for labels, whose in _DROP_STAGES:
        for token in sorted(doc, key=lambda t: -t.i):
            if token.i not in keep or token.dep_ not in labels or token.i == root.i:
                continue
            if whose == "verb" and token.head.i != root.i:
                continue
            if whose == "noun" and not token.head.tag_.startswith(("NN", "PRP", "CD")):
                continue
            if token.dep_ == "advmod" and token.lower_ in {"not", "never", "n't", "n’t"}:
                continue
            if token.dep_ == "conj" and token.tag_ == "NNP" and token.head.tag_ == "NNP":
                continue  # inside a name ("Ways and Means")
            _drop(doc, token, keep)
            if len(_finish(_render(doc, keep))) <= max_chars:
                return keep
    return keep


def _root(doc: Doc) -> Token | None:
    return next((t for t in doc if t.dep_ == "ROOT"), None)


def _strip_attribution(doc: Doc, root: Token, keep: set[int]) -> Token:
    """'X happened, police said.' -> 'X happened'; 'X happened, according to police' -> 'X happened'."""
    if root.lower_ in _REPORTING:
        content = [c for c in root.children if c.dep_ in {"ccomp", "parataxis"} and c.i < root.i]
        if content:
            clause = content[0]
            span = {t.i for t in clause.subtree}
            keep &= span
            return clause
    for token in doc:
        if token.lower_ == "according" and token.i in keep:
            _drop(doc, token, keep)
        elif token.lower_ in _REPORTING and token.dep_ in {"parataxis", "advcl"} and token.i in keep:
            _drop(doc, token, keep)
    return root


def _drop_brackets(doc: Doc, keep: set[int]) -> None:
    depth = 0
    for token in doc:
        if token.text in "([":
            depth += 1
        if depth:
            keep.discard(token.i)
        if token.text in ")]":
            depth = max(0, depth - 1)


def _drop(doc: Doc, token: Token, keep: set[int]) -> None:
    """Drop the token's subtree, its coordinating conjunction and the commas/dashes around it."""
    span = {t.i for t in token.subtree}
    left, right = min(span), max(span)
    if token.dep_ == "conj":
        for k in range(left - 1, max(-1, left - 3), -1):
            if doc[k].dep_ == "cc" or doc[k].is_punct:
                span.add(k)
            else:
                break
    before = left - 1
    after = right + 1
    if before >= 0 and doc[before].text in {",", "—", "–", "-", ";"}:
        span.add(before)
        if after < len(doc) and doc[after].text == doc[before].text and token.i > min(keep, default=0):
            span.add(after)  # "X, who ..., did" -> "X did"
    keep -= span


def _render(doc: Doc, keep: set[int]) -> str:
    """The kept tokens as text, with the spaces and commas around dropped parts repaired."""
    order = sorted(keep)
    parts = []
    for k, i in enumerate(order):
        token = doc[i]
        parts.append(token.text_with_ws)
        nxt = order[k + 1] if k + 1 < len(order) else None
        if nxt is not None and nxt != i + 1 and not token.whitespace_ and not doc[nxt].is_punct:
            parts.append(" ")  # the space went with a dropped comma
    out = "".join(parts)
    out = re.sub(r"\s+([,.;:!?])", r"\1", out)
    out = re.sub(r"([,;:—–-])\s*(?=[,.;:!?]|$)", "", out.strip())
    out = re.sub(r"^[,;:—–\-\s]+", "", out)
    out = re.sub(r"\s{2,}", " ", out).strip()
    if out and order and order[0] > 0 and doc[0].text[:1].isupper():
        out = out[0].upper() + out[1:]  # a leading phrase went: the new first word opens the headline
    return out


def boundary_cut(doc: Doc, keep: set[int], strict: bool = True, limits: HeadlineParams = _LIMITS) -> str:
    """The longest prefix of the kept tokens that fits and is a complete phrase: every word's
    head is inside it (no word hangs on a word that was cut), no word loses a required
    dependent (subject, object, the noun of a preposition ...; `strict` only), and it does
    not end with a closed-class word, before a possessive or inside a hyphenated word."""
    root = _root(doc)
    order = sorted(keep)
    best = ""
    for k, i in enumerate(order):
        token = doc[i]
        if (token.tag_ in _NO_END_TAGS or token.is_punct or token.is_space or root is None or i < root.i
                or token.lower_ in _CLOSED_WORDS):
            continue
        nxt = doc[order[k + 1]] if k + 1 < len(order) else None
        if nxt is not None and nxt.i == i + 1 and not token.whitespace_ and not nxt.is_punct:
            continue  # inside a word ("All-Star")
        if nxt is not None and (nxt.dep_ == "case" or (nxt.text in {"-", "–"} and not token.whitespace_)):
            continue
        prefix = set(order[: k + 1])
        if any(doc[j].head.i not in prefix for j in prefix if doc[j].dep_ != "ROOT"):
            continue
        if strict and any(c.i not in prefix and c.i in keep and c.dep_ in _REQUIRED for j in prefix for c in doc[j].children):
            continue
        text = _render(doc, prefix)
        if len(_finish(text)) > limits.max_chars:
            break
        if len(text.split()) >= limits.min_words and _balanced(text) and not _INITIAL_END.search(text):
            best = text
    return best
