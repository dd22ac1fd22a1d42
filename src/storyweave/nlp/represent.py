"""Article representations for clustering: TF-IDF, static embeddings, entity/number sets, dates.

Everything here is cheap and deterministic.  The static embedding model is the model2vec
distillation of all-MiniLM-L6-v2 shipped in `storyweave/models/minilm-static-256/` (built by
`scripts/build_static_model.py`); it is loaded from that local folder only, never from a hub.
When the folder is missing, `embed()` falls back to TF-IDF + LSA (TruncatedSVD) so the
pipeline still runs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from storyweave.config import EventsConfig
from storyweave.model import Article
from storyweave.nlp import stop_words
from storyweave.nlp import tfidf as tfidf_rows
from storyweave.nlp.date_patterns import (
    FULL_DATE_DMY,
    FULL_DATE_MDY,
    ISO_DATE,
    LEAD_DATELINE,
    MONTH_NAMES,
    WEEKDAY_NAMES,
    month_number,
)

if TYPE_CHECKING:
    from model2vec import StaticModel

MODEL_DIR = Path(__file__).parent.parent / "models" / "minilm-static-256"
_EVENTS = EventsConfig()  # the defaults of `lead_words` / `embed_words`; the stages pass their own

_CAP_SEQ = re.compile(r"\b[A-Z][\w'’.-]*[\w](?:\s+(?:of|de|la|al|bin|van|von|der)?\s*[A-Z][\w'’-]*\w)*")
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(million|billion|trillion|percent|%|bn|m)\b)?",
    re.IGNORECASE,
)
# Capitalised words that are not names (sentence openers, calendar words, titles).
_NOT_NAMES = set(
    """the a an and but or if in on at of for to from by with as it its this that these those he she
    they we i you his her their our my your there here when while after before during since until
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    mr mrs ms dr prof sir president minister officials official police said says
    photo image video read more advertisement share click subscribe news update updated
    """.split()
) | set(MONTH_NAMES)


def body_lead(text: str, words: int = _EVENTS.lead_words) -> str:
    """The first `words` words of `text`, single-spaced."""
    return " ".join(text.split(maxsplit=words)[:words])  # the rest of a long text is not split


def title_or_first_sentence(article: Article, limit: int = 120) -> str:
    """The article's headline; for untitled articles the first sentence of its first real
    paragraph (a line of 12+ words ending a sentence: short lines above it are often teasers
    or navigation), without a "CITY, Month D, YYYY —" dateline, trimmed to `limit` chars."""
    if article.title and article.title.strip():
        return article.title.strip()
    lines = [line.strip() for line in article.text.splitlines() if line.strip()]
    first = next((ln for ln in lines if len(ln.split()) >= 12 and ln[-1] in ".!?\"'”’"), lines[0] if lines else "")
    first = LEAD_DATELINE.sub("", first, count=1)
    match = re.search(r"(?<=[.!?])\s+(?=[A-Z\"“])", first)
    if match and match.start() > 20:
        first = first[: match.start()]
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0] + "…"
    return first




def words_of(text: str) -> list[str]:
    """The word tokens of `text`, case kept."""
    return re.findall(r"\w+", text)


def full_text(article: Article) -> str:
    """Title and body, one line apart."""
    return f"{article.title or ''}\n{article.text}"


def headline_text(article: Article, lead_words: int = _EVENTS.lead_words) -> str:
    """Title plus lead (`lead_words` of body): where a news report says what happened."""
    return f"{article.title or ''}\n{body_lead(article.text, lead_words)}"


def tfidf(texts: Sequence[str], ngrams: tuple[int, int] = (1, 1), token_pattern: str | None = None,
          fit_size: int = 0) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows (sublinear tf, English stop words), fitted on `texts` itself.
    `token_pattern` replaces the default word tokens (e.g. r"\\S+" for pre-joined names).
    n-grams of one text only are dropped above 20 texts, counting `fit_size` when larger (the
    corpus `texts` stand for: the incremental add's working set is a part of the store)."""
    min_df = 2 if ngrams[1] > 1 and max(len(texts), fit_size) > 20 else 1
    if token_pattern:
        analyze = tfidf_rows.word_analyzer(token_pattern=token_pattern, lowercase=False, ngrams=ngrams)
    else:
        analyze = tfidf_rows.word_analyzer(stop_words=stop_words.english(), ngrams=ngrams)
    try:  # scikit-learn's TfidfVectorizer(sublinear_tf=True, ...), bit for bit, without its import
        return tfidf_rows.fit_transform(texts, analyze, min_df=min_df, dtype=np.float32, sublinear_tf=True)
    except ValueError:  # empty vocabulary (all texts empty or stop words only)
        # scipy-stubs types an all-zero (shape) matrix as float64 only: no overload takes dtype float32
        return sparse.csr_matrix((len(texts), 1), dtype=np.float32)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def static_model() -> StaticModel | None:
    """The shipped model2vec StaticModel, or None when the model folder is absent."""
    if not (MODEL_DIR / "config.json").exists():
        return None
    _no_progress_monitor()
    return load_static_model(MODEL_DIR)


