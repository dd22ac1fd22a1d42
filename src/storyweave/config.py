"""Every tunable knob of storyweave, typed, validated, with the defaults the benchmarks use.

One frozen dataclass per stage (sections named as in `pipeline.STAGES`, plus `readers` and
`run` for the edges) and one `Config` that holds them.  Load it from a TOML file whose tables
are the sections (`Config.from_file`), change single knobs with `"stage.key=value"` strings
(`Config.with_overrides`, the CLI's `--set`), or build it in Python
(`Config(brief=BriefConfig(summary_words=80))`, `config.replace("brief.summary_words", 80)`).
An unknown section or key, or a value of the wrong type, raises `ConfigError` naming the key.

Only knobs live here (thresholds, weights, sizes the benchmarks tuned); true constants (patterns,
format versions) stay in their modules.  Caches derived from a stage's result are keyed on the
hash of the sections that decide it (`analysis.parsed.fingerprint`), so changing a knob never
reuses results computed with the old value.

This module imports nothing from storyweave: every layer may read it.
"""

from __future__ import annotations

import dataclasses
import datetime
import tomllib
import types
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_D = TypeVar("_D", bound="DataclassInstance")

__all__ = [
    "AnalyzeConfig", "BriefConfig", "CleanConfig", "Config", "ConfigError", "DedupConfig", "DiscrepancyParams", "EventsConfig", "FactParams",
    "HeadlineParams", "LanguageConfig", "LimitConfig", "ReadersConfig", "RunConfig", "StoriesConfig", "SummaryParams",
]


class ConfigError(ValueError):
    """A configuration key that does not exist or a value of the wrong type (the message names the key)."""


@dataclass(frozen=True)
class RunConfig:
    """How the stages run (never changes a result)."""

    processes: int = 0  # worker processes (parses, event analyses, briefs, line rules, report pages); 0: $STORYWEAVE_PROCESSES, else every usable core
    min_texts_per_process: int = 16  # fewer texts than this per worker: parse in this process (no fork)


@dataclass(frozen=True)
class ReadersConfig:
    """Input readers; TOML table `[readers]`."""

    max_file_mb: int = 64  # larger input files are reported and not read


@dataclass(frozen=True)
class CleanConfig:
    """Boilerplate removal (the clean stage); TOML table `[clean]`."""

    min_articles: int = 3  # a non-sentence line in >= this many unrelated articles is chrome
    min_outlet_articles: int = 2  # ... or in >= this many unrelated articles of one outlet
    copy_containment: float = 0.3  # articles sharing this share of the smaller one's word 4-grams are copies
    edge_lines: int = 2  # sentences recurring as the first/last this many kept lines of unrelated articles ...
    # ... are boilerplate


@dataclass(frozen=True)
class LimitConfig:
    """Size limits of the analysis; TOML table `[limit]`."""

    max_article_chars: int = 200_000  # longer articles are analysed on their first part only (limits.py)


@dataclass(frozen=True)
class LanguageConfig:
    """Language identification (the language stage); TOML table `[language]`."""

    min_chars: int = 20  # shorter texts are not identified (None)
    min_letters: int = 10
    max_chars: int = 3000  # the first few paragraphs are plenty and keep it fast
    min_score: float = 0.3  # below this the guess is reported as unknown


