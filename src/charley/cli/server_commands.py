"""`charley serve` and `charley users`: the HTTP server and its people."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from charley.cli.output import error
from charley.errors import CharleyError

KEEP_ALIVE = 5
"""Seconds a connection may stay idle between requests."""

users_app = typer.Typer(help="People who keep a diary on a shared server.", no_args_is_help=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", metavar="URL", help="Diary database URL (default: CHARLEY_DB or a SQLite file)."
    ),
]


def serve(
    host: Annotated[
        str, typer.Option(metavar="ADDRESS", help="Address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(metavar="N", min=1, max=64, help="Worker processes.")] = 1,
    db: DbOption = None,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="Log a line per request (errors and start-up are logged either way).",
        ),
    ] = True,
) -> None:
    """Run the HTTP API and the web page (FastAPI on uvicorn).

    The API is under /v1, its OpenAPI document at /openapi.json and its docs
    at /docs; the web page is at /. Diary endpoints need a token from
    `charley users add NAME`.

    Example: charley serve --port 8000 --workers 2
    """
    import uvicorn

    from charley.diary.database import default_url, make_engine, migrate
    from charley.web.protocol import MAX_HEADER_BYTES
    from charley.web.settings import Settings

    url = db or default_url()
    try:
        settings = Settings.from_env(url)  # checks the time limits before anything starts
        migrate(make_engine(url, timeout=settings.db_timeout))  # once, before the workers start
    except CharleyError as exc:
        raise typer.Exit(error(str(exc))) from None
    os.environ["CHARLEY_DB"] = url  # every worker's create_app() reads it
    uvicorn.run(
        "charley.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=access_log,
        # Headers must come within CHARLEY_HEADER_TIMEOUT (and be at most 16 KB), a
        # connection idle between requests is closed after 5 s; the body's limit is
        # the app's (charley.web.limits).
        http="charley.web.protocol:BoundedHttpToolsProtocol",
        timeout_keep_alive=KEEP_ALIVE,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
    )


def users_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The person's name.")],
    db: DbOption = None,
    token_only: Annotated[
        bool,
        typer.Option(
            "--token-only", help="Print only the token (what a script reads; also when piped)."
        ),
    ] = False,
) -> None:
    """Add a person and print their new token (shown once; only its hash is kept).

    On a terminal the token comes with a label; piped, or with --token-only,
    it is printed alone, so that a script can read it.

    Example: charley users add ann
    """
    from charley.diary.database import default_url, make_engine, migrate
    from charley.diary.people import add_person

    try:
        engine = make_engine(db or default_url())
        migrate(engine)
        token = add_person(engine, name)
    except CharleyError as exc:
        raise typer.Exit(error(str(exc))) from None
    if token_only or not sys.stdout.isatty():
        print(token)
    else:
        print(f"Token for {name} (keep it secret; it is shown only once): {token}")


def register(app: typer.Typer) -> None:
    app.command()(serve)
    users_app.command("add")(users_add)
    app.add_typer(users_app, name="users")
