"""Readers: paths (files or folders, searched recursively, mixed formats) -> Articles.

Each format has its own small module; this one finds files, picks the reader by extension
(sniffing `.xml` for a feed root), turns every failure into a one-line `ReadError` naming
the file, and drops duplicate ids (first one read wins).  Inside folders, README/LICENSE-style
files and `gold.json` label files are skipped silently; named explicitly, they are errors.
Order is deterministic: paths in the order given, files inside a folder sorted by relative path.
"""

from __future__ import annotations

import errno
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from storyweave.io.readers._common import FILE_LIMIT, BadInput
from storyweave.io.readers.feeds import read_feed
from storyweave.io.readers.html import read_html
from storyweave.io.readers.jsonl import read_json, read_jsonl
from storyweave.io.readers.txt import read_txt
from storyweave.model import Article, ReadError

Reader = Callable[[Path], "list[Article] | tuple[list[Article], list[ReadError]]"]

READERS: dict[str, Reader] = {
    ".txt": read_txt,
    ".text": read_txt,
    ".html": read_html,
    ".htm": read_html,
    ".xhtml": read_html,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".json": read_json,
    ".xml": read_feed,
    ".rss": read_feed,
    ".atom": read_feed,
    ".rdf": read_feed,
}


def supported_extensions() -> list[str]:
    """The file extensions a reader exists for, sorted."""
    return sorted(READERS)


def read_paths(
    paths: Iterable[str | Path], *, max_bytes: int | None = None
) -> tuple[list[Article], list[ReadError]]:
    """Read every article under `paths`; bad inputs become `ReadError`s and the batch goes on.

    Files larger than `max_bytes` (default `readers._common.MAX_FILE_BYTES`) are reported, not read."""
    with _file_limit(max_bytes):
        return _read_paths(paths)


@contextmanager
def _file_limit(max_bytes: int | None) -> Iterator[None]:
    token = FILE_LIMIT.set(max_bytes)
    try:
        yield
    finally:
        FILE_LIMIT.reset(token)


def _read_paths(paths: Iterable[str | Path]) -> tuple[list[Article], list[ReadError]]:
    articles: list[Article] = []
    errors: list[ReadError] = []
    first_seen: dict[str, str] = {}
    for file, error in _files(paths):
        if error is not None:
            errors.append(error)
            continue
        new, file_errors = read_file(file)
        errors.extend(file_errors)
        for article in new:
            if article.id in first_seen:
                errors.append(
                    ReadError(
                        str(file),
                        f"duplicate article id {article.id!r} (first read from {first_seen[article.id]}); "
                        "kept the first",
                    )
                )
                continue
            first_seen[article.id] = str(file)
            articles.append(article)
    return articles, errors


def read_file(path: Path) -> tuple[list[Article], list[ReadError]]:
    """Articles of one file, and the errors met reading it."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        return [], [
            ReadError(
                str(path),
                f"unsupported file type {path.suffix or '(no extension)'!r}; "
                f"expected one of {', '.join(supported_extensions())}",
            )
        ]
    try:
        result = reader(path)
    except BadInput as exc:
        return [], [ReadError(str(path), str(exc))]
    except Exception as exc:  # a library failing on odd input must not stop the batch
        return [], [ReadError(str(path), f"cannot read ({type(exc).__name__}: {exc})".replace("\n", " "))]
    if isinstance(result, tuple):
        return result
    return result, []


def _files(paths: Iterable[str | Path]) -> Iterable[tuple[Path, ReadError | None]]:
    """Files under `paths` in a deterministic order; missing paths, broken or looping links and
    special files (FIFOs, devices, sockets) as errors (never opened, so nothing blocks)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                (
                    p
                    for p in path.rglob("*")  # does not descend into symlinked folders: no loops
                    if not _hidden(p.relative_to(path)) and not _documentation(p) and not p.is_dir()
                ),
                key=lambda p: p.relative_to(path).as_posix(),
            )
        elif path.exists() or path.is_symlink():
            found = [path]
        else:
            yield path, ReadError(str(path), "no such file or folder")
            continue
        for file in found:
            problem = _not_a_file(file)
            if problem:
                yield file, ReadError(str(file), problem)
                continue
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                yield file, None


def _not_a_file(path: Path) -> str | None:
    """Why `path` cannot be read as a file (without opening it), or None for a regular file."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if path.is_symlink():
            if exc.errno == errno.ELOOP:
                return "symbolic link loop; not read"
            return "broken symbolic link (its target does not exist); not read"
        return f"cannot read file ({exc.strerror or exc})"
    if stat.S_ISREG(mode):
        return None
    for test, name in ((stat.S_ISFIFO, "a FIFO/named pipe"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return f"not a regular file ({name}); not read"
    return "not a regular file; not read"


_DOC_NAMES = ("readme", "license", "licence", "notice", "changelog", "authors", "copying")


_LABEL_FILES = ("gold.json",)  # storyweave's own gold-label format (see examples/corpus)


def _documentation(path: Path) -> bool:
    """README/LICENSE-style files and gold-label files: skipped silently inside folders (not article data)."""
    name = path.name.lower()
    return (path.stem.lower() in _DOC_NAMES and path.suffix.lower() not in READERS) or name in _LABEL_FILES


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)