@dataclass(frozen=True)
class DedupConfig:
    """Duplicate detection (the dedup stage); TOML table `[dedup]`."""

    near_containment: float = 0.7  # sampled-shingle containment that makes a near copy unverified ...
    near_longer: float = 0.3  # ... when the shared text is also this share of the longer text
    verify_containment: float = 0.25  # below this only wire passages are looked for
    min_shared: int = 5  # shared fingerprints (~20 shared shingles) before a pair is verified
    min_stem_containment: float = 0.6  # cheap pre-filter of rewrite candidates (shorter's stems in other)
    rewrite_threshold: float = 0.4  # TF-IDF cosine for a rewrite candidate
    anchor_threshold: float = 0.2  # anchor cosine for a translation candidate
    top_k: int = 2  # translation candidates: duplicate groups checked per article
    rewrite_top_k: int = 1  # rewrite candidates: TF-IDF neighbours per group representative
    translation_pool: int = 10  # anchor neighbours looked at per article (checked: top_k groups)
    translation_margin: float = 0.1  # translation links within this of the article's best match
    kinds: tuple[str, ...] = ("exact", "near", "rewrite", "translation", "wire")  # what to look for
    min_coverage: float = 0.7  # aligned share of the shorter text's sentences
    # processes for the vectorised passes (forked pool, same result); 1 by default because on a
    # shared 2-core machine a second process gave no gain in measurements (see benchmarks/results)
    workers: int = 1
    parallel_min_articles: int = 3000  # smaller batches always run in process
    # wire copy: shared narrative sentences alone, or shared quotations plus narrative, or a long
    # run of shared quotations (see verify.shares_wire)
    wire_min_narrative: int = 2
    wire_min_with_quotes: int = 1
    wire_min_quotes: int = 1
    wire_min_quotes_alone: int = 6
    wire_mostly: float = 0.5  # share of the shorter report's sentences in a wire copy both carry: one report
    # signatures (dedup/signatures.py)
    shingle_words: int = 5  # words per shingle
    sample_mod: int = 4  # keep shingles whose mixed hash is 0 mod this (Broder's mod-m sampling)
    stem_chars: int = 6  # crude stemming: word prefix of this length
    shingle_content_words: int = 2  # content words a shingle needs to be fingerprinted
    wire_unit_words: int = 8  # sentences this long are hashed for the wire-passage index ...
    # ... and count as a shared wire sentence (dedup/verify.py)
    # verification (dedup/verify.py)
    unit_words: int = 4  # shorter units (datelines, captions) are not units
    unit_stems: int = 4  # units with fewer distinct content stems are not compared
    footer_units: int = 2  # shared sentences among the last this many of both texts alone are a sign-off
    near_verbatim: int = 90  # rapidfuzz ratio (0-100) of two units that are one sentence lightly edited


@dataclass(frozen=True)
class HeadlineParams:
    """Headlines made for reports without one (`headline.py`); TOML table `[events.headline]`."""

    max_chars: int = 90  # the usual length of a news headline
    min_words: int = 4  # shorter leads and cuts are not headline-like


