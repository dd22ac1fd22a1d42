"""The reporting verbs of an attribution ("said", "told", "went on", "pointed out"): the word
list, its matcher, and the checks that a match reports speech where it stands (not a word of a
name, not "went on to win")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from storyweave.nlp.fastre import word_alternation


def _forms(lemma: str) -> list[str]:
    """Regular English inflections of a verb (its irregular forms are listed with it)."""
    if lemma.endswith("e"):
        return [lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"]
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return [lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
    s = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else "s")
    return [lemma, s, lemma + "ed", lemma + "ing"]


# General English verbs of saying (the reporting verbs of grammars of reported speech, e.g. Quirk
# et al. 1985 §14.30 and the "reporting verb" lists of EFL grammars), hand-picked: no lexical
# resource with verb classes ships offline with our dependencies.  Irregular forms spelled out.
_REGULAR_SAY = (
    "add tweet post declare note stress explain insist warn claim announce ask reply continue comment "
    "urge argue remark emphasise emphasize underline acknowledge recall conclude confirm respond answer "
    "assure vow complain concede suggest observe demand shout yell scream exclaim mutter whisper testify "
    "report predict promise joke boast brag caution charge contend counter cry describe deny estimate mock "
    "pledge proclaim protest reason recount reiterate repeat retort scoff sneer tout wonder lament plead "
    "marvel agree disagree call dub label brand insist hint muse chide blast slam accuse maintain opine "
    "concur allege assert affirm attest interject interrupt mention inform reveal disclose inquire "
    "complain scold recall praise press beam gush laugh sigh groan chuckle"
)
_IRREGULAR_SAY = ("stated say says said saying tell tells told telling write writes wrote written writing "
                  "admit admits admitted admitting quip quips quipped quipping snap snaps snapped "
                  "go on goes on went on going on point out points out pointed out pointing out "
                  "speak speaks spoke speaking sing sings sang singing")
_SAY_WORDS = sorted({f for v in _REGULAR_SAY.split() for f in _forms(v)}
                    | set(re.findall(r"(?:went|goes|going|go|point|points|pointed|pointing) (?:on|out)|[a-z]+",
                                     _IRREGULAR_SAY)), key=len, reverse=True)
_SAY_WORDS = [w for w in _SAY_WORDS if w not in {"on", "out", "go", "point", "points", "pointed", "pointing"}]
# "(?:[sS]aid|[sS]ays|...)" of the words longest first, written as a trie (same matches, ~10x faster
# a scan: the flat alternation of 465 words was the analysis's costliest regex; `nlp.fastre`).
_VERB = re.compile(r"(?<![\w-])" + word_alternation(_SAY_WORDS, capital_first=True) + r"\b(?!-)")
# Forms of "tell": their object is the person told ("X told Station Nine News: “...”"), never the speaker.
_TELL = {"tell", "tells", "told", "telling"}


def _in_name(text: str, m: re.Match[str]) -> bool:
    """A verb spelled with a capital right after a word is part of a name ("the Riverside Post",
    "Station Nine Charge"), not a reporting verb; one opening a sentence ("Said Roe: ...") still is."""
    return m.group()[:1].isupper() and bool(re.search(r"[A-Za-z][’']?\s+$", text[max(0, m.start() - 30) : m.start()]))


def _phrasal_not_reporting(text: str, m: re.Match[str]) -> bool:
    """ "go on" reports speech only when the clause ends, a quotation follows or "about" does ("“...,” he
    went on." / "She went on: “...”" / "went on about “...”"); elsewhere it has its other senses ("the
    Senate goes on recess")."""
    return " " in m.group() and m.group().split()[0].lower() in {"go", "goes", "went", "going"} and \
        not re.match(r"\s*(?:[,.:;!?“\"«—–]|about\b|$)", text[m.end() : m.end() + 7])


def _say_matches(text: str, lo: int, hi: int) -> Iterator[re.Match[str]]:
    """Reporting verbs in text[lo:hi], without the capitalised words of names."""
    return (m for m in _VERB.finditer(text, lo, hi) if not _in_name(text, m) and not _phrasal_not_reporting(text, m))


def _before_infinitive(text: str, m: re.Match[str]) -> bool:
    """A verb of saying followed by a to-infinitive is not reporting here: "will continue to be",
    "agreed to meet", "went on to win" (English complementation: a reporting verb introduces a
    that-clause or a quotation, not an infinitive)."""
    return bool(re.match(r"\s+to\s+[a-z]", text[m.end() : m.end() + 20]))