def _no_progress_monitor() -> None:
    """Keep tqdm's monitor thread out of storyweave's processes.  model2vec builds a (disabled)
    tqdm bar on every `encode`, and tqdm's first bar starts a thread that takes tqdm's write lock
    every 10 s; a process forked while that thread holds the lock (the stages' `fork_map` workers
    fork after the events stage has encoded) hangs for ever on its own next `encode`.  Seen as a
    hung forked run in tests/reliability/test_crash_safety.py.  `monitor_interval = 0` is tqdm's
    documented switch; a monitor some other library already started is stopped."""
    from tqdm import tqdm

    tqdm.monitor_interval = 0
    if tqdm.monitor is not None:
        tqdm.monitor.exit()
        tqdm.monitor = None


def load_static_model(folder: Path) -> StaticModel:
    """`model2vec.StaticModel.from_pretrained(folder)` for a local folder in model2vec's own layout
    (`model.safetensors`, `tokenizer.json`, `config.json`, README front matter), the same model.

    Hand-written because `from_pretrained` imports `model2vec.persistence`, which imports the
    model-card code and through it huggingface_hub's hub client (httpx, anyio, trio, ...): ~0.19
    CPU-s of every cold `storyweave add`, for a folder that is read from disk, never fetched.
    The steps are `persistence.load_pretrained` and `model._loading_helper`'s for that case (no
    quantisation, no dimension reduction); `tests/nlp/test_represent.py` checks that the model
    equals `from_pretrained`'s (arrays, config, tokenizer, vectors of real texts bit for bit)."""
    import json
    from importlib import import_module

    from model2vec import StaticModel

    try:
        from model2vec.model import DEFAULT_MAX_LENGTH
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        yaml: Any = import_module("yaml")  # PyYAML (installed with model2vec; no stubs in the dev extra)
    except ImportError:  # another model2vec release's layout: its own loader
        return StaticModel.from_pretrained(str(folder))
    tensors = load_file(folder / "model.safetensors")
    embeddings = tensors["embeddings"]
    weights, mapping = tensors.get("weights"), tensors.get("mapping")
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    metadata = _front_matter(folder / "README.md", yaml)
    return StaticModel(vectors=embeddings, tokenizer=Tokenizer.from_file(str(folder / "tokenizer.json")),
                       weights=weights, token_mapping=mapping, config=config,
                       normalize=config.get("normalize", False), base_model_name=metadata.get("base_model"),
                       language=metadata.get("language"), max_length=config.get("max_length", DEFAULT_MAX_LENGTH))


