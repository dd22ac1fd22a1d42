"""Plain-text reader: metadata inferred conservatively from the text itself."""

from pathlib import Path

from storyweave.io.readers import read_paths


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_dateline_with_full_date_gives_date_agency_and_title(tmp_path):
    path = write(
        tmp_path,
        "valmora-floods.txt",
        "Floods force thousands from homes in Valmora\n\n"
        "VALMORA, March 3, 2026 (Reuters) — Heavy rain caused the river to burst its banks on Tuesday, "
        "forcing 2,000 people from their homes, officials said.\n\n"
        '"We have never seen anything like this," said mayor Ana Ruiz.\n',
    )
    articles, errors = read_paths([path])
    assert errors == []
    [a] = articles
    assert a.id == "valmora-floods"
    assert a.published == "2026-03-03"
    assert a.title == "Floods force thousands from homes in Valmora"
    assert a.metadata["agency"] == "Reuters"
    assert a.metadata["dateline_place"] == "VALMORA"
    assert set(a.metadata["inferred"]) == {"title", "published", "agency", "source"}
    # the dateline credit names the report's origin: publisher inferred, agency credited
    assert a.source == "Reuters" and a.source_inferred and a.credits == ["Reuters"]
    assert a.url is None
    assert a.raw_text == a.text and a.is_new and a.path == str(path)
    assert "Heavy rain caused the river" in a.text


def test_agency_dateline_without_year_gives_no_date(tmp_path):
    path = write(
        tmp_path,
        "geneva.txt",
        "GENEVA, March 3 (AP) — Talks resumed on Tuesday between the two delegations, diplomats said.\n"
        "A second round is planned for next week.\n",
    )
    [a], errors = read_paths([path])
    assert errors == []
    assert a.published is None  # no year: never guessed
    assert a.metadata["agency"] == "AP"
    assert a.title is None  # first line is a sentence, not a headline


def test_london_reuters_dateline(tmp_path):
    path = write(
        tmp_path, "fx.txt", "LONDON (Reuters) - Sterling rose against the dollar on Monday.\nMore text.\n"
    )
    [a], _ = read_paths([path])
    assert a.metadata["agency"] == "Reuters"
    assert a.published is None


def test_sentence_first_line_is_not_a_title(tmp_path):
    path = write(
        tmp_path,
        "plain.txt",
        "The council approved the budget on Monday after a long debate.\nIt takes effect in April.\n",
    )
    [a], _ = read_paths([path])
    assert a.title is None
    assert "inferred" not in a.metadata


def test_a_caption_and_its_credit_on_the_first_line_is_not_a_title(tmp_path):
    """A caption sentence closed by its credit ("... the old bridge. (University of Valmora)") has a
    sentence break inside: no title (a bare news_cluster report had one as its event and story title)."""
    body = "Sandbag walls went up along the river at dawn, the council said on Monday.\nThe old bridge was closed.\n"
    caption = "Sandbag walls along the river, at left, and the old bridge. (University of Valmora)"
    [a], _ = read_paths([write(tmp_path, "cap.txt", caption + "\n" + body)])
    assert a.title is None
    [b], _ = read_paths([write(tmp_path, "head.txt", "Sandbag walls go up along the river as the old bridge closes\n" + body)])
    assert b.title == "Sandbag walls go up along the river as the old bridge closes"


def test_date_line_under_title(tmp_path):
    path = write(
        tmp_path,
        "dated.txt",
        "Minister resigns over budget row\nPublished: 4 March 2026\nThe finance minister resigned on Wednesday.\n",
    )
    [a], _ = read_paths([path])
    assert a.published == "2026-03-04"
    assert a.title == "Minister resigns over budget row"


def test_hard_wrapped_paragraphs_are_joined(tmp_path):
    body = (
        "The regional government said on Tuesday that more than two thousand people\n"
        "had been moved to emergency shelters after the river burst its banks near\n"
        "the old town, and that the army had been asked to help with the evacuation.\n"
        "\n"
        "Forecasters expect more heavy rain over the weekend across the whole of the\n"
        "northern valley, where several roads remain closed to all traffic tonight.\n"
    )
    [a], _ = read_paths([write(tmp_path, "wrapped.txt", body)])
    lines = a.text.split("\n\n")
    assert len(lines) == 2
    assert lines[0].startswith("The regional government") and lines[0].endswith("evacuation.")
    assert "people had been moved" in lines[0]
    assert a.metadata.get("unwrapped_lines") is True


def test_unwrapped_short_lines_stay(tmp_path):
    text = "Short line one.\nShort line two.\nShort line three.\n"
    [a], _ = read_paths([write(tmp_path, "short.txt", text)])
    assert a.text == text.strip()


def test_windows_1252_text_is_read_and_noted(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes(
        "Caf\u00e9 owners in the old town said the \u201cflood\u201d cost them a week.\n".encode("cp1252")
    )
    [a], errors = read_paths([path])
    assert errors == []
    assert a.text.startswith("Caf\u00e9 owners") and "\u201cflood\u201d" in a.text
    assert a.metadata["encoding"] == "cp1252"


def test_binary_garbage_is_an_error(tmp_path):
    path = tmp_path / "garbage.txt"
    path.write_bytes(bytes(range(256)) * 8)
    articles, errors = read_paths([path])
    assert articles == [] and len(errors) == 1
    assert "UTF-8" in errors[0].reason or "binary" in errors[0].reason
