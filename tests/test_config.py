"""One typed, validated configuration: defaults, TOML files, overrides, CLI, cache keys."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from storyweave.cli import app
from storyweave.config import Config, ConfigError, SummaryParams
from storyweave.model import Article, Corpus, Event
from storyweave.nlp.text import count_words
from storyweave.settings import Settings
from storyweave.stages.analysis import analyze_events
from storyweave.stages.brief import build_briefings
from storyweave.stages.language import detect_languages

QUAKE = ("A magnitude 6.1 earthquake struck the mountain town of Valdoria on Monday, officials said. "
         "At least 1.7 million people lost power across the region on Monday night. "
         '"We need help now," said Mayor Ana Varga on Tuesday.')
QUAKE_2 = ("An earthquake of magnitude 6.1 hit the mountain town of Valdoria on Monday. "
           "Officials said 1.5 million people lost power across the region. "
           "Rescue teams from three neighbouring provinces arrived in Valdoria on Tuesday morning.")


def test_defaults_are_the_values_the_stage_constants_had():
    c = Config()
    # the old Settings fields
    assert (c.brief.summary_words, c.analyze.reference_date, c.clean.min_articles, c.clean.min_outlet_articles,
            c.limit.max_article_chars, c.readers.max_file_mb) == (120, None, 3, 2, 200_000, 64)
    # old module constants and `settings.extra` fallbacks
    assert (c.clean.copy_containment, c.clean.edge_lines) == (0.3, 2)
    assert (c.language.min_chars, c.language.min_letters, c.language.max_chars, c.language.min_score) == (20, 10, 3000, 0.3)
    assert (c.brief.max_facts, c.brief.max_only_here, c.brief.max_candidate_sentences) == (25, 5, 3000)
    assert (c.analyze.timeline_max, c.analyze.timeline_same_happening, c.run.processes) == (30, 0.8, 0)
    d = c.analyze.discrepancies
    assert (d.min_value, d.max_days_apart, d.predicate_sim, d.noun_sim, d.min_shared_context, d.max_ratio,
            d.rounding) == (10, 3, 0.45, 0.6, 2, 2.0, 0.10)
    assert (c.brief.facts.link, c.brief.facts.link_anchored, c.brief.facts.link_dense,
            c.brief.facts.link_dense_anchored) == (0.5, 0.3, 0.78, 0.6)
    assert (c.events.threshold, c.stories.threshold, c.dedup.near_containment) == (0.11, 0.0975, 0.7)
    assert c.brief.summary == SummaryParams() and c.brief.summary.same_content == 0.65
    assert c.brief.min_content_recall == 0.7  # was `brief.abstractive.MIN_CONTENT_RECALL`
    assert Settings() == c  # the old name builds the same defaults


def test_old_settings_keywords_map_onto_the_sections():
    old = Settings(summary_words=60, max_article_chars=5000,
                   extra={"events.threshold": 0.2, "dedup": {"kinds": ["exact"]}, "brief": {"redundancy": 0.3, "max_facts": 4},
                          "timeline_max": 7, "parse_processes": 2})
    assert (old.brief.summary_words, old.limit.max_article_chars, old.events.threshold) == (60, 5000, 0.2)
    assert (old.dedup.kinds, old.brief.summary.redundancy, old.brief.max_facts) == (("exact",), 0.3, 4)
    assert (old.analyze.timeline_max, old.run.processes) == (7, 2)
    with pytest.raises(ConfigError, match="stories.no_such_knob"):
        Settings(extra={"stories.no_such_knob": 1})  # dropped silently before


def test_unknown_keys_and_wrong_types_are_errors_naming_the_key():
    with pytest.raises(ConfigError, match="'events.treshold'"):
        Config().with_overrides(["events.treshold=0.2"])
    with pytest.raises(ConfigError, match="unknown section 'event'"):
        Config.from_dict({"event": {"threshold": 0.2}})
    with pytest.raises(ConfigError, match="'brief.summary.nope'"):
        Config.from_dict({"brief": {"summary": {"nope": 1}}})
    with pytest.raises(ConfigError, match="events.max_batch: expected int"):
        Config().replace("events.max_batch", 2.5)
    with pytest.raises(ConfigError, match="events.disjoint_names: expected bool"):
        Config().with_overrides(["events.disjoint_names=1"])
    with pytest.raises(ConfigError, match="brief.summary_words"):
        Config().with_overrides(["brief.summary_words=many"])
    with pytest.raises(ConfigError, match="expected section.key=value"):
        Config().with_overrides(["events.threshold"])


def test_overrides_are_typed_from_their_text():
    c = Config().with_overrides(["events.threshold=0.2", "events.weekday_veto=true", "dedup.kinds=[\"exact\", \"near\"]",
                                 "analyze.reference_date=2024-01-10", "brief.summary.redundancy=1"])
    assert c.events.threshold == 0.2 and c.events.weekday_veto is True
    assert c.dedup.kinds == ("exact", "near")
    assert c.analyze.reference_date == "2024-01-10"
    assert c.brief.summary.redundancy == 1.0 and isinstance(c.brief.summary.redundancy, float)
    assert Config().events.threshold == 0.11  # copies: the original is unchanged


def test_toml_file(tmp_path):
    path = tmp_path / "storyweave.toml"
    path.write_text('[events]\nthreshold = 0.15\n\n[analyze]\nreference_date = 2024-03-01\n\n'
                    '[brief]\nsummary_words = 80\n\n[brief.summary]\nmmr_weight = 3\n', encoding="utf-8")
    c = Config.from_file(path)
    assert (c.events.threshold, c.analyze.reference_date, c.brief.summary_words) == (0.15, "2024-03-01", 80)
    assert c.brief.summary.mmr_weight == 3.0 and c.stories == Config().stories
    assert Config.from_dict(c.to_dict()) == c
    path.write_text("[events]\nthreshhold = 0.15\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"storyweave.toml: unknown key 'events.threshhold'"):
        Config.from_file(path)
    path.write_text("[events\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TOML"):
        Config.from_file(path)


def _inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Quake hits Valdoria\n\n" + QUAKE, encoding="utf-8")
    (folder / "b.txt").write_text("Valdoria earthquake\n\n" + QUAKE_2, encoding="utf-8")
    return folder


def _summary_words(out) -> list[int]:
    doc = json.loads((out / "briefings.json").read_text(encoding="utf-8"))
    return [sum(count_words(s["text"]) for s in e["summary"]) for e in doc["events"]]


def test_cli_config_file_and_set(tmp_path):
    # by default the event's summary has more than 30 words (test_brief_cache_follows_the_brief_section_only)
    runner, inputs = CliRunner(), _inputs(tmp_path)
    conf = tmp_path / "c.toml"
    conf.write_text("[brief]\nsummary_words = 200\n", encoding="utf-8")
    result = runner.invoke(app, ["run", str(inputs), "--out", str(tmp_path / "o2"), "--db", str(tmp_path / "2.db"),
                                 "--config", str(conf), "--words", "100", "--set", "brief.summary_words=30"])
    assert result.exit_code == 0, result.output
    words = _summary_words(tmp_path / "o2")
    assert words and max(words) <= 30  # --set is applied last


@pytest.mark.parametrize("args, key", [
    (["--set", "events.treshold=0.2"], "events.treshold"),
    (["--set", "limit.max_article_chars=lots"], "limit.max_article_chars"),
    (["--config", "CONF"], "clean.min_article"),
])
@pytest.mark.parametrize("command", ["run", "add", "report"])
def test_cli_bad_config_is_one_line_usage_error(tmp_path, command, args, key):
    conf = tmp_path / "c.toml"
    conf.write_text("[clean]\nmin_article = 2\n", encoding="utf-8")
    paths = [] if command == "report" else [str(tmp_path)]
    result = CliRunner().invoke(app, [command, *paths, "--db", str(tmp_path / "s.db"),
                                      *[str(conf) if a == "CONF" else a for a in args]])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and key in lines[0]
    assert not (tmp_path / "s.db").exists()  # nothing was read or written


def _brief_corpus() -> Corpus:
    articles = [Article(id=i, text=t, raw_text=t, language="en") for i, t in (("a", QUAKE), ("b", QUAKE_2))]
    return Corpus(articles=articles, events=[Event(id="e1", article_ids=["a", "b"])])


def test_brief_cache_follows_the_brief_section_only():
    first = build_briefings(_brief_corpus(), Config())
    assert first.work["brief"] == 1
    assert sum(count_words(s.text) for s in first.events[0].summary) > 30

    def rerun(config: Config) -> int:
        return build_briefings(Corpus(articles=_brief_corpus().articles, events=_brief_corpus().events,
                                      cache=first.cache), config).work["brief"]

    assert rerun(Config()) == 0
    assert rerun(Config().with_values({"events.threshold": 0.3, "run.processes": 1})) == 0  # not read by brief
    assert rerun(Config().replace("brief.summary_words", 40)) == 1
    assert rerun(Config().replace("brief.summary.redundancy", 0.9)) == 1
    assert rerun(Config().replace("brief.facts.link", 0.9)) == 1
    assert rerun(Config().replace("brief.min_content_recall", 0.5)) == 0  # read only by the rewording at the edge


def test_language_cache_follows_the_language_section_only():
    first = detect_languages(_brief_corpus(), Config())
    assert first.work["language"] == 2

    def rerun(config: Config) -> int:
        return detect_languages(Corpus(articles=_brief_corpus().articles, cache=first.cache), config).work["language"]

    assert rerun(Config().replace("brief.summary_words", 40)) == 0
    assert rerun(Config().replace("language.min_score", 0.5)) == 2


def test_analysis_cache_follows_the_analyze_section_only():
    first = analyze_events(_brief_corpus(), Config())
    assert first.work["analyze"] == 1 and first.work["parse"] == 2

    def rerun(config: Config) -> dict[str, int]:
        return analyze_events(Corpus(articles=_brief_corpus().articles, events=_brief_corpus().events,
                                     cache=first.cache), config).work

    assert rerun(Config().replace("brief.summary_words", 40)) == {"parse": 0, "analyze": 0}
    assert rerun(Config().replace("analyze.timeline_max", 1)) == {"parse": 0, "analyze": 1}  # parses do not depend on it
    assert rerun(Config().replace("analyze.discrepancies.max_ratio", 3.0)) == {"parse": 0, "analyze": 1}


def test_python_api_takes_a_config():
    import storyweave

    records = [{"id": "a", "text": QUAKE}, {"id": "b", "text": QUAKE_2}]
    result = storyweave.run(records, config=storyweave.Config().replace("brief.summary_words", 30))
    assert result.events and all(sum(count_words(s.text) for s in e.summary) <= 30 for e in result.events)
    with pytest.raises(ConfigError, match="brief.summary_words"):
        storyweave.Config().replace("brief.summary_words", "30")