def _front_matter(readme: Path, yaml: Any) -> dict[str, Any]:
    """The YAML front matter of a model card (what huggingface_hub's `ModelCard.load(...).data`
    holds for the keys read here), {} without one; `yaml`: the PyYAML module."""
    if not readme.exists():
        return {}
    text = readme.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return {}
    head = text.split("\n---", 1)[0].removeprefix("---")
    data = yaml.safe_load(head)
    return data if isinstance(data, dict) else {}


def encode(texts: Sequence[str]) -> np.ndarray | None:
    """The shipped static model's raw vectors of `texts` (one row each), None when the model is
    absent: the one call into the embedding model, for `embed` and the brief and analysis stages."""
    model = static_model()
    if model is None:
        return None
    return np.asarray(model.encode(list(texts)))


def embed(texts: Sequence[str], max_words: int = _EVENTS.embed_words) -> np.ndarray:
    """L2-normalised dense vectors of the first `max_words` words of each text (static MiniLM;
    TF-IDF + LSA fallback when the model is missing)."""
    texts = [" ".join(t.split()[:max_words]) for t in texts]
    vectors = encode(texts) if texts else None
    vectors = _lsa(texts) if vectors is None else vectors.astype(np.float32, copy=False)
    return _normalise(vectors)


def embedding_matrix(texts: Sequence[str]) -> np.ndarray | None:
    """`embed` of `texts` when the static model is shipped, else None (no LSA fallback): for the
    quote matcher and the timeline, which then go without meaning similarity."""
    if not texts or static_model() is None:
        return None
    return embed(texts)


def _lsa(texts: Sequence[str], dims: int = 128) -> np.ndarray:
    from sklearn.decomposition import TruncatedSVD

    matrix = tfidf(texts)
    k = min(dims, matrix.shape[0] - 1, matrix.shape[1] - 1)
    if k < 1:
        return matrix.toarray()
    reduced: np.ndarray = TruncatedSVD(n_components=k, random_state=0).fit_transform(matrix)  # sklearn is untyped
    return reduced.astype(np.float32)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit: np.ndarray = vectors / norms
    return unit


@lru_cache(maxsize=100_000)  # pure in its arguments: the stories stage asks twice per report, a warm process on every add
def entity_set(text: str, skip_sentence_openers: bool = False) -> frozenset[str]:
    """Cheap named-entity proxy: capitalised word sequences, lower-cased, minus common openers;
    with `skip_sentence_openers`, no one-word match that opens a sentence (`proper_names`)."""
    found = set()
    for match in _CAP_SEQ.finditer(text):
        count, name = _name_of(match.group(0))
        if not count or (skip_sentence_openers and count == 1
                         and _SENTENCE_START.search(text[max(0, match.start() - 3): match.start()])):
            continue
        if len(name) > 2:
            found.add(name)
    return frozenset(found)


@lru_cache(maxsize=200_000)  # the same capitalised runs ("The", "Trump") recur across texts: a cold add's first pass
def _name_of(surface: str) -> tuple[int, str]:
    """How many words of a capitalised run are not `_NOT_NAMES`, and those words as a lower-cased name."""
    words = [w for w in surface.split() if w.lower().strip(".") not in _NOT_NAMES]
    return len(words), " ".join(words).lower().strip(".'’")


# Ordinal words of general English (first to twentieth) and "2nd"-style numerals.
_ORDINAL_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
_ORDINAL = re.compile(
    r"\b(" + "|".join(_ORDINAL_WORDS) + r"|\d{1,2}(?:st|nd|rd|th))[\s-]+(?:straight\s+|consecutive\s+|annual\s+)?([a-z]{3,})\b",
    re.IGNORECASE,
)


_NOT_PHASES = {"time", "times", "half", "quarter", "place", "largest", "biggest", "most", "highest", "lowest"}


