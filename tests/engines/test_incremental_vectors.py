"""The incremental add's kept vectors (`engines/incremental.py`): what a stored report is found by.

An add re-clusters only the stored events whose kept vectors (title and lead, `_vector_rows`)
are near the new reports, so a stored report is reachable only through its kept vector."""

from __future__ import annotations

from storyweave.engines.local import ingest
from storyweave.io import store
from storyweave.model import Article

# Invented: a page that is all photo gallery (the cleaner removes every line of it) and a report
# of the search it shows, on the same day; two unrelated reports so the store holds other events.
CAPTIONS = "\n".join(f"Photos: search for the ferry Aurora Vale {line} Hide Caption {k} of 3" for k, line in enumerate([
    "Sonar crews on a coast guard ship sweep the Kessel Sea floor for the missing ferry and its 112 passengers.",
    "Relatives of the 112 passengers of the ferry wait for news at the harbour in Lindmark.",
    "Aircraft and ships from three countries join the search for the ferry lost in a storm.",
], start=1))
SEARCH = ("Rescue teams resumed looking for the Aurora Vale on Monday. The ferry vanished in a storm with 112 "
          "people aboard. Coast guard vessels used sonar over the Kessel Sea, while families gathered at the port "
          "of Lindmark and planes from three countries flew over the area.")
OTHERS = [
    "The city council of Harlow approved a new budget on Monday after a four-hour debate over bus routes and school repairs.",
    "A new exhibition of glass sculpture opened at the Marren gallery on Monday, drawing long queues of visitors.",
]


def test_a_stored_gallery_page_is_found_by_its_captions(tmp_path):
    conn = store.connect(tmp_path / "s.db")
    first = ingest(conn, [Article(id="photos", text=CAPTIONS, published="2026-03-02")]
                   + [Article(id=f"other-{k}", text=t, published="2026-03-02") for k, t in enumerate(OTHERS)])
    page = first.corpus.by_id()["photos"]
    assert page.text == "" and len(page.removed_by("gallery")) == 3  # nothing left but its captions
    added = ingest(conn, [Article(id="search", text=SEARCH, published="2026-03-02")], command="add", incremental=True)
    assert added.corpus.by_id()["search"].event_id == page.event_id
