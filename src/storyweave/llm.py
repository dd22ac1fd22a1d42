"""Optional LLM rewording of event summaries, at the edge (after the stages; off by default).

The network client (`openai_compatible`) lives here, outside the stage packages: stages import
no network library (tests/test_import_direction.py).  What a generated sentence must satisfy
to be kept is decided by `brief.abstractive` (pure text checks, no I/O).
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Callable
from dataclasses import replace

from storyweave.config import BriefConfig
from storyweave.model import Corpus
from storyweave.stages.brief.abstractive import abstractive_summary

REWORD_ERRORS = (OSError, ValueError, KeyError, IndexError, TypeError)  # an endpoint failing or answering nonsense


def openai_compatible(endpoint: str, model: str, api_key_env: str = "OPENAI_API_KEY",
                      timeout: float = 60.0) -> Callable[[str], str]:
    """A `complete(prompt) -> text` function for a user-configured chat-completions endpoint
    (e.g. a local llama.cpp or vLLM server at http://localhost:8000/v1)."""
    url = endpoint.rstrip("/") + "/chat/completions"

    def complete(prompt: str) -> str:
        body = json.dumps({"model": model, "temperature": 0,
                           "messages": [{"role": "user", "content": prompt}]}).encode()
        headers = {"Content-Type": "application/json"}
        key = os.environ.get(api_key_env)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        request = urllib.request.Request(url, data=body, headers=headers)
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # the URL is the one the user configured
            reply: str = json.load(resp)["choices"][0]["message"]["content"]  # the chat-completions reply shape
            return reply

    return complete


def reword_events(corpus: Corpus, complete: Callable[[str], str], max_words: int = 120,
                  min_recall: float = BriefConfig.min_content_recall) -> tuple[Corpus, int, Exception | None]:
    """(corpus with `reworded_summary` filled, events reworded, the error that stopped it).

    A reworded sentence is kept when its cited sentences hold its numbers, its names and at least
    `min_recall` of its content words (`brief.min_content_recall`).

    Stops at the first failure of `complete`: the events reworded so far keep their wording,
    every event keeps its extractive summary.  The given corpus is left as it was."""
    events = list(corpus.events)
    done = 0
    for k, event in enumerate(events):
        try:
            events[k] = replace(event, reworded_summary=abstractive_summary(event, complete, max_words=max_words,
                                                                                  min_recall=min_recall))
        except REWORD_ERRORS as exc:
            return replace(corpus, events=events), done, exc
        done += 1
    return replace(corpus, events=events), done, None