def ordinal_set(text: str) -> frozenset[tuple[str, int]]:
    """(noun, rank) of the ordinals in `text`: "the third round of talks" -> {("round", 3)}.
    Look-alike happenings of one matter are often told apart only by this."""
    out = set()
    for match in _ORDINAL.finditer(text):
        word, noun = match.group(1).lower(), match.group(2).lower()
        if noun in stop_words.english():
            continue
        if noun in _NOT_PHASES:  # "first time", "first half", "second this year": no phase
            continue
        rank = int(word[:-2]) if word[0].isdigit() else _ORDINAL_WORDS.index(word) + 1
        out.add((noun.rstrip("s"), rank))
    return frozenset(out)


_SENTENCE_START = re.compile(r"(?:^|[.!?]['\"’”]?\s+|\n\s*)$")


def proper_names(text: str) -> frozenset[str]:
    """`entity_set` without one-word matches that open a sentence ("Rescuers searched ..."):
    a capitalised word mid-sentence is a name, a sentence's first word often is not."""
    return entity_set(text, skip_sentence_openers=True)


def number_set(text: str) -> frozenset[str]:
    """Salient numbers ('12', '1.7 million', '56 percent'), normalised; skips 0-9 and years."""
    out = set()
    for match in _NUMBER.finditer(text):
        digits, scale = match.group(1).replace(",", ""), (match.group(2) or "").lower()
        try:
            value = float(digits)
        except ValueError:
            continue
        if not scale and (value < 10 or (1900 <= value <= 2100 and "." not in digits)):
            continue
        scale = {"%": "percent", "bn": "billion", "m": "million"}.get(scale, scale)
        out.add(f"{value:g} {scale}".strip())
    return frozenset(out)


def text_dates(text: str) -> list[date]:
    """Explicit full dates written in the text (`March 3, 2024`, `3 March 2024`, `2024-03-03`)."""
    return list(_text_dates(text))


@lru_cache(maxsize=100_000)  # pure in the text: a warm process reads only the new texts of an add
def _text_dates(text: str) -> tuple[date, ...]:
    found: list[date] = []
    for match in FULL_DATE_MDY.finditer(text):
        found += _mk(match.group(3), month_number(match.group(1)), match.group(2))
    for match in FULL_DATE_DMY.finditer(text):
        found += _mk(match.group(3), month_number(match.group(2)), match.group(1))
    for match in ISO_DATE.finditer(text):
        found += _mk(match.group(1), match.group(2), match.group(3))
    return tuple(found)


def _mk(year: str | int, month: str | int, day: str | int) -> list[date]:
    try:
        return [date(int(year), int(month), int(day))]
    except ValueError:
        return []


def article_day(article: Article, from_text: bool = True) -> date | None:
    """Publication date; else (with `from_text`) a date inferred from the text (teammate's
    resolver, else our own: a date near the top, else the latest date written anywhere).
    An event's date passes `from_text=False` (`events.date_from_text`): its reports went through
    `report_date` first, and one it left undated states no day of its own with confidence; the
    latest date it writes is mostly history it recalls (bare.md, bare5)."""
    if article.date:
        try:
            return date.fromisoformat(article.date)
        except ValueError:
            pass
    if not from_text:
        return None
    # the analysis stage's resolver (dateline, year-less dates)
    from storyweave.nlp.dates import infer_article_date

    try:
        inferred = infer_article_date(article.text, article.published)
        if inferred:
            return date.fromisoformat(str(inferred)[:10])
    except (ValueError, TypeError, AttributeError):
        pass  # a malformed date: fall back to the explicit dates below
    head = body_lead(article.text, 60)
    dates = text_dates(head) or text_dates(article.text)
    return max(dates) if dates else None


_WEEKDAYS = list(WEEKDAY_NAMES)
_WEEKDAY_RE = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r"|yesterday|today)\b", re.IGNORECASE)


