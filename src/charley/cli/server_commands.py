"""`charley serve` and `charley users`: the HTTP server and its people."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from charley.cli.output import failure
from charley.errors import CharleyError, DiaryError

ZoneOption = Annotated[
    str | None,
    typer.Option(
        metavar="ZONE", help="Their time zone, e.g. Europe/London (default: the machine's)."
    ),
]

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
        settings = Settings.from_env(url)  # checks every setting before anything starts
        migrate(make_engine(url, timeout=settings.db_timeout))  # once, before the workers start
    except CharleyError as exc:
        raise typer.Exit(failure(exc)) from None
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
        # Behind a TLS proxy, the client's address (for the login throttle) and the
        # scheme come from the proxy's X-Forwarded-For and -Proto headers, trusted only
        # from FORWARDED_ALLOW_IPS (uvicorn's default: 127.0.0.1). Otherwise never.
        proxy_headers=settings.behind_tls_proxy,
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
    zone: ZoneOption = None,
) -> None:
    """Add a person and print their new token (shown once; only its hash is kept).

    On a terminal the token comes with a label; piped, or with --token-only,
    it is printed alone, so that a script can read it. Their days and nights
    are counted in --zone (default: the machine's, until the web page gives
    their browser's).

    Example: charley users add ann --zone Europe/London
    """
    from sqlalchemy.exc import SQLAlchemyError

    from charley.diary.database import default_url, make_engine, migrate
    from charley.diary.people import add_person

    try:
        engine = make_engine(db or default_url())
        try:
            migrate(engine)
            token = add_person(engine, name, zone=zone)
        except SQLAlchemyError as exc:
            raise DiaryError(f"the diary could not be used: {exc.__class__.__name__}") from None
        finally:
            engine.dispose()
    except CharleyError as exc:
        raise typer.Exit(failure(exc)) from None
    if token_only or not sys.stdout.isatty():
        print(token)
    else:
        print(f"Token for {name} (keep it secret; it is shown only once): {token}")


def users_zone(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The person's name.")],
    zone: Annotated[
        str | None,
        typer.Argument(metavar="ZONE", help="A time zone name, e.g. Europe/London."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Show or set a person's time zone: their days, nights and weeks are counted in it.

    The diary of `charley log` is the person called "me". A person with no
    zone of their own is on the machine's.

    Example: charley users zone me Europe/London
    """
    from sqlalchemy.exc import SQLAlchemyError

    from charley.diary.people import set_zone, zone_named
    from charley.diary.store import LOCAL_PERSON, Diary

    try:
        with Diary(db, person=LOCAL_PERSON) as diary:  # the local person exists from here on
            try:
                if zone is None:
                    shown = zone_named(diary.engine, name) or "not set (the machine's zone)"
                else:
                    shown = set_zone(diary.engine, name, zone)
            except SQLAlchemyError as exc:
                raise DiaryError(f"the diary could not be used: {exc.__class__.__name__}") from None
    except CharleyError as exc:
        raise typer.Exit(failure(exc)) from None
    print(f"time zone of {name}: {shown}")


def register(app: typer.Typer) -> None:
    app.command()(serve)
    users_app.command("add")(users_add)
    users_app.command("zone")(users_zone)
    app.add_typer(users_app, name="users")
