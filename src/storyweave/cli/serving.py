"""`storyweave serve`: the store's web pages and REST API over HTTP (fastapi and uvicorn, imported
only when the command runs)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Annotated, Any

import typer

from storyweave.cli.messages import fail
from storyweave.cli.options import DEFAULT_DB, ConfigOption, SetOption, load_config
from storyweave.io import store


def serve(
    db: Annotated[Path, typer.Option("--db", help="SQLite store (must exist unless --create).")] = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Interface to listen on (default: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    create: Annotated[bool, typer.Option("--create", help="Create an empty store if --db does not exist.")] = False,
    token_file: Annotated[Path | None, typer.Option(
        "--token-file", help="File holding the token that write "
        "requests must send (default: $STORYWEAVE_TOKEN; none: writes get 403).")] = None,
    max_body: Annotated[int, typer.Option("--max-body", min=1, help="Largest request body in bytes (413 above).")] = 20 * 1024 * 1024,
    access_log: Annotated[bool, typer.Option("--access-log/--no-access-log", help="Log every request to stderr "
                                             "(off by default: it took ~6 % of the server's CPU per request).")] = False,
    config_file: ConfigOption = None,
    sets: SetOption = None,
) -> None:
    """Serve the store: web pages at / and a REST API at /api/v1 (docs at /docs)."""
    config = load_config(config_file, sets)  # for the articles posted to the API
    try:
        import uvicorn

        from storyweave.server import create_app, read_token_file
    except ImportError as exc:
        fail(f"the server needs fastapi and uvicorn ({exc})", 2)
    kwargs: dict[str, Any] = {}
    if token_file is not None:
        try:
            kwargs["token"] = read_token_file(token_file)
        except ValueError as exc:
            fail(str(exc), 2)
    try:
        if db.exists():  # an existing store must be intact
            store.check(db)
        application = create_app(db, config, create=create, max_body=max_body, **kwargs)
    except FileNotFoundError as exc:
        fail(str(exc), 2)
    except (store.StoreError, sqlite3.Error) as exc:
        fail(f"{db}: not a usable storyweave store ({str(exc).splitlines()[0]})" if str(db) not in str(exc)
             else str(exc).splitlines()[0], 2)
    # uvicorn's C event loop and HTTP parser (uvloop, httptools) when installed: "auto" picks them
    uvicorn.run(application, host=host, port=port, loop="auto", http="auto", access_log=access_log)
