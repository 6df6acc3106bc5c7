"""The web page: describe a spasm or answer questions, see the answer with its
sources, and keep the diary.

Server-rendered with Jinja2 and plain HTML forms, so every page works without
JavaScript; a small vendored script (static/charley.js) only adds a character
count and moves focus to a new answer. No build step.

    GET  /                      describe it in words
    POST /                      ... and see the answer on the same page
    GET  /interview             start the questions (a description is optional)
    POST /interview             ... 303 to the first question
    GET  /interview/question    one yes / no / don't-know question a page; stateless,
    POST /interview/question    the state in the address (see pages/interview.py)
    GET  /interview/answers     check your answers, each with a "Change" link
    GET  /interview/result      the answer at the end of the questions
    GET  /guide                 the care guide; ?q=... answers a question above it
    GET  /diary                 patterns, chart, recent episodes, a form to log one
    POST /diary/login           start a session: an HttpOnly cookie with its id, not the token
    POST /diary/logout          end the session on the server, and drop the cookie
    POST /diary/log             save an episode with its assessment
    GET  /diary/episodes/{id}   one saved episode and its assessment
    GET  /diary/episodes/{id}/edit    the form filled in; POST saves and re-assesses
    GET  /diary/episodes/{id}/delete  asks first; POST deletes
    GET  /diary/report          the printable report (the same template as `charley report`)
    GET  /diary/chart.svg       the chart (?size=phone for a phone's width)
    /static/...                 the style sheet, the script and the icon

The API's own docs page (/docs) is in routes/docs.py; /favicon.ico in app.py.

Bad form input gets the page back with a clear message and status 422, and
changes nothing. A post that does not show it comes from this site (Origin,
else Referer) is refused with 403. Nothing here logs what a person typed, and the token is
never written into a page.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from charley.web.pages.common import HERE
from charley.web.pages.describe import index, post_index
from charley.web.pages.diary import (
    chart,
    delete_episode,
    delete_page,
    diary_page,
    edit_page,
    episode_page,
    log_episode,
    login,
    logout,
    report_css,
    report_page,
    save_edit,
)
from charley.web.pages.guide import guide_page
from charley.web.pages.interview import (
    answers_page,
    interview,
    post_interview,
    post_question,
    question_page,
    result_page,
)


def install(app: FastAPI) -> None:
    """Add the page's routes and its static files to `app`."""
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    routes = (
        ("/", index, ["GET"]),
        ("/", post_index, ["POST"]),
        ("/interview", interview, ["GET"]),
        ("/interview", post_interview, ["POST"]),
        ("/interview/question", question_page, ["GET"]),
        ("/interview/question", post_question, ["POST"]),
        ("/interview/answers", answers_page, ["GET"]),
        ("/interview/result", result_page, ["GET"]),
        ("/guide", guide_page, ["GET"]),
        ("/diary", diary_page, ["GET"]),
        ("/diary/login", login, ["POST"]),
        ("/diary/logout", logout, ["POST"]),
        ("/diary/log", log_episode, ["POST"]),
        ("/diary/episodes/{episode_id}", episode_page, ["GET"]),
        ("/diary/episodes/{episode_id}/edit", edit_page, ["GET"]),
        ("/diary/episodes/{episode_id}/edit", save_edit, ["POST"]),
        ("/diary/episodes/{episode_id}/delete", delete_page, ["GET"]),
        ("/diary/episodes/{episode_id}/delete", delete_episode, ["POST"]),
        ("/diary/report", report_page, ["GET"]),
        ("/diary/report.css", report_css, ["GET"]),
        ("/diary/chart.svg", chart, ["GET"]),
    )
    for path, endpoint, methods in routes:
        app.add_route(path, endpoint, methods=methods, include_in_schema=False)