@dataclass(frozen=True)
class EventsConfig:
    """Clustering reports into events (the events stage); TOML table `[events]`."""

    threshold: float = 0.11  # average-linkage similarity above which groups merge
    weight_body: float = 2.0  # TF-IDF of title + body, unigrams and bigrams
    weight_headline: float = 1.0  # TF-IDF of title + lead
    weight_title: float = 1.0  # TF-IDF of the title (first sentence for untitled reports)
    weight_embedding: float = 0.0  # static MiniLM of title + lead, centred (off: no gain measured)
    weight_names: float = 0.0  # TF-IDF of the capitalised names in title + body (off: no gain measured)
    half_life_days: float = 14.0  # similarity decays towards `date_floor` with this half-life
    date_floor: float = 0.5  # share of similarity kept however far apart two reports are
    veto_gap_days: int = 3  # reports of days this far apart are different happenings ...
    same_report_similarity: float = 0.6  # ... unless their texts are this close (a late re-run)
    follow_up_days: int = 7  # ... or they lie fewer days apart than this and their texts are ...
    follow_up_similarity: float = 0.3  # ... this close (a follow-up report; the look-alike check still applies)
    lookalike_gap_days: int = 2  # reported days this far apart + diverging specifics: veto
    lookalike_max_gap_days: int = 14  # beyond this, the date decay alone separates happenings
    min_numbers: int = 3  # numbers each side needs before disjoint numbers count as diverging
    stickiness: float = 0.0  # bonus for stored pairs already in one event (streaming; 0.05 cost precision)
    max_batch: int = 6000  # above this many units, streaming narrows to candidate events
    dense_max_units: int = 5000  # above this many units, the batch is clustered in the parts its similar pairs link (memory: events/blocks.py)
    block_cells: int = 4_000_000  # ... whose similarities are computed this many pairs at a time
    candidate_similarity: float = 0.35  # centroid cosine that makes a stored event a candidate
    candidate_window_days: int = 45  # ... and at most this many days away
    incremental_max_new: int = 20  # `add` of at most this many new articles works on the events near them only
    incremental_max_events: int = 100  # ... the most similar this many stored events (centroid cosine, window above) ...
    incremental_min_similarity: float = 0.2  # ... of at least this cosine (news_cluster one by one: 40 / 0.35 event F1 0.705, 100 / 0.2 0.728, all 0.737)
    incremental_copy_similarity: float = 0.95  # ... and, whatever their date, the events of reports whose title + lead is this close (copies)
    incremental_keep_stored: bool = True  # ... and re-clusters/re-links it with `keep_stored` (events and stories; its similarities are fitted on it alone)
    keep_stored: bool = False  # stored events neither merge nor split: new reports join one or open their own (set by the incremental add)
    fit_size: int = 0  # reports the TF-IDF views stand for (0: those compared); the incremental add sets the store's size (its working set fits as the store would, min_df)
    undated_factor: float = 0.9  # similarity kept for a pair with a date unknown (no date evidence; 2-fold tuned)
    undated_specifics: bool = False  # undated pairs: diverging specifics veto too (no day gap needed)
    disjoint_names: bool = True  # look-alikes naming no place/person in common are different happenings ...
    min_names: int = 1  # ... when each names at least this many (name words, possessives dropped)
    body_dates: bool = True  # cluster on report dates inferred from far down the text too (off: mixed on the halves, see bare.md)
    # an event's shown date may come from a date a member's text merely writes, for a report `report_date` left
    # undated (`represent.article_day`'s fallback: mostly history it recalls; off since bare5: 20 -> 9 wrong event
    # dates on news_cluster bare, clustering unchanged; the clustering still reads those days, see bare.md)
    date_from_text: bool = False
    # ... or from a report day inferred from far down its text ("body"): off since the tenth session (then mostly a day
    # the report recalls), on again since the twelfth, where a body date must be an embedded post's, a caption's or a
    # correction note's (`date_body_self_dated`): news_cluster bare 11 -> 19 right event dates, 0 wrong (bare.md)
    weak_event_dates: bool = True
    veto_date_sources: str = "strong"  # days that may veto a pair: "all", "strong" (not inferred from far down the text, not an undated report's), "header"
    confident_report_dates: bool = True  # bare text: the "latest stated date" is the report's date only when the text corroborates it
    weekday_veto: bool = False  # look-alike leads naming different weekdays (off: precision up, F1 not, 2-fold)
    weekday_factor: float = 0.7  # similarity kept when the first sentences name different weekdays (2-fold: bare.md)
    placeholder_copies: int = 5  # a short text carried verbatim by this many reports or more ...
    placeholder_words: int = 150  # ... (fewer words than this) is a scraper placeholder, not news
    # ... and so is a short text carried by this many reports or more (fewer than `placeholder_copies`) when no
    # paragraph of it ends like a sentence: a crawl notice, a list of labels (noise8: one look-alike merge, bare.md)
    placeholder_copies_unsentenced: int = 2
    veto_penalty: float = 0.0  # distance added beyond "unrelated" (1.0) for a vetoed pair
    # Linkage cut by group size (bare text: 2-fold, benchmarks/results/bare.md "bare4"): two groups of 2+
    # undated reports each are two happenings unless their mean similarity exceeds `group_threshold`
    # (look-alikes: one matter at two times); any other merge with an undated report needs `single_threshold`
    # (one more outlet's angle). A batch with no undated report is cut at `threshold` as before.
    group_threshold: float = 0.13  # (<= threshold: off, every merge at `threshold`)
    group_undated_only: bool = True  # count only undated reports towards "2+" (false: every report)
    single_threshold: float = 0.10
    # a report the linkage left alone joins the cluster it is clearly closest to (events/lone.py): mean
    # similarity at least `lone_threshold` and `lone_ratio` times that to any other cluster (0: off)
    lone_threshold: float = 0.07
    lone_ratio: float = 1.5
    lone_undated_only: bool = True  # ... only a report with no date (a dated one has the dates' evidence)
    size_cut_rows: int = 3000  # ... above this many rows the plain linkage tree is cut by size instead (speed: 3,000 rows take ~4 s)
    lead_words: int = 80  # words of body that count as the lead (title + lead view, embeddings)
    embed_words: int = 400  # words of body fed to the static model (mean pooling dilutes long texts)
    # a report's own date read from its text (report_date.py)
    date_lead_chars: int = 600  # a date this near the top is more likely the report's own
    date_header_lines: int = 6  # lines at the top where a labelled date or a dateline counts as the report's own
    date_max_ahead_days: int = 14  # a date this far after every other stated date is a schedule, not "today"
    date_not_now_chars: int = 40  # how far before a date a span/deadline cue ("due", "until") is looked for
    # a date found only far down the text dates the report only when it is the date of something dated
    # inside it (an embedded post, a photo caption, a correction note), not a day its narrative names
    date_body_self_dated: bool = True
    headline: HeadlineParams = field(default_factory=HeadlineParams)


