"""Optional abstractive wording: generated sentences are kept only when the cited sources support them."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from storyweave.config import BriefConfig
from storyweave.llm import openai_compatible, reword_events
from storyweave.model import Corpus, Event, SummarySentence
from storyweave.nlp.text import count_words
from storyweave.stages.brief.abstractive import abstractive_summary, check_sentence

S1 = SummarySentence("Dockworkers at the port of Saltmere walked off the job on Monday in a dispute over pay.", ["a", "b"])
S2 = SummarySentence("About 3,400 members of the dockworkers' union joined the strike, the union said.", ["c"])
EVENT = Event(id="e1", article_ids=["a", "b", "c"], summary=[S1, S2])


def test_supported_rewording_is_kept_with_the_citations_of_its_sources():
    answer = ("Saltmere dockworkers walked off the job on Monday over pay, and about 3,400 union members "
              "joined the strike [1,2]. The mayor resigned over the strike [1]. "
              "About 5,000 dockworkers joined the strike [2]. Dockworkers went on strike.")
    out = abstractive_summary(EVENT, lambda prompt: answer, max_words=100)
    assert [s.text for s in out] == ["Saltmere dockworkers walked off the job on Monday over pay, and about 3,400 "
                                     "union members joined the strike."]
    assert out[0].article_ids == ["a", "b", "c"]


def test_check_sentence_reasons():
    assert check_sentence("The union said 3,400 members joined the strike.", [S2.text])[0]
    assert not check_sentence("The union said 4,000 members joined the strike.", [S2.text])[0]
    assert not check_sentence("Minister Halloran said members joined the strike.", [S2.text])[0]
    assert not check_sentence("Members joined the strike.", [])[0]


def test_content_recall_is_the_brief_config_knob():
    half = "Dockworkers walked off the job angrily, demanding pensions."  # 3 of its 6 content words in S1
    assert BriefConfig().min_content_recall == 0.7
    assert check_sentence(half, [S1.text]) == (False, "only 50% of its content words are in the sources")
    assert check_sentence(half, [S1.text], min_recall=0.5) == (True, "")
    answer = f"{half[:-1]} [1]."
    assert abstractive_summary(EVENT, lambda prompt: answer) == []
    assert [s.text for s in abstractive_summary(EVENT, lambda prompt: answer, min_recall=0.5)] == [half]
    corpus = Corpus(events=[EVENT])
    assert reword_events(corpus, lambda prompt: answer)[0].events[0].reworded_summary == []
    assert [s.text for s in reword_events(corpus, lambda prompt: answer, min_recall=0.5)[0].events[0].reworded_summary] == [half]


def test_budget_is_kept():
    answer = " ".join([S1.text.rstrip(".") + " [1]."] * 5)
    out = abstractive_summary(EVENT, lambda prompt: answer, max_words=40)
    assert sum(count_words(s.text) for s in out) <= 40 and out


def test_openai_compatible_client_against_a_local_fake_server():
    seen = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            seen.update(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            body = json.dumps({"choices": [{"message": {"content": "Dockworkers walked off the job [1]."}}]})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        complete = openai_compatible(f"http://127.0.0.1:{server.server_port}/v1", "tiny")
        out = abstractive_summary(EVENT, complete)
    finally:
        server.shutdown()
    assert seen["model"] == "tiny" and "[1] Dockworkers" in seen["messages"][0]["content"]
    assert [s.text for s in out] == ["Dockworkers walked off the job."]
    assert out[0].article_ids == ["a", "b"]


def test_reword_events_stops_at_the_first_failure_and_leaves_the_input_as_it_was():
    from storyweave.model import Corpus

    other = Event(id="e2", article_ids=["c"], summary=[S2])
    corpus = Corpus(events=[EVENT, other])
    answers = iter([S1.text.rstrip(".") + " [1]."])

    def complete(prompt: str) -> str:
        answer = next(answers, None)
        if answer is None:
            raise OSError("endpoint went away")
        return answer

    out, done, error = reword_events(corpus, complete, max_words=60)
    assert done == 1 and isinstance(error, OSError)
    assert [s.text for s in out.events[0].reworded_summary] == [S1.text]
    assert out.events[1].reworded_summary == [] and out.events[1].summary == [S2]
    assert corpus.events[0].reworded_summary == []  # the caller's corpus is not changed