def happening_day(article: Article, published: date | None) -> date | None:
    """The day the lead says the news happened ('on Tuesday' -> the last Tuesday on or before
    publication); the publication day when the lead names none."""
    if published is None:
        return None
    match = _WEEKDAY_RE.search(body_lead(article.text, 60))
    if not match:
        return published
    word = match.group(1).lower()
    if word == "today":
        return published
    if word == "yesterday":
        return published - timedelta(days=1)
    back = (published.weekday() - _WEEKDAYS.index(word)) % 7
    return published - timedelta(days=back)


def day_gaps(ordinals: np.ndarray, rows: np.ndarray | None = None, cols: np.ndarray | None = None) -> np.ndarray:
    """|day_i - day_j| for every pair of day ordinals, or for the pairs `rows` x `cols` of them (a
    block of the whole matrix; float64; NaN where a day is unknown)."""
    left = ordinals if rows is None else ordinals[rows]
    right = ordinals if cols is None else ordinals[cols]
    gaps: np.ndarray = np.abs(left[:, None] - right[None, :])
    return gaps


def set_self_pairs(block: np.ndarray, rows: np.ndarray, cols: np.ndarray, value: float = 1.0) -> None:
    """Set, in place, the cells of `block` (the pairs `rows` x `cols`, `cols` ascending) that pair an
    item with itself: the diagonal of the whole matrix, wherever it falls in a block of its rows."""
    at = np.searchsorted(cols, rows).clip(max=len(cols) - 1)
    own = np.flatnonzero(cols[at] == rows)
    block[own, at[own]] = value


def date_decay(gap: np.ndarray, half_life_days: float, floor: float = 0.0, undated: float = 1.0) -> np.ndarray:
    """floor + (1 - floor) * 0.5 ** (gap / half_life_days): similarity damping by the days
    between two items, shared by the events and stories stages; `undated` where a gap is NaN."""
    decay = floor + (1 - floor) * np.power(0.5, gap / half_life_days)
    return np.where(np.isnan(gap), undated, decay)


def cosine_matrix(rows: np.ndarray | sparse.csr_matrix) -> np.ndarray:
    """Pairwise cosine of L2-normalised rows as a dense float32 matrix."""
    if isinstance(rows, np.ndarray):
        return np.asarray(rows @ rows.T, dtype=np.float32)
    return np.asarray((rows @ rows.T).toarray(), dtype=np.float32)


def jaccard_matrix(sets: Sequence[frozenset[str]]) -> np.ndarray:
    """Pairwise Jaccard of small sets via a sparse incidence matrix."""
    incidence, sizes = jaccard_rows(sets)
    every = np.arange(len(sets))
    return jaccard_block(incidence, incidence.T.tocsr(), sizes, every, every)


def jaccard_rows(sets: Sequence[frozenset[str]]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """(incidence matrix, set sizes) of `sets`, for `jaccard_block`."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, s in enumerate(sets):
        for item in s:
            rows.append(i)
            cols.append(vocab.setdefault(item, len(vocab)))
    n = len(sets)
    incidence = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, max(len(vocab), 1))
    )
    return incidence, np.asarray([len(s) for s in sets], dtype=np.float32)


def jaccard_block(incidence: sparse.csr_matrix, transposed: sparse.csr_matrix, sizes: np.ndarray, rows: np.ndarray,
                  cols: np.ndarray) -> np.ndarray:
    """Jaccard of the sets `rows` x `cols` (`jaccard_rows`; `transposed`: the incidence's transpose, CSR)."""
    right = transposed if len(cols) == transposed.shape[1] else transposed[:, cols]
    inter = (incidence[rows] @ right).toarray()
    union = sizes[rows][:, None] + sizes[cols][None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(union > 0, inter / union, 0.0)
    return out.astype(np.float32)


def lead_weekday(article: Article) -> str | None:
    """The first weekday named in the report's first sentence ("... on Thursday"), lower-case."""
    match = _WEEKDAY_RE.search(title_or_first_sentence(article, limit=400))
    word = match.group(1).lower() if match else None
    return word if word in _WEEKDAYS else None