@dataclass(frozen=True)
class StoriesConfig:
    """Linking events into stories (the stories stage); TOML table `[stories]`."""

    threshold: float = 0.0975  # average-linkage similarity (over reports) above which event groups join
    weight_body: float = 1.0  # TF-IDF of title + body, unigrams and bigrams
    weight_headline: float = 0.0  # TF-IDF of title + lead
    weight_title: float = 0.25  # TF-IDF of the title (headlines of one story change wording)
    weight_names: float = 0.0  # TF-IDF of the capitalised names in the text (off: no gain measured)
    weight_key_entities: float = 0.1  # bonus x Jaccard of the events' key entities ...
    key_entities_half_life_days: float = 7.0  # ... halved every this many days between the events
    key_entities_undated: float = 0.0  # ... and kept at this share when an event is undated (no evidence of the same weeks; 1.0 before, 2-fold: bare.md)
    half_life_days: float = 30.0  # stories decay slower than events (14 days)
    date_floor: float = 0.6  # share of similarity kept however far apart (long-running stories)
    max_articles: int = 6000  # above this many originals, use one document per event
    max_events: int = 3000  # above this many events, streaming re-links only those near new ones
    weight_entities: float = 0.5  # weight of shared-entity Jaccard beside text cosine (large batches)
    max_gap_days: int = 120  # large batches: events further apart than this never join directly
    undated_factor: float = 0.9  # similarity kept for reports with a date unknown (no date evidence; 2-fold tuned)
    shared_names: float = -1.0  # events whose names (`story_names`) overlap below this Jaccard never join ...
    names_undated_only: bool = True  # ... when one of them is undated
    placeholders_alone: bool = True  # a page copied verbatim under many stories (`events.view.placeholder_ids`) links none
    group_threshold: float = 0.12  # two undated events of 2+ reports each join only above this (<= threshold: off; 2-fold, bare.md "bare4")
    cohesion: float = 0.41  # two events of 2+ reports, one undated, join only when alike across >= this x within (0: off; 2-fold, bare.md ninth session)
    keep_stored: bool = False  # stored stories neither merge nor split: new events join one or open their own (set by the incremental add)
    fit_size: int = 0  # reports the TF-IDF views stand for (0: those compared; set by the incremental add, as events.fit_size)
    lead_words: int = 80  # words of body that count as the lead (title + lead view)
    day_from_text: bool = True  # an undated event is timed, for linking only, by the days its reports' texts give (as before bare5)


@dataclass(frozen=True)
class DiscrepancyParams:
    """When two figures count one thing and disagree (`analysis.numbers`); TOML table `[analyze.discrepancies]`.
    The cosines were tuned 2-fold on benchmarks/data/number_pairs.jsonl (benchmarks/number_pairs.py)."""

    min_value: float = 10.0  # small counts ("two missiles", "three gorillas") mostly name different things
    max_days_apart: int = 3  # figures reported further apart describe different moments of a long story
    predicate_sim: float = 0.45  # embedding cosine at which two predicates ('killed'/'died') name one happening
    noun_sim: float = 0.6  # ... and two different counted nouns ('girls'/'schoolgirls') one thing
    min_shared_context: int = 2  # content stems near both figures when neither says what happened
    max_ratio: float = 2.0  # values further apart than this are different things counted
    rounding: float = 0.10  # a bound or estimate within this share of an exact figure is that figure rounded
    pair_groups: bool = True  # also compare discrepant pairs the first-fit grouping put in different groups
    drop_updates: bool = False  # one article giving several values of a thing is an update story: skip them (off)


