"""Word knowledge from shipped data, not hand lists: verb lemmas from the English spaCy model's
rule-lemmatizer tables, currency signs and names from Babel's CLDR locale data (ISO 4217).

Everything is loaded lazily and once; nothing here downloads anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from storyweave.nlp.spacy_model import MODEL


@lru_cache(maxsize=1)
def _lemma_tables() -> tuple[dict[str, dict[str, list[str]]], dict[str, list[list[str]]], dict[str, set[str]]]:
    """(exceptions, rules, index) per part of speech, from the model's lemmatizer lookups."""
    from pathlib import Path

    from spacy.lookups import Lookups
    from spacy.util import get_package_path

    found = sorted(Path(get_package_path(MODEL)).glob("*/lemmatizer/lookups"))
    if not found:
        return {}, {}, {}
    tables = Lookups().from_disk(found[0])
    exc = tables.get_table("lemma_exc")
    rules = tables.get_table("lemma_rules")
    index = tables.get_table("lemma_index")
    pick = ("verb", "noun", "adj")
    return ({p: dict(exc[p]) for p in pick if p in exc}, {p: list(rules[p]) for p in pick if p in rules},
            {p: set(index[p]) for p in pick if p in index})


def lemma_of(word: str, pos: str = "verb") -> str | None:
    """spaCy's rule lemmatizer for one word of a known part of speech ('fled' -> 'flee',
    'killing' -> 'kill'); None when neither the exceptions nor a suffix rule yield a known lemma."""
    exc, rules, index = _lemma_tables()
    w = word.lower()
    if w in exc.get(pos, {}):
        return exc[pos][w][0]
    known = index.get(pos, set())
    if w in known:
        return w
    for old, new in rules.get(pos, []):
        if w.endswith(old) and len(w) > len(old):
            cand = w[: len(w) - len(old)] + new
            if cand in known:
                return cand
    return None


def is_verb_form(word: str) -> bool:
    """A word the tables know as a verb form other than its bare noun use: 'fled', 'killed',
    'injuring', 'flee' (bare lemmas count: 'people flee')."""
    return lemma_of(word, "verb") is not None


# Bump when a change to `build_currency_signs` or `build_currency_words` changes their tables
# for the same Babel data: both are kept as derived cache files (`nlp/derived_cache.py`), since
# they read the locale data of every territory (~0.7 and ~0.3 CPU-s, more than a warm
# `storyweave add`).
CURRENCY_TABLES_VERSION = 1


def _string_table(data: object) -> dict[str, str] | None:
    if not isinstance(data, dict) or not data or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        return None
    return dict(data)


def _kept(name: str, build: Callable[[], dict[str, str]]) -> dict[str, str]:
    """Table `name` from its derived cache file when that was made from the same Babel version
    and `CURRENCY_TABLES_VERSION`, else `build()` (and the file written)."""
    from storyweave.nlp import derived_cache

    identity = {"table": name, "build": CURRENCY_TABLES_VERSION, "babel": derived_cache.package_version("babel")}
    return derived_cache.load(name, identity, build, dict, _string_table)


@lru_cache(maxsize=1)
def currency_signs() -> dict[str, str]:
    """Single-character currency signs -> ISO 4217 code (`build_currency_signs`, kept on disk)."""
    return _kept("currency-signs", build_currency_signs)


def build_currency_signs() -> dict[str, str]:
    """Single-character currency signs -> ISO 4217 code: the English locale's symbols first
    ('$' USD, '£' GBP, '€' EUR), then signs that the main locale of a currency's territory uses
    and that name one currency only ('₴' UAH, '₽' RUB, '₹' INR)."""
    from babel import Locale
    from babel.core import get_global
    from babel.numbers import get_currency_symbol, list_currencies

    out: dict[str, str] = {}
    for code in sorted(list_currencies()):
        sym = get_currency_symbol(code, "en")
        if len(sym) == 1 and not sym.isalnum() and sym != "¤":
            out.setdefault(sym, code)
    elsewhere: dict[str, set[str]] = {}
    for territory, currencies in get_global("territory_currencies").items():
        current = [c for c, _start, end, tender in currencies if end is None and tender]
        if not current:
            continue
        try:
            loc = Locale.parse(f"und_{territory}")
        except Exception:  # territories without a likely locale
            continue
        sym = get_currency_symbol(current[0], loc)
        if len(sym) == 1 and not sym.isalnum() and sym.isprintable() and not sym.isspace():
            elsewhere.setdefault(sym, set()).add(current[0])
    for sym, codes in elsewhere.items():
        if sym not in out and len(codes) == 1:
            out[sym] = next(iter(codes))
    return out


def _tender_territories() -> dict[str, int]:
    """ISO code -> number of territories where it is legal tender today (CLDR)."""
    from babel.core import get_global

    count: dict[str, int] = {}
    for currencies in get_global("territory_currencies").values():
        for code, _start, end, tender in currencies:
            if end is None and tender:
                count[code] = count.get(code, 0) + 1
    return count


@lru_cache(maxsize=1)
def currency_words() -> dict[str, str]:
    """Last word of a current currency's English name -> ISO code (`build_currency_words`, kept on disk)."""
    return _kept("currency-words", build_currency_words)


def build_currency_words() -> dict[str, str]:
    """Last word of each current currency's English name, singular and plural -> ISO code
    ('hryvnias' UAH, 'rupees' INR ...).  A word shared by several currencies goes to the one
    that is legal tender in at least twice as many territories as any other ('dollars' USD,
    'pounds' GBP); otherwise it stays a unit of its own ('francs' -> 'franc', 'pesos' -> 'peso'),
    comparable only with itself."""
    from babel.numbers import get_currency_name

    tender = _tender_territories()
    by_word: dict[str, set[str]] = {}
    for code in tender:
        for count in (1, 2):
            name = get_currency_name(code, count=count, locale="en")
            if not name or name == code or "(" in name:
                continue
            word = re.split(r"\s+", name.strip())[-1].lower()
            if word.isalpha() and len(word) > 2:
                by_word.setdefault(word, set()).add(code)
    out: dict[str, str] = {}
    for word, codes in by_word.items():
        ranked = sorted(codes, key=lambda c: (-tender[c], c))
        if len(ranked) == 1 or tender[ranked[0]] >= 2 * tender[ranked[1]]:
            out[word] = ranked[0]
        else:
            out[word] = word[:-1] if word.endswith("s") else word
    return out
