"""`charley serve` and `charley users`: the HTTP server and its people."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from charley.cli.output import error
from charley.errors import CharleyError

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
    from charley.web.settings import env_flag

    url = db or default_url()
    try:
        migrate(make_engine(url))  # once, before the workers start
    except CharleyError as exc:
        raise typer.Exit(error(str(exc))) from None
    os.environ["CHARLEY_DB"] = url  # every worker's create_app() reads it
    try:
        # Behind a TLS proxy, the client's address (for the login throttle) and the
        # scheme come from the proxy's X-Forwarded-For and -Proto headers, trusted only
        # from FORWARDED_ALLOW_IPS (uvicorn's default: 127.0.0.1). Otherwise never.
        behind_proxy = env_flag("CHARLEY_BEHIND_TLS_PROXY")
    except CharleyError as exc:
        raise typer.Exit(error(str(exc))) from None
    uvicorn.run(
        "charley.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=access_log,
        proxy_headers=behind_proxy,
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