@dataclass(frozen=True)
class AnalyzeConfig:
    """Entities, quotes, figures and timeline (the analyze stage); TOML table `[analyze]`."""

    reference_date: str | None = None  # ISO date; resolves dates when nothing else anchors them
    timeline_max: int = 30  # timeline entries kept per event
    timeline_same_happening: float = 0.8  # static-embedding cosine of two same-date sentences telling one happening
    discrepancies: DiscrepancyParams = field(default_factory=DiscrepancyParams)
    quote_min_words: int = 4  # shorter quotations are kept only when a speaker is named for them
    gazetteer_min_name: int = 4  # shorter names are not looked up as places
    min_person_place_population: int = 200_000  # a lone 'PERSON' span naming a place this big is the place
    # spaCy's memory grows with a Doc's length (about 3 KB per character): longer fragments of a text
    # (parsed._fragments) are parsed in pieces cut at paragraph (else sentence, else space) breaks
    # (reliability, issue 9); above the
    # longest article of the shared benchmarks (47,844).  Parses of longer texts are cached per size.
    piece_chars: int = 50_000


@dataclass(frozen=True)
class SummaryParams:
    """Scoring of summary sentences (`brief.summary`); TOML table `[brief.summary]`."""

    centrality_weight: float = 1.0  # TF-IDF cosine to the event centroid
    dense_weight: float = 0.5  # static-embedding cosine to the event centroid (when embeddings given)
    position_weight: float = 0.5  # weight of the lead prior 1 / (1 + index / position_scale)
    position_scale: float = 4.0
    support_weight: float = 0.5  # weight of mean best-match similarity in the other articles
    spread_weight: float = 0.5  # weight of the share of other articles using the sentence's content words
    quote_weight: float = 0.2  # bonus for a sentence carrying a quotation
    redundancy: float = 0.4  # skip a sentence this similar to one already chosen
    same_content: float = 0.65  # cosine at which two sentences count as the same content
    min_words: int = 6  # shorter sentences are rarely informative on their own
    max_words: int = 80
    mmr_weight: float = 2.5  # maximal marginal relevance: score - weight * similarity to chosen
    paraphrase: float = 0.85  # skip a sentence whose embedding cosine to a chosen one reaches this
    fill_tolerance: float = 0.0  # a budget-filling swap may lose this much MMR value per sentence
    check_verb: bool = True


@dataclass(frozen=True)
class FactParams:
    """When two sentences of different articles state one fact (`brief.facts`); TOML table `[brief.facts]`."""

    link: float = 0.5  # TF-IDF cosine of an aligned paraphrase
    link_anchored: float = 0.3  # ... enough when the two also share a number
    link_dense: float = 0.78  # static-embedding cosine enough when they share two names
    link_dense_anchored: float = 0.6  # embedding cosine enough when a quantity (not a date) is shared


@dataclass(frozen=True)
class BriefConfig:
    """Summaries, facts and outlet comparison (the brief stage); TOML table `[brief]`."""

    summary_words: int = 120  # length of each event's summary
    max_facts: int = 25  # facts kept per event
    max_only_here: int = 5  # facts listed per outlet as reported by it alone
    max_candidate_sentences: int = 3000  # keeps the sentence similarity matrix small on huge events
    sentence_min_words: int = 6  # shorter sentences are not candidates for summaries and facts ...
    sentence_max_words: int = 80  # ... nor longer ones (run-on scrapes)
    # share of a reworded sentence's content words its cited sentences must hold (optional LLM
    # rewording, read at the edge after the stages: no stage reads it, so no cache key holds it)
    min_content_recall: float = field(default=0.7, repr=False)
    summary: SummaryParams = field(default_factory=SummaryParams)
    facts: FactParams = field(default_factory=FactParams)


SECTIONS = ("run", "readers", "clean", "limit", "language", "dedup", "events", "stories", "analyze", "brief")


