"""FastAPI dependencies: the shared engine, and the diary of the bearer token's person.

Without a bearer token, the web page's session cookie opens the diary for reading
only (GET and HEAD: the page's export links). A change through the API always
needs the token, so no other site's form or script can make one with the cookie
a browser sends along.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from charley.diary import Diary
from charley.diary.people import person_for_token
from charley.web import sessions


class Unauthorized(Exception):
    """No valid bearer token: answered with 401."""


READING = ("GET", "HEAD")
bearer = HTTPBearer(auto_error=False, description="A token from `charley users add NAME`.")


def engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


def person_id(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> int:
    if credentials:
        found = person_for_token(engine(request), credentials.credentials or "")
    elif request.method in READING:
        found = sessions.person(request)
    else:
        found = None
    if found is None:
        raise Unauthorized
    return found


def diary(request: Request, pid: Annotated[int, Depends(person_id)]) -> Iterator[Diary]:
    with Diary(engine=engine(request), person_id=pid) as d:
        yield d


DiaryDep = Annotated[Diary, Depends(diary)]