@dataclass(frozen=True)
class Config:
    """All knobs, one section per stage (see the module docstring)."""

    run: RunConfig = field(default_factory=RunConfig)
    readers: ReadersConfig = field(default_factory=ReadersConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    limit: LimitConfig = field(default_factory=LimitConfig)
    language: LanguageConfig = field(default_factory=LanguageConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    events: EventsConfig = field(default_factory=EventsConfig)
    stories: StoriesConfig = field(default_factory=StoriesConfig)
    analyze: AnalyzeConfig = field(default_factory=AnalyzeConfig)
    brief: BriefConfig = field(default_factory=BriefConfig)

    # -- loading

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        """A Config from nested tables `{section: {key: value}}` (missing keys keep their default)."""
        return _build(cls, data, "")

    @classmethod
    def from_file(cls, path: str | Path) -> Config:
        """A Config from a TOML file whose tables are the sections (`[events]`, `[brief.summary]`...)."""
        try:
            with open(path, "rb") as f:
                data = tomllib.load(f)
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML ({exc})") from exc
        try:
            return cls.from_dict(data)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from exc

    def replace(self, key: str, value: Any) -> Config:
        """A copy with the knob at dotted `key` (e.g. "events.threshold") set to `value` (validated)."""
        parts = key.split(".")
        return _set(self, parts, value, "")

    def with_values(self, values: dict[str, Any]) -> Config:
        """A copy with each dotted key of `values` set (`{"events.threshold": 0.12}`), validated."""
        config = self
        for key, value in values.items():
            config = config.replace(key, value)
        return config

    def with_overrides(self, assignments: list[str] | tuple[str, ...]) -> Config:
        """A copy with each `"section.key=value"` applied in order; the value is read as a TOML
        value (`0.2`, `true`, `"x"`, `["exact", "near"]`), else as a plain string."""
        config = self
        for assignment in assignments:
            key, sep, raw = assignment.partition("=")
            if not sep or not key.strip():
                raise ConfigError(f"'{assignment}': expected section.key=value")
            config = config.replace(key.strip(), _parse_value(raw.strip()))
        return config

    # -- reading

    def to_dict(self) -> dict[str, Any]:
        """Nested plain values, the shape `from_dict` and TOML files take."""
        return dataclasses.asdict(self)


def _parse_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(cls: type[_D], data: Any, where: str) -> _D:
    if not isinstance(data, dict):
        raise ConfigError(f"{where or 'config'}: expected a table, got {type(data).__name__}")
    hints = _hints(cls)
    names = {f.name for f in fields(cls)}
    for key in data:
        if key not in names:
            raise ConfigError(f"unknown {'key' if where else 'section'} '{where}{key}'"
                              f" (known: {', '.join(sorted(names))})")
    values = {}
    for key, value in data.items():
        hint = hints[key]
        if isinstance(hint, type) and is_dataclass(hint):
            values[key] = _build(hint, value, f"{where}{key}.")
        else:
            values[key] = _coerce(value, hint, f"{where}{key}")
    return cls(**values)


def _set(obj: _D, parts: list[str], value: Any, where: str) -> _D:
    name = parts[0]
    names = {f.name for f in fields(obj)}
    if name not in names:
        raise ConfigError(f"unknown {'key' if where else 'section'} '{where}{name}'"
                          f" (known: {', '.join(sorted(names))})")
    hint = _hints(type(obj))[name]
    if isinstance(hint, type) and is_dataclass(hint):
        if len(parts) == 1:
            if isinstance(value, hint):
                return dataclasses.replace(obj, **{name: value})
            return dataclasses.replace(obj, **{name: _build(hint, value, f"{where}{name}.")})
        return dataclasses.replace(obj, **{name: _set(getattr(obj, name), parts[1:], value, f"{where}{name}.")})
    if len(parts) > 1:
        raise ConfigError(f"unknown key '{where}{'.'.join(parts)}' ('{where}{name}' is a value, not a table)")
    return dataclasses.replace(obj, **{name: _coerce(value, hint, f"{where}{name}")})


def _coerce(value: Any, hint: Any, key: str) -> Any:
    """`value` checked against the type `hint` (ints are taken for floats, lists for tuples,
    TOML dates for strings); anything else raises ConfigError naming `key`."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        args = typing.get_args(hint)
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _coerce(value, arg, key)
            except ConfigError as exc:
                errors.append(exc)
        raise errors[0]
    if origin is tuple:
        (item, _) = typing.get_args(hint)
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{key}: expected a list, got {value!r}")
        return tuple(_coerce(v, item, key) for v in value)
    if hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif hint is str:
        if isinstance(value, str):
            return value
        if isinstance(value, datetime.date):  # TOML `reference_date = 2024-01-10` (unquoted)
            return value.isoformat()
    else:
        raise ConfigError(f"{key}: unsupported type {hint}")
    raise ConfigError(f"{key}: expected {hint.__name__}, got {value!r}")
